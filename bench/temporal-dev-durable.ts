/**
 * Durable-mode benchmark of the embedded Temporal server (`--db-filename`):
 *   1. throughput of 3-activity workflows with every state change fsync'd;
 *   2. N open workflows each waiting on a timer: the server's RSS and file size;
 *   3. SIGKILL, restart on the same file: time until it answers again, and RSS after the replay.
 *
 *   npx tsx bench/temporal-dev-durable.ts [--open N] [--workflows W]
 *
 * The server runs as a child process so that its memory and start-up are measured alone. Stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
  makeTelemetryFilterString,
} from '@temporalio/worker';
import { freePort } from '../infra/temporal-dev/free-port';

const BIN = join(__dirname, '..', 'infra', 'temporal-dev', 'bin', 'temporal-dev');
const WORKFLOWS = join(__dirname, '..', 'infra', 'temporal-dev', 'conformance', 'server-features', 'workflows.ts');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer`);
  return v;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function startServer(port: number, db: string): Promise<{ proc: ChildProcess; readyMs: number }> {
  const t0 = Date.now();
  const proc = spawn(
    BIN,
    ['server', 'start-dev', '--port', String(port), '--headless', '--db-filename', db, '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  for (;;) {
    if (err.includes('Temporal-compatible server on')) return { proc, readyMs: Date.now() - t0 };
    if (proc.exitCode !== null) throw new Error(`server exited: ${err}`);
    if (Date.now() - t0 > 120_000) throw new Error('server did not start in 120 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const openCount = arg('--open', 10_000);
  const workflowCount = arg('--workflows', 300);
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'temporal-dev-durable-'));
  const db = join(dir, 'state.db');
  const port = await freePort();
  const deadline = setTimeout(() => {
    console.error('benchmark deadline (15 min) passed; aborting');
    process.exit(2);
  }, 15 * 60_000);
  let server = await startServer(port, db);
  try {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: new DefaultLogger('ERROR') });
    const worker = await Worker.create({
      connection: native,
      taskQueue: 'durable-bench',
      workflowBundle,
      activities: { step: async (i: number) => i },
      maxCachedWorkflows: 2000,
    });
    console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, Node ${process.version}`);
    await worker.runUntil(async () => {
      // 1. persisted throughput
      const t0 = Date.now();
      const handles = await Promise.all(
        Array.from({ length: workflowCount }, (_, i) =>
          client.workflow.start('threeSteps', { taskQueue: 'durable-bench', workflowId: `tp-${i}` }),
        ),
      );
      await Promise.all(handles.map((h) => h.result()));
      const secs = (Date.now() - t0) / 1000;
      console.log(
        `persisted throughput: ${(workflowCount / secs).toFixed(1)} workflows/s (${workflowCount} × 3 activities in ${secs.toFixed(1)} s)`,
      );

      // 2. open workflows waiting on timers
      const t1 = Date.now();
      for (let i = 0; i < openCount; i += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, openCount - i) }, (_, j) =>
            client.workflow.start('napping', {
              taskQueue: 'durable-bench',
              workflowId: `open-${i + j}`,
              args: [6 * 3600_000],
            }),
          ),
        );
      }
      // Wait until every workflow has started its timer (its first workflow task completed).
      for (;;) {
        const { count } = await client.workflow.count(`WorkflowType = 'napping' AND HistoryLength >= 5`);
        if (count >= openCount) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      console.log(`${openCount} open workflows waiting on timers in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    });
    await native.close();
    await connection.close();
    console.log(
      `server RSS with ${openCount} open workflows: ${rssMiB(server.proc.pid!)} MiB; file ${(statSync(db).size / 1048576).toFixed(1)} MiB`,
    );

    // 3. kill -9 and restart on the same file
    await new Promise<void>((resolve) => {
      server.proc.once('exit', () => resolve());
      server.proc.kill('SIGKILL');
    });
    server = await startServer(port, db);
    console.log(
      `restart after SIGKILL: answering in ${(server.readyMs / 1000).toFixed(2)} s; RSS ${rssMiB(server.proc.pid!)} MiB`,
    );
    const check = await Connection.connect({ address: `127.0.0.1:${port}` });
    const { count } = await new Client({ connection: check }).workflow.count(
      `WorkflowType = 'napping' AND ExecutionStatus = 'Running'`,
    );
    console.log(`open workflows after restart: ${count}`);
    await check.close();
  } finally {
    clearTimeout(deadline);
    server.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
