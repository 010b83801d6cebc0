// Conformance: time skipping through @temporalio/testing's createTimeSkipping, with the embedded server's bin
// as the `existing-path` executable (createTestEnv). A real server (TEMPORAL_ADDRESS) cannot skip time, so the
// suite is skipped there.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { usingEmbeddedServer } from '../../temporal/test-env';
import {
  eventTypeName,
  eventually,
  historyEventTypes,
  historyEvents,
  startConformanceWorker,
  useConformanceEnv,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
  type RunningWorker,
} from './helpers';
import { attemptsByWorkflow } from './activities';
import { itemSignal, phaseQuery, runActivity, unblockSignal, waitDays, waitForUnblockOrDeadline } from './workflows';

const DAY_MS = 24 * 60 * 60 * 1000;
// Time skipping needs the time-skipping test server; TEMPORAL_ADDRESS points at a server that runs in real time.
const describeTimeSkipping = usingEmbeddedServer() ? describe : describe.skip;

describeTimeSkipping('time skipping (createTimeSkipping with the embedded server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: RunningWorker;
  let client: Client;
  let workflowBundle: WorkflowBundleWithSourceMap;

  useConformanceEnv('time-skipping', (setup) => ({ env, worker, client, workflowBundle } = setup));

  it('is a time-skipping environment', () => {
    expect(env.supportsTimeSkipping).toBe(true);
  });

  it('completes a workflow that sleeps 30 days within seconds of real time', async () => {
    const serverStart = await env.currentTimeMs();
    const handle = await client.workflow.start(waitDays, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('thirty-days'),
      args: [30],
    });
    const workflowElapsed = await handle.result();
    expect(workflowElapsed).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect((await env.currentTimeMs()) - serverStart).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(withoutWorkflowTaskEvents(await historyEventTypes(handle))).toEqual([
      'WorkflowExecutionStarted',
      'TimerStarted',
      'TimerFired',
      'WorkflowExecutionCompleted',
    ]);
  });

  it("skips ahead to a run timeout that falls before the workflow's timer", async () => {
    const serverStart = await env.currentTimeMs();
    const handle = await client.workflow.start(waitDays, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('run-timeout-skip'),
      args: [30],
      workflowRunTimeout: '7 days',
    });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const skipped = (await env.currentTimeMs()) - serverStart;
    expect(skipped).toBeGreaterThanOrEqual(7 * DAY_MS);
    expect(skipped).toBeLessThan(30 * DAY_MS);
    const types = await historyEventTypes(handle);
    expect(types[types.length - 1]).toBe('WorkflowExecutionTimedOut');
  });

  it('advances server time with env.sleep, firing the timers that fall due', async () => {
    const handle = await client.workflow.start(waitForUnblockOrDeadline, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('env-sleep'),
    });
    expect(await handle.query(phaseQuery)).toBe('waiting');
    const before = await env.currentTimeMs();
    await env.sleep('2 days');
    const after = await env.currentTimeMs();
    expect(after - before).toBeGreaterThanOrEqual(2 * DAY_MS);
    expect(await handle.query(phaseQuery)).toBe('deadline passed');
    await handle.signal(unblockSignal, 'late');
    expect(await handle.result()).toBe('unblocked');
  });

  it('does not skip time while nobody waits on a result or sleeps', async () => {
    const handle = await client.workflow.start(waitForUnblockOrDeadline, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('locked'),
    });
    const before = await env.currentTimeMs();
    expect(await handle.query(phaseQuery)).toBe('waiting');
    // Time is locked outside result()/sleep: the day-long deadline has not passed after a query round trip.
    expect(await handle.query(phaseQuery)).toBe('waiting');
    expect((await env.currentTimeMs()) - before).toBeLessThan(60_000);
    await handle.signal(unblockSignal, 'in time');
    expect(await handle.result()).toBe('unblocked');
  });

  it('lets time skip while an activity sleeps with env.sleep (its attempt and the client share one lock count)', async () => {
    // The activity's attempt holds a time-skipping lock; its own UnlockTimeSkippingWithSleep releases it.
    const sleepingWorker = await startConformanceWorker(env, workflowBundle, 'activity-sleep', undefined, {
      async echo(value: string): Promise<string> {
        await env.sleep('2 days');
        return value;
      },
    });
    try {
      const before = await env.currentTimeMs();
      const handle = await client.workflow.start(runActivity, {
        taskQueue: sleepingWorker.taskQueue,
        workflowId: uniqueWorkflowId('activity-env-sleep'),
        args: ['echo', ['after two days'], { startToCloseTimeout: '3 days' }],
      });
      expect(await handle.result()).toBe('after two days');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(2 * DAY_MS);
    } finally {
      await sleepingWorker.stop();
    }
  });

  it('re-arms a timer pending at the reset point in the reset run', async () => {
    const handle = await client.workflow.start(waitForUnblockOrDeadline, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('reset-timer'),
    });
    // A signal without a handler: a second workflow task that completes with the day-long timer still pending.
    await handle.signal(itemSignal, 1);
    const completedTasks = await eventually('a second completed workflow task', async () => {
      const found = (await historyEvents(handle)).filter((e) => eventTypeName(e) === 'WorkflowTaskCompleted');
      return found.length >= 2 && found;
    });
    const { runId } = await client.workflowService.resetWorkflowExecution({
      namespace: env.namespace ?? 'default',
      workflowExecution: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId },
      reason: 'conformance reset with a pending timer',
      workflowTaskFinishEventId: completedTasks[1].eventId,
      requestId: randomUUID(),
    });
    const reset = client.workflow.getHandle(handle.workflowId, runId);
    expect(await reset.query(phaseQuery)).toBe('waiting');
    await env.sleep('2 days');
    expect(await reset.query(phaseQuery)).toBe('deadline passed');
    await reset.signal(unblockSignal, 'late');
    expect(await reset.result()).toBe('unblocked');
    // The timer came with the copied history; the reset run did not start another.
    expect((await historyEventTypes(reset)).filter((t) => t === 'TimerStarted')).toHaveLength(1);
  });

  it('skips an activity retry backoff of an hour', async () => {
    const handle = await client.workflow.start(runActivity, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('backoff-skip'),
      args: [
        'failUntilAttempt',
        [2],
        { startToCloseTimeout: '10s', retry: { initialInterval: '1 hour', maximumAttempts: 2 } },
      ],
    });
    expect(await handle.result()).toBe('succeeded on attempt 2');
    const [first, second] = attemptsByWorkflow.get(handle.workflowId)!;
    expect(second.currentAttemptScheduledMs - first.currentAttemptScheduledMs).toBeGreaterThanOrEqual(60 * 60 * 1000);
  });

  it('answers the TestService calls directly: lock, unlock, sleepUntil, getCurrentTime', async () => {
    const testService = env.connection.testService!;
    const timeOf = async () => tsToMs((await testService.getCurrentTime({})).time);
    const start = await timeOf();
    // The environment holds one lock between calls; releasing it and sleeping until a day later jumps there.
    await testService.unlockTimeSkipping({});
    const target = start + DAY_MS;
    await testService.sleepUntil({ timestamp: msToTs(target) });
    await testService.lockTimeSkipping({});
    expect(await timeOf()).toBeGreaterThanOrEqual(target);
    // Locked again: Sleep waits at wall pace, so 200 ms of server time is about 200 ms, not a jump.
    const lockedAt = await timeOf();
    const realStart = Date.now();
    await testService.sleep({ duration: msToTs(200) });
    expect((await timeOf()) - lockedAt).toBeGreaterThanOrEqual(200);
    expect(Date.now() - realStart).toBeGreaterThanOrEqual(150);
  });

  it('reports the current server time with env.currentTimeMs', async () => {
    const now = await env.currentTimeMs();
    expect(typeof now).toBe('number');
    // Server time never runs behind the wall clock at the start of the test server.
    expect(now).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z'));
  });
});
