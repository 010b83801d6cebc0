/**
 * How long an activity lost with a crashed worker takes to run again: a worker (a child process) starts the
 * activity and is killed with SIGKILL mid-way; a new worker starts at once (as a supervisor restarts one).
 * Measured from the kill to the workflow's completion, for the options every workflow uses (workflows/shared/activity-options.ts) and, with
 * `--before`, for the options they replaced (start-to-close 5 min for file work, 1 min for database writes).
 *
 *   npx tsx bench/activity-recovery.ts [--before]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { ActivityOptions } from '@temporalio/workflow';
import { startTemporalDevServer } from '../infra/temporal-dev';
import { withHeartbeat } from '../infra/temporal/heartbeat';
import { DATABASE_WRITE, FILE_WORK } from '../workflows/shared/activity-options';

const TASK_QUEUE = 'recovery-bench';
const WORKFLOWS = require.resolve('./workflows/recovery');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** `--worker <address>`: the worker that dies. Its activity starts, says so, and never finishes. */
async function doomedWorker(address: string): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue: TASK_QUEUE,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: quiet }),
    activities: {
      work: () =>
        withHeartbeat(async () => {
          process.stdout.write('activity-started\n');
          await new Promise(() => undefined);
          return 'never';
        }),
    },
  });
  await worker.run();
}

async function measure(
  client: Client,
  address: string,
  workflowBundle: { code: string },
  name: string,
  options: ActivityOptions,
): Promise<number> {
  // One process (tsx as a loader, not tsx's CLI, which would run the worker in a grandchild the kill misses).
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--worker', address], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('activity-started') && resolve()),
  );
  const handle = await client.workflow.start('oneActivity', {
    taskQueue: TASK_QUEUE,
    workflowId: `recovery-${randomUUID()}`,
    args: [options],
  });
  await started;
  const killedAt = performance.now();
  child.kill('SIGKILL');
  // The replacement worker; its activity answers at once.
  const survivor = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue: TASK_QUEUE,
    workflowBundle,
    activities: { work: async () => 'done' },
  });
  await survivor.runUntil(handle.result());
  const seconds = (performance.now() - killedAt) / 1000;
  console.log(`| ${name} | ${seconds.toFixed(1)} s |`);
  return seconds;
}

async function main(): Promise<void> {
  const workerAt = process.argv.indexOf('--worker');
  if (workerAt >= 0) return doomedWorker(process.argv[workerAt + 1]);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startTemporalDevServer({ port: 0 });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: quiet });
  console.log('| activity lost with its worker (kill -9) | retried and done after |\n|---|---|');
  const cases: [string, ActivityOptions][] = process.argv.includes('--before')
    ? [
        [
          'file work, before: start-to-close 5 min, no heartbeat',
          { ...FILE_WORK, heartbeatTimeout: undefined, startToCloseTimeout: '5 minutes' },
        ],
        ['database write, before: start-to-close 1 min', { ...DATABASE_WRITE, startToCloseTimeout: '1 minute' }],
      ]
    : [
        ['file work (FILE_WORK: heartbeat every 2 s, timeout 30 s)', FILE_WORK],
        ['database write (DATABASE_WRITE: start-to-close 30 s)', DATABASE_WRITE],
      ];
  try {
    for (const [name, options] of cases) await measure(client, server.address, workflowBundle, name, options);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
