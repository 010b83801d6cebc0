// Conformance: with --db-filename the embedded server keeps executions, timers, activity retries and children
// across a SIGKILL at any moment. Runs the server's executable (the CLI dev-server form) as a child process and
// restarts it on the same port and file; the SDK worker reconnects by itself.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { bundleServerFeatureWorkflows } from './bundle';
import { usingEmbeddedServer } from '../../../temporal/test-env';
import { eventTypeName, historyEvents, quietSdkLogs, withoutWorkflowTaskEvents } from '../helpers';
import * as wf from './workflows';
import { KillableServer } from './killable-server';

// Killing the server is only possible with the embedded one.
const describeEmbedded = usingEmbeddedServer() ? describe : describe.skip;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeEmbedded('persistence across SIGKILL (--db-filename)', () => {
  const server = new KillableServer('dev-server');
  let client: Client;
  let connection: Connection;
  let stopWorker: () => Promise<void>;
  const attempts = new Map<string, number>();
  const startServer = () => server.start();
  const kill = () => server.kill();

  beforeAll(async () => {
    quietSdkLogs();
    await startServer();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    const workflowBundle = await bundleServerFeatureWorkflows();
    const native = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: native,
      taskQueue: 'persistence',
      workflowBundle,
      shutdownGraceTime: '1s',
      activities: {
        // Fails until its n-th attempt for this workflow; the attempt number comes from the server.
        async flakyUntilAttempt(n: number): Promise<number> {
          const info = Context.current().info;
          attempts.set(info.workflowExecution?.workflowId ?? '', info.attempt);
          if (info.attempt < n) throw new Error(`attempt ${info.attempt} fails on purpose`);
          return info.attempt;
        },
      },
    });
    let release!: () => void;
    const running = worker.runUntil(new Promise<void>((r) => (release = r)));
    stopWorker = async () => {
      release();
      await running;
      await native.close();
    };
  }, 120_000);

  afterAll(async () => {
    await stopWorker?.();
    await connection?.close();
    await server.dispose();
  });

  it('completes a workflow whose activity retry, timer and child each lived through a SIGKILL', async () => {
    const workflowId = `survivor-${randomUUID()}`;
    const handle = await client.workflow.start(wf.survivor, { taskQueue: 'persistence', workflowId });

    // 1. killed while the activity waits for its next attempt
    await until(
      'the first attempt to fail',
      async () => (await handle.describe()).raw.pendingActivities?.[0]?.attempt === 2,
    );
    await kill();
    await startServer();
    expect(server.stderr).toMatch(/restored \d+ executions/);

    // 2. killed while the timer runs
    await until('the timer to start', async () =>
      (await historyEvents(handle)).some((e) => eventTypeName(e) === 'TimerStarted'),
    );
    await kill();
    await startServer();

    // 3. killed while the child waits for its signal
    const child = client.workflow.getHandle(`${workflowId}-child`);
    await until('the child to start', async () => (await child.describe()).status.name === 'RUNNING');
    await kill();
    await startServer();

    await child.signal(wf.releaseSignal, 'freed');
    expect(await handle.result()).toBe('attempts=3 child=freed');
    expect(attempts.get(workflowId)).toBe(3);

    const events = await historyEvents(handle);
    expect(withoutWorkflowTaskEvents(events.map(eventTypeName))).toEqual([
      'WorkflowExecutionStarted',
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'TimerStarted',
      'TimerFired',
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'ChildWorkflowExecutionCompleted',
      'WorkflowExecutionCompleted',
    ]);
    expect(events.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes?.attempt).toBe(
      3,
    );
    // Event ids stay dense and ordered across the restarts.
    expect(events.map((e) => Number(e.eventId))).toEqual(events.map((_, i) => i + 1));
  }, 120_000);

  it('drops a torn write at the end of the file with a warning and keeps everything before it', async () => {
    const workflowId = `torn-${randomUUID()}`;
    const handle = await client.workflow.start(wf.waitForRelease, { taskQueue: 'persistence', workflowId });
    await until('the workflow task to complete', async () =>
      (await historyEvents(handle)).some((e) => eventTypeName(e) === 'WorkflowTaskCompleted'),
    );
    await kill();
    appendFileSync(server.dbFile, '0badc0de {"k":"ex","state":{"runId":"half-writ');
    await startServer();
    expect(server.stderr).toMatch(/corrupt tail/);
    await handle.signal(wf.releaseSignal, 'still here');
    expect(await handle.result()).toBe('still here');
  }, 60_000);

  it('forgets a deleted run across a restart', async () => {
    const handle = await client.workflow.start(wf.waitForRelease, {
      taskQueue: 'persistence',
      workflowId: `deleted-${randomUUID()}`,
    });
    await client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: handle.workflowId },
    });
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await kill();
    await startServer();
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  }, 60_000);
});
