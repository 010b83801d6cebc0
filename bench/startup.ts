/**
 * Time to ready of `npm start` (the launcher in embedded mode): the first start on a fresh data folder, a warm
 * restart after a clean stop, and a restart after kill -9. "Ready" is the banner printed and GET /readyz = 200.
 *
 *   npx tsx bench/startup.ts [--runs 3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

interface Started {
  child: ChildProcess;
  ms: number;
}

async function start(dataDir: string): Promise<Started> {
  const began = performance.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    TEMPORAL_DEV_PORT: '0',
    SMTP_CATCHER_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
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
  return { child, ms: performance.now() - began };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

async function main(): Promise<void> {
  const rows: { case: string; seconds: number[] }[] = [
    { case: 'first start, fresh data folder', seconds: [] },
    { case: 'warm start after a clean stop', seconds: [] },
    { case: 'start after kill -9', seconds: [] },
  ];
  for (let run = 0; run < runs; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'smt-bench-start-'));
    try {
      const first = await start(dataDir);
      rows[0].seconds.push(first.ms / 1000);
      await stop(first.child, 'SIGTERM');
      const warm = await start(dataDir);
      rows[1].seconds.push(warm.ms / 1000);
      await stop(warm.child, 'SIGKILL');
      const crashed = await start(dataDir);
      rows[2].seconds.push(crashed.ms / 1000);
      await stop(crashed.child, 'SIGTERM');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`| case | median of ${runs} | runs (s) |\n|---|---|---|`);
  for (const row of rows)
    console.log(
      `| ${row.case} | ${median(row.seconds).toFixed(1)} s | ${row.seconds.map((s) => s.toFixed(1)).join(', ')} |`,
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
