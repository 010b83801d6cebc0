/**
 * Benchmark of schedules on the embedded Temporal server (server in a child process so its CPU and memory are
 * its own):
 *   1. idle cost: the server's CPU share and RSS with no schedules, then with N schedules of one-minute
 *      intervals (their action's queue has no worker, so after the first start every minute's time is skipped
 *      by the overlap policy: the steady state of schedules whose work is elsewhere);
 *   2. 30 days of a daily schedule under time skipping (the test-server form, an SDK worker running each
 *      action): wall time.
 *
 *   npx tsx bench/temporal-dev-schedules.ts [--schedules N] [--idle-seconds S] [--days D]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection, Worker } from '@temporalio/worker';
import { freePort } from '../infra/temporal-dev/free-port';
import { bundleConformanceWorkflows, quietSdkLogs } from '../infra/temporal-dev/conformance/helpers';
import * as activities from '../infra/temporal-dev/conformance/activities';
import { processCpuSeconds, processMemoryMiB } from './process-stats';

const BIN = join(__dirname, '..', 'infra', 'temporal-dev', 'bin', 'temporal-dev');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function startServer(args: string[]): Promise<{ child: ChildProcess; connection: Connection; address: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, ...args.map((a) => a.replace('$PORT', String(port)))], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; !stderr.includes('Temporal-compatible server on'); i++) {
    if (i > 300 || child.exitCode !== null) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const address = `127.0.0.1:${port}`;
  const connection = await Connection.connect({
    address,
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  } as ConnectionOptions);
  return { child, connection, address };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The server's CPU share (of one core) and RSS over a window of wall time. */
async function measure(pid: number, seconds: number): Promise<{ cpu: number; rss: number }> {
  const before = processCpuSeconds(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return { cpu: (processCpuSeconds(pid) - before) / seconds, rss: processMemoryMiB(pid).rss };
}

async function idleCost(count: number, seconds: number): Promise<void> {
  const { child, connection } = await startServer([
    'server',
    'start-dev',
    '--port',
    '$PORT',
    '--ip',
    '127.0.0.1',
    '--headless',
    '--log-level',
    'error',
  ]);
  try {
    const client = new Client({ connection });
    const none = await measure(child.pid!, seconds);
    const createStart = Date.now();
    for (let i = 0; i < count; i++) {
      await client.schedule.create({
        scheduleId: `bench-${i}`,
        spec: { intervals: [{ every: '1 minute' }] },
        action: {
          type: 'startWorkflow',
          workflowType: 'recurringRun',
          taskQueue: 'bench-no-worker',
          workflowId: `bench-run-${i}`,
        },
      });
    }
    const createSeconds = (Date.now() - createStart) / 1000;
    // Past the first minute boundary (one start each), then the steady state of skipped times.
    await new Promise((r) => setTimeout(r, 61_000));
    const some = await measure(child.pid!, seconds);
    const sample = await client.schedule.getHandle('bench-0').describe();
    console.log(
      `idle: no schedules: server CPU ${(none.cpu * 100).toFixed(1)} % of a core, RSS ${none.rss.toFixed(0)} MiB`,
    );
    console.log(
      `idle: ${count} schedules every minute (created in ${createSeconds.toFixed(1)} s): server CPU ${(some.cpu * 100).toFixed(1)} % of a core, RSS ${some.rss.toFixed(0)} MiB; schedule 0 took ${sample.info.numActionsTaken}, skipped ${sample.info.numActionsSkippedOverlap}`,
    );
  } finally {
    await connection.close();
    await stop(child);
  }
}

async function dailyUnderTimeSkipping(days: number): Promise<void> {
  const { child, connection, address } = await startServer(['$PORT']);
  const native = await NativeConnection.connect({ address });
  const taskQueue = `bench-daily-${randomUUID()}`;
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: await bundleConformanceWorkflows(),
    activities,
  });
  let release!: () => void;
  const running = worker.runUntil(new Promise<void>((r) => (release = r)));
  try {
    const client = new Client({ connection });
    const handle = await client.schedule.create({
      scheduleId: 'bench-daily',
      spec: { cronExpressions: ['0 16 * * *'], timezone: 'Asia/Shanghai' },
      action: { type: 'startWorkflow', workflowType: 'recurringRun', taskQueue, workflowId: 'bench-daily-run' },
    });
    const start = process.hrtime.bigint();
    await connection.testService!.unlockTimeSkippingWithSleep({ duration: msToTs(days * 86_400_000 + 60_000) });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const info = (await handle.describe()).info;
    console.log(
      `time skipping: ${days} days of a daily schedule in ${wall.toFixed(2)} s wall time; ${info.numActionsTaken} runs started, ${info.recentActions.filter((a) => a.action.workflow).length} recent`,
    );
  } finally {
    release();
    await running;
    await native.close();
    await connection.close();
    await stop(child);
  }
}

async function main(): Promise<void> {
  quietSdkLogs();
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}`,
  );
  await dailyUnderTimeSkipping(option('--days', 30));
  await idleCost(option('--schedules', 1000), option('--idle-seconds', 60));
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
