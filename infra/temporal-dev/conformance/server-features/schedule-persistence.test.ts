// Conformance: schedules survive a SIGKILL of a server started with --db-filename (the Java-test-server form, so
// that hours pass by time skipping): no run is lost or started twice, and the schedule goes on where it stopped.
import { randomUUID } from 'node:crypto';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import { NativeConnection, Worker } from '@temporalio/worker';
import { usingEmbeddedServer } from '../../../temporal/test-env';
import { bundleConformanceWorkflows, eventually, quietSdkLogs } from '../helpers';
import * as activities from '../activities';
import { recurringRun } from '../workflows';
import { KillableServer } from './killable-server';

const describeEmbedded = usingEmbeddedServer() ? describe : describe.skip;
const HOUR_MS = 3600_000;

describeEmbedded('schedules across SIGKILL (--db-filename)', () => {
  const server = new KillableServer('time-skipping');
  let connection: Connection | undefined;
  let client: Client;
  let stopWorker: () => Promise<void>;
  const taskQueue = `schedule-persistence-${randomUUID()}`;

  async function startServer(): Promise<void> {
    await server.start();
    // The SDK creates the TestService client only when asked to (as @temporalio/testing does).
    connection = await Connection.connect({
      address: server.address,
      [InternalConnectionOptionsSymbol]: { supportsTestService: true },
    } as ConnectionOptions);
    client = new Client({ connection });
  }

  async function restartServer(): Promise<void> {
    await connection!.close();
    await server.kill();
    await startServer();
  }

  const serverTimeMs = async () => tsToMs((await connection!.testService!.getCurrentTime({})).time);

  /** Lets server time pass to just after the n-th whole hour from now (the server starts locked). */
  async function passHours(n: number): Promise<void> {
    const now = await serverTimeMs();
    const target = (Math.floor(now / HOUR_MS) + n) * HOUR_MS + 1000;
    await connection!.testService!.unlockTimeSkippingWithSleep({ duration: msToTs(target - now) });
  }

  beforeAll(async () => {
    quietSdkLogs();
    await startServer();
    const native = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowBundle: await bundleConformanceWorkflows(),
      activities,
      shutdownGraceTime: '1s',
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

  it('neither loses nor doubles a run across a restart', async () => {
    const scheduleId = `persisted-${randomUUID()}`;
    const handle = await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: recurringRun,
        taskQueue,
        workflowId: `persisted-run-${randomUUID()}`,
      },
    });
    await passHours(2);
    const before = await handle.describe();
    expect(before.info.numActionsTaken).toBe(2);

    await restartServer();

    const restored = await client.schedule.getHandle(scheduleId).describe();
    expect(restored.info.numActionsTaken).toBe(2);
    expect(restored.info.recentActions.map((a) => a.action.workflow.workflowId)).toEqual(
      before.info.recentActions.map((a) => a.action.workflow.workflowId),
    );
    expect(restored.info.nextActionTimes[0]).toEqual(before.info.nextActionTimes[0]);

    await passHours(2);
    const after = await client.schedule.getHandle(scheduleId).describe();
    expect(after.info.numActionsTaken).toBe(4);
    const times = after.info.recentActions.map((a) => a.scheduledAt.getTime());
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual([HOUR_MS, HOUR_MS, HOUR_MS]);
    // Each run handed its result to the next, across the restart too.
    const last = await client.workflow.getHandle(after.info.recentActions[3].action.workflow.workflowId).result();
    expect(last.count).toBe(4);
  }, 120_000);

  it('catches up a run missed while the server was down once, within the catch-up window only', async () => {
    // Hourly schedules whose next time falls a few seconds ahead: the server is killed before it and restarted
    // 12 s after it — inside a one-minute catch-up window, outside a ten-second one (the shortest allowed).
    const marginMs = 6000;
    const downAfterTargetMs = 12_000;
    const serverNow = await serverTimeMs();
    // Earlier tests moved server time ahead of the wall clock; while the server is down only the wall clock runs.
    const serverAhead = serverNow - Date.now();
    const target = Math.ceil((serverNow + marginMs) / 1000) * 1000;
    const create = (label: string, catchupWindow: string) =>
      client.schedule.create({
        scheduleId: `${label}-${randomUUID()}`,
        spec: { intervals: [{ every: '1 hour', offset: target % HOUR_MS }] },
        policies: { catchupWindow },
        action: {
          type: 'startWorkflow',
          workflowType: recurringRun,
          taskQueue,
          workflowId: `${label}-run-${randomUUID()}`,
        },
      });
    const caughtUpId = (await create('caught-up', '1 minute')).scheduleId;
    const missedId = (await create('missed', '10 seconds')).scheduleId;
    const before = await client.schedule.getHandle(caughtUpId).describe();
    expect(before.info.nextActionTimes[0].getTime()).toBe(target);
    expect(before.info.numActionsTaken).toBe(0);
    await connection!.close();
    await server.kill();
    // Down until well past the action time (server time runs at wall pace while the server is locked).
    await new Promise((resolve) => setTimeout(resolve, target - serverAhead - Date.now() + downAfterTargetMs));
    await startServer();

    const caughtUp = await eventually('the missed run to be started', async () => {
      const description = await client.schedule.getHandle(caughtUpId).describe();
      return description.info.numActionsTaken > 0 && description;
    });
    expect(caughtUp.info.numActionsTaken).toBe(1);
    expect(caughtUp.info.numActionsMissedCatchupWindow).toBe(0);
    expect(caughtUp.info.recentActions.map((a) => a.scheduledAt.getTime())).toEqual([target]);
    expect(caughtUp.info.nextActionTimes[0].getTime()).toBe(target + HOUR_MS);
    const run = client.workflow.getHandle(caughtUp.info.recentActions[0].action.workflow.workflowId);
    expect((await run.result()).count).toBe(1);

    const missed = await client.schedule.getHandle(missedId).describe();
    expect(missed.info.numActionsTaken).toBe(0);
    expect(missed.info.numActionsMissedCatchupWindow).toBe(1);
    expect(missed.info.nextActionTimes[0].getTime()).toBe(target + HOUR_MS);

    // Another restart does not run the caught-up time again.
    await restartServer();
    const again = await client.schedule.getHandle(caughtUpId).describe();
    expect(again.info.numActionsTaken).toBe(1);
    expect(again.info.recentActions.map((a) => a.scheduledAt.getTime())).toEqual([target]);
  }, 120_000);
});
