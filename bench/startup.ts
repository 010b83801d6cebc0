/**
 * Time to ready of `npm start` (the launcher in embedded mode): the first start on a fresh data folder, a warm
 * restart after a clean stop, and a restart after kill -9. "Ready" is the banner printed and GET /readyz = 200.
 *
 * Prints the median and each run, the load average at each start, and the launcher's own per-phase timings (its
 * "platform started" log line) of the last run of each case.
 *
 *   npx tsx bench/startup.ts [--runs 3] [--root DIR]    (--root: the launcher of another checkout, for before/after)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const ROOT = arg('--root') ?? join(__dirname, '..');
const runs = Number(arg('--runs')) || 3;

interface Started {
  child: ChildProcess;
  ms: number;
  load: number;
  /** The launcher's "platform started" line: per-phase milliseconds (absent before the launcher logged them). */
  phases?: Record<string, number>;
}

async function start(dataDir: string): Promise<Started> {
  const load = loadavg()[0];
  const began = performance.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    TEMPORAL_DEV_PORT: '0',
    SMTP_CATCHER_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SEED_DEMO: 'true',
  };
  for (const key of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'SMTP_URL', 'TEMPORAL_UI_URL']) delete env[key];
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'infra', 'launcher', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API\s+(http:\/\/[^\s]+)\/api\b/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`launcher exited with ${code}:\n${output.slice(-2000)}`)));
  });
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - began;
  // The line is written just before ready; give it a moment to arrive through the pipe.
  await new Promise((r) => setTimeout(r, 200));
  const line = output.split('\n').find((l) => l.includes('"platform started"'));
  const logged = line
    ? (JSON.parse(line) as { phases: Record<string, number>; ms: number; sinceProcessStart: number })
    : undefined;
  // What the process did before startPlatform ran: Node and tsx loading and compiling the launcher's imports.
  const phases = logged && { imports: logged.sinceProcessStart - logged.ms, ...logged.phases, platform: logged.ms };
  return { child, ms, load, phases };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

async function main(): Promise<void> {
  const rows: { case: string; seconds: number[]; loads: number[]; phases?: Record<string, number> }[] = [
    { case: 'first start, fresh data folder', seconds: [], loads: [] },
    { case: 'warm start after a clean stop', seconds: [], loads: [] },
    { case: 'start after kill -9', seconds: [], loads: [] },
  ];
  const record = (row: (typeof rows)[number], started: Started) => {
    row.seconds.push(started.ms / 1000);
    row.loads.push(started.load);
    row.phases = started.phases;
  };
  for (let run = 0; run < runs; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'smt-bench-start-'));
    try {
      const first = await start(dataDir);
      record(rows[0], first);
      await stop(first.child, 'SIGTERM');
      const warm = await start(dataDir);
      record(rows[1], warm);
      await stop(warm.child, 'SIGKILL');
      const crashed = await start(dataDir);
      record(rows[2], crashed);
      await stop(crashed.child, 'SIGTERM');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${ROOT}\n| case | median of ${runs} | runs (s) | load average at start |\n|---|---|---|---|`);
  for (const row of rows)
    console.log(
      `| ${row.case} | ${median(row.seconds).toFixed(1)} s | ${row.seconds.map((s) => s.toFixed(1)).join(', ')} | ` +
        `${row.loads.map((l) => l.toFixed(1)).join(', ')} |`,
    );
  for (const row of rows)
    if (row.phases)
      console.log(
        `${row.case}, phases (ms, last run): ${Object.entries(row.phases)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
