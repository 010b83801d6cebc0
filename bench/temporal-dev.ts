/**
 * Benchmark of the embedded Temporal-compatible server: N workflows × M sequential activities through the
 * official SDK (client + worker in this process, server in a child process so its CPU and memory are its own).
 *
 *   npx tsx bench/temporal-dev.ts [--workflows N] [--activities M] [--rate R] [--in-process] [--deadline-seconds S]
 *                                 [--workflow-pollers P] [--activity-pollers P] [--sticky-ratio R]
 *
 * Prints workflows/s, p50/p99 start-to-close latency (server timestamps), the server's CPU share and RSS, and
 * this process's CPU share (SDK client + worker) to show which side is the bottleneck. Stops by itself: a
 * deadline aborts the run and the server is always killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { processCpuSeconds, processMemoryMiB } from './process-stats';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
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

interface Options {
  workflows: number;
  activities: number;
  inProcess: boolean;
  deadlineSeconds: number;
  /** Worker tuning; undefined = the SDK's defaults. */
  workflowPollers?: number;
  activityPollers?: number;
  stickyRatio?: number;
  /** Workflows started per second; undefined = all at once. */
  rate?: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { workflows: 1000, activities: 3, inProcess: false, deadlineSeconds: 240 };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const numeric = () => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a non-negative integer`);
      return value;
    };
    if (flag === '--workflows') options.workflows = Math.max(1, numeric());
    else if (flag === '--activities') options.activities = numeric();
    else if (flag === '--deadline-seconds') options.deadlineSeconds = Math.max(10, numeric());
    else if (flag === '--in-process') options.inProcess = true;
    else if (flag === '--workflow-pollers') options.workflowPollers = Math.max(2, numeric());
    else if (flag === '--activity-pollers') options.activityPollers = Math.max(1, numeric());
    else if (flag === '--rate') options.rate = Math.max(1, numeric());
    else if (flag === '--sticky-ratio') {
      options.stickyRatio = Number(argv[++i]);
      if (!(options.stickyRatio > 0 && options.stickyRatio <= 1))
        throw new Error('--sticky-ratio needs a number in (0, 1]');
    } else throw new Error(`unknown flag ${flag}; usage: ${USAGE}`);
  }
  return options;
}

const USAGE =
  '[--workflows N] [--activities M] [--rate R] [--in-process] [--deadline-seconds S] [--workflow-pollers P] [--activity-pollers P] [--sticky-ratio R]';
const BIN = join(__dirname, '..', 'infra', 'temporal-dev', 'bin', 'temporal-dev');
const WORKFLOWS = join(__dirname, '..', 'infra', 'temporal-dev', 'conformance', 'workflows');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function connectWhenReady(address: string, child: ChildProcess | undefined): Promise<Connection> {
  const giveUp = Date.now() + 30_000;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      return await Connection.connect({ address, connectTimeout: 1000 });
    } catch (err) {
      if (Date.now() > giveUp) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

interface Server {
  address: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

async function startServer(inProcess: boolean): Promise<Server> {
  if (inProcess) {
    // Imported lazily so the child-process mode does not load the server code into the measured process.
    const { startTemporalDevServer } = require('../infra/temporal-dev') as typeof import('../infra/temporal-dev');
    const server = await startTemporalDevServer({ port: 0 });
    return { address: server.address, pid: undefined, stop: () => server.close() };
  }
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, 'server', 'start-dev', '--port', String(port), '--ip', '127.0.0.1', '--headless', '--log-level', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}

/** Starts `count` workflows — all at once, or `rate` per second — and waits for every one to complete. */
async function runBatch(
  client: Client,
  taskQueue: string,
  count: number,
  activities: number,
  rate?: number,
): Promise<string[]> {
  const started: Promise<string>[] = [];
  const begin = Date.now();
  for (let index = 0; index < count; index += 1) {
    if (rate) {
      const due = begin + (index * 1000) / rate;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    started.push(
      client.workflow
        .start('sequentialActivities', { taskQueue, workflowId: `bench-${randomUUID()}`, args: [activities] })
        .then(async (handle) => {
          await handle.result();
          return handle.workflowId;
        }),
    );
  }
  return Promise.all(started);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });

  const server = await startServer(options.inProcess);
  const deadline = setTimeout(() => {
    console.error(`bench: deadline of ${options.deadlineSeconds}s passed; stopping`);
    void server.stop().finally(() => process.exit(1));
  }, options.deadlineSeconds * 1000);

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let connection: Connection | undefined;
  let nativeConnection: NativeConnection | undefined;
  try {
    connection = await connectWhenReady(server.address, undefined);
    const client = new Client({ connection });
    const taskQueue = `bench-${randomUUID()}`;
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve(WORKFLOWS),
      logger: new DefaultLogger('ERROR'),
    });
    worker = await Worker.create({
      connection: (nativeConnection = await NativeConnection.connect({ address: server.address })),
      taskQueue,
      workflowBundle,
      // A trivial activity: the benchmark measures orchestration, not work.
      activities: { echo: async (value: string) => value },
      // The SDK's defaults unless the command line tunes them (each poll carries one task).
      ...(options.workflowPollers
        ? { workflowTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: options.workflowPollers } }
        : {}),
      ...(options.activityPollers
        ? { activityTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: options.activityPollers } }
        : {}),
      ...(options.stickyRatio ? { nonStickyToStickyPollRatio: options.stickyRatio } : {}),
    });
    workerRun = worker.run();

    // Warm-up (not measured): JIT, caches, first bundle load in the workflow threads.
    await runBatch(client, taskQueue, Math.min(50, options.workflows), options.activities);

    const serverCpuBefore = server.pid ? processCpuSeconds(server.pid) : NaN;
    const ownCpuBefore = process.cpuUsage();
    const wallStart = process.hrtime.bigint();
    const workflowIds = await runBatch(client, taskQueue, options.workflows, options.activities, options.rate);
    const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const ownCpuSeconds = (ownCpu.user + ownCpu.system) / 1e6;
    const serverCpuSeconds = server.pid ? processCpuSeconds(server.pid) - serverCpuBefore : NaN;
    const memory = server.pid ? processMemoryMiB(server.pid) : undefined;

    // Start-to-close by the server's own timestamps.
    const latencies: number[] = [];
    for (let i = 0; i < workflowIds.length; i += 200) {
      const described = await Promise.all(
        workflowIds.slice(i, i + 200).map((id) => client.workflow.getHandle(id).describe()),
      );
      for (const d of described) latencies.push((d.closeTime?.getTime() ?? NaN) - d.startTime.getTime());
    }
    latencies.sort((a, b) => a - b);

    const cores = cpus().length;
    const ownSide = server.pid ? 'client + SDK worker' : 'client + SDK worker + server';
    const lines = [
      `machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cores} cores, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} (other processes compete for the cores)`,
      `server: ${options.inProcess ? 'in-process' : 'child process (bin/temporal-dev server start-dev)'}, in memory`,
      `run: ${options.workflows} workflows × ${options.activities} activities, ${options.rate ? `started at ${options.rate}/s` : 'all started at once'} (after ${Math.min(50, options.workflows)} warm-up workflows)`,
      `worker: ${options.workflowPollers ?? 'default'} workflow pollers, ${options.activityPollers ?? 'default'} activity pollers, sticky ratio ${options.stickyRatio ?? 'default (0.2)'}`,
      `throughput: ${(options.workflows / wallSeconds).toFixed(1)} workflows/s (${wallSeconds.toFixed(2)} s wall)`,
      `start-to-close: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
      server.pid
        ? `server CPU: ${((serverCpuSeconds / wallSeconds) * 100).toFixed(0)}% of one core; RSS ${memory!.rss.toFixed(0)} MiB (peak ${memory!.peak.toFixed(0)} MiB)`
        : 'server CPU: not separable in-process',
      `${ownSide} process CPU: ${((ownCpuSeconds / wallSeconds) * 100).toFixed(0)}% of one core`,
      // CPU per workflow is steadier than wall-clock rates on a shared machine, and shows which side limits.
      `CPU per workflow: server ${server.pid ? `${((serverCpuSeconds * 1000) / options.workflows).toFixed(1)} ms` : 'included below'}, ${ownSide} ${((ownCpuSeconds * 1000) / options.workflows).toFixed(1)} ms`,
    ];
    console.log(lines.join('\n'));
  } finally {
    clearTimeout(deadline);
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch((err: unknown) => console.error('worker:', err));
    await nativeConnection?.close();
    await connection?.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
