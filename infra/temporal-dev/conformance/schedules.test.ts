// Conformance: Temporal Schedules through the SDK's ScheduleClient. Describing, listing, triggering, pausing and
// deleting run against any server; the tests that let days pass need time skipping and skip on a real server.
import { randomUUID } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  ScheduleNotFoundError,
  ServiceError,
  ScheduleOverlapPolicy,
  WorkflowFailedError,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleOptionsAction,
} from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { usingEmbeddedServer } from '../../temporal/test-env';
import { eventually, useConformanceEnv, type RunningWorker } from './helpers';
import { recurringRun, unblockSignal, waitForUnblock, type RecurringRunReport } from './workflows';

const itSkipsTime = usingEmbeddedServer() ? it : it.skip;
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

describe('schedules (ScheduleClient)', () => {
  let env: TestWorkflowEnvironment;
  let worker: RunningWorker;
  let client: Client;
  const created: ScheduleHandle[] = [];

  useConformanceEnv('schedules', (setup) => ({ env, worker, client } = setup), {
    beforeTeardown: async () => {
      for (const handle of created) await handle.delete().catch(() => undefined);
    },
  });

  const scheduleId = (label: string) => `conformance-${label}-${randomUUID()}`;

  function action(
    workflow: typeof recurringRun | typeof waitForUnblock = recurringRun,
    args: unknown[] = [],
  ): ScheduleOptionsAction {
    return {
      type: 'startWorkflow',
      workflowType: workflow,
      taskQueue: worker.taskQueue,
      args,
      workflowId: `wf-${randomUUID()}`,
    } as ScheduleOptionsAction;
  }

  async function create(options: Parameters<Client['schedule']['create']>[0]): Promise<ScheduleHandle> {
    const handle = await client.schedule.create(options);
    created.push(handle);
    return handle;
  }

  const nowMs = async () => (usingEmbeddedServer() ? env.currentTimeMs() : Date.now());

  it('creates a daily schedule in a time zone and describes it as the server keeps it', async () => {
    const id = scheduleId('daily');
    const handle = await create({
      scheduleId: id,
      spec: { calendars: [{ hour: 16, minute: 0, comment: 'meeting with PMC' }], timezone: 'Asia/Shanghai' },
      action: action(),
      memo: { purpose: 'daily meeting' },
      state: { note: 'created by the conformance suite' },
    });
    const description = await handle.describe();
    expect(description.scheduleId).toBe(id);
    expect(description.spec.timezone).toBe('Asia/Shanghai');
    expect(description.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 16, end: 16, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
      comment: 'meeting with PMC',
    });
    expect(description.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.SKIP, pauseOnFailure: false });
    expect(description.state).toMatchObject({ paused: false, note: 'created by the conformance suite' });
    expect(description.memo).toEqual({ purpose: 'daily meeting' });
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'recurringRun',
      taskQueue: worker.taskQueue,
    });
    // 16:00 in Shanghai is 08:00 UTC, every day.
    const next = description.info.nextActionTimes;
    expect(next.length).toBeGreaterThanOrEqual(2);
    for (const t of next) expect(t.toISOString()).toMatch(/T08:00:00\.000Z$/);
    expect(next[1].getTime() - next[0].getTime()).toBe(DAY_MS);
    expect(next[0].getTime()).toBeGreaterThan(await nowMs());
    expect(description.info.createdAt.getTime()).toBeLessThanOrEqual(await nowMs());
    expect(description.info.numActionsTaken).toBe(0);
  });

  it('compiles cron strings with CRON_TZ into calendars and the time zone', async () => {
    const handle = await create({
      scheduleId: scheduleId('cron'),
      spec: { cronExpressions: ['CRON_TZ=Asia/Shanghai 20 17 * * *'] },
      action: action(),
    });
    const description = await handle.describe();
    expect(description.spec.timezone).toBe('Asia/Shanghai');
    expect(description.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 17, end: 17, step: 1 }],
      minute: [{ start: 20, end: 20, step: 1 }],
    });
    for (const t of description.info.nextActionTimes) expect(t.toISOString()).toMatch(/T09:20:00\.000Z$/);
  });

  it('refuses an invalid spec with a message naming the problem, creating nothing', async () => {
    const id = scheduleId('invalid');
    await expect(
      client.schedule.create({ scheduleId: id, spec: { cronExpressions: ['0 25 * * *'] }, action: action() }),
    ).rejects.toThrow(/hour|range/i);
    await expect(client.schedule.getHandle(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('refuses a second schedule with the same id', async () => {
    const id = scheduleId('duplicate');
    await create({ scheduleId: id, spec: { intervals: [{ every: '1h' }] }, action: action() });
    await expect(create({ scheduleId: id, spec: { intervals: [{ every: '1h' }] }, action: action() })).rejects.toThrow(
      /already/i,
    );
  });

  it('starts a workflow on trigger, with the scheduled-by search attributes', async () => {
    const id = scheduleId('trigger');
    const handle = await create({ scheduleId: id, spec: { intervals: [{ every: '365 days' }] }, action: action() });
    await handle.trigger();
    const description = await eventually('the triggered action', async () => {
      const d = await handle.describe();
      return d.info.recentActions.length ? d : undefined;
    });
    expect(description.info.numActionsTaken).toBe(1);
    const started = description.info.recentActions[0].action.workflow;
    const report: RecurringRunReport = await client.workflow
      .getHandle(started.workflowId, started.firstExecutionRunId)
      .result();
    expect(report.scheduledById).toBe(id);
    expect(report.scheduledStartTime).not.toBeNull();
    expect(report.count).toBe(1);
    const info = await client.workflow.getHandle(started.workflowId).describe();
    expect(info.searchAttributes.TemporalScheduledById).toEqual([id]);
  });

  it('pauses and unpauses with notes', async () => {
    const handle = await create({
      scheduleId: scheduleId('pause'),
      spec: { intervals: [{ every: '1 day' }] },
      action: action(),
    });
    await handle.pause('holiday');
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'holiday' });
    await handle.unpause('back to work');
    expect((await handle.describe()).state).toMatchObject({ paused: false, note: 'back to work' });
  });

  it('updates the spec and keeps the action', async () => {
    const handle = await create({
      scheduleId: scheduleId('update'),
      spec: { intervals: [{ every: '1 day' }] },
      action: action(),
    });
    await handle.update((previous: ScheduleDescription) => ({
      ...previous,
      spec: { calendars: [{ hour: 9, dayOfWeek: 'MONDAY' }], timezone: 'Europe/Berlin' },
    }));
    const description = await handle.describe();
    expect(description.spec.timezone).toBe('Europe/Berlin');
    expect(description.spec.intervals).toEqual([]);
    expect(description.info.lastUpdatedAt).toBeInstanceOf(Date);
    for (const t of description.info.nextActionTimes) expect(t.getUTCDay()).toBe(1);
  });

  it('lists schedules, filtered by id and paused state, and deletes them', async () => {
    const id = scheduleId('list');
    const handle = await create({
      scheduleId: id,
      spec: { intervals: [{ every: '1 day' }] },
      action: action(),
      state: { paused: true, note: 'listed' },
    });
    const listed = await eventually('the schedule in the listing', async () => {
      for await (const entry of client.schedule.list({
        query: `ScheduleId = '${id}' AND TemporalSchedulePaused = true`,
      }))
        if (entry.scheduleId === id) return entry;
      return undefined;
    });
    expect(listed.state).toMatchObject({ paused: true, note: 'listed' });
    expect(listed.action).toMatchObject({ workflowType: 'recurringRun' });
    await handle.delete();
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('lists the times a schedule will act on within a range', async () => {
    const id = scheduleId('matching');
    await create({ scheduleId: id, spec: { calendars: [{ hour: 16 }], timezone: 'Asia/Shanghai' }, action: action() });
    const start = Date.parse('2030-01-01T00:00:00Z');
    const response = await client.workflowService.listScheduleMatchingTimes({
      namespace: env.namespace ?? 'default',
      scheduleId: id,
      startTime: msToTs(start),
      endTime: msToTs(start + 3 * DAY_MS),
    });
    expect((response.startTime ?? []).map((t) => new Date(tsToMs(t)).toISOString())).toEqual([
      '2030-01-01T08:00:00.000Z',
      '2030-01-02T08:00:00.000Z',
      '2030-01-03T08:00:00.000Z',
    ]);
  });

  itSkipsTime('runs a daily 16:00 Asia/Shanghai schedule as days pass, handing each run the last result', async () => {
    const id = scheduleId('days');
    const handle = await create({
      scheduleId: id,
      spec: { cronExpressions: ['0 16 * * *'], timezone: 'Asia/Shanghai' },
      action: action(),
    });
    // To an hour past the third 16:00 in Shanghai (08:00 UTC) from now, whatever the time of day the test runs at
    // (earlier tests in this file move the server's clock too).
    const now = await env.currentTimeMs();
    const today = Math.floor(now / DAY_MS) * DAY_MS + 8 * HOUR_MS;
    const firstRun = today > now ? today : today + DAY_MS;
    await env.sleep(firstRun + 2 * DAY_MS + HOUR_MS - now);
    const description = await handle.describe();
    expect(description.info.numActionsTaken).toBe(3);
    const runs = description.info.recentActions;
    expect(runs.map((r) => r.scheduledAt.toISOString().slice(11))).toEqual([
      '08:00:00.000Z',
      '08:00:00.000Z',
      '08:00:00.000Z',
    ]);
    for (const r of runs) expect(r.action.workflow.workflowId).toMatch(/-\d{4}-\d\d-\d\dT08:00:00Z$/);
    const reports: RecurringRunReport[] = [];
    for (const r of runs) reports.push(await client.workflow.getHandle(r.action.workflow.workflowId).result());
    expect(reports.map((r) => r.count)).toEqual([1, 2, 3]);
    expect(reports[2]).toMatchObject({ scheduledById: id, scheduledStartTime: runs[2].scheduledAt.toISOString() });
  });

  /** Lets server time pass to just after the `n`-th whole hour from now (so exactly n hourly times fall due). */
  async function passHours(n: number): Promise<void> {
    const now = await env.currentTimeMs();
    await env.sleep((Math.floor(now / HOUR_MS) + n) * HOUR_MS + 1000 - now);
  }

  itSkipsTime.each([
    // While the first run waits: actions taken, skipped and running; after every waiting run is released: taken, running.
    [ScheduleOverlapPolicy.SKIP, { taken: 1, skipped: 2, running: 1 }, { taken: 1, running: 0 }],
    [ScheduleOverlapPolicy.BUFFER_ONE, { taken: 1, skipped: 1, running: 1 }, { taken: 2, running: 1 }],
    [ScheduleOverlapPolicy.BUFFER_ALL, { taken: 1, skipped: 0, running: 1 }, { taken: 2, running: 1 }],
    [ScheduleOverlapPolicy.ALLOW_ALL, { taken: 3, skipped: 0, running: 3 }, { taken: 3, running: 0 }],
    [ScheduleOverlapPolicy.CANCEL_OTHER, { taken: 3, skipped: 0, running: 1 }, { taken: 3, running: 0 }],
    [ScheduleOverlapPolicy.TERMINATE_OTHER, { taken: 3, skipped: 0, running: 1 }, { taken: 3, running: 0 }],
  ])('overlap policy %s: three hourly times while the first run waits', async (overlap, during, after) => {
    const handle = await create({
      scheduleId: scheduleId(`overlap-${overlap}`),
      spec: { intervals: [{ every: '1 hour' }] },
      action: action(waitForUnblock),
      policies: { overlap },
    });
    await passHours(3);
    const description = await handle.describe();
    expect({
      taken: description.info.numActionsTaken,
      skipped: description.info.numActionsSkippedOverlap,
      running: description.info.runningActions.length,
    }).toEqual(during);
    // Releasing the runs that wait lets buffered starts go.
    for (const r of description.info.runningActions)
      await client.workflow.getHandle(r.workflow.workflowId).signal(unblockSignal, 'done');
    const settled = await eventually('the released runs to close', async () => {
      const d = await handle.describe();
      const state = { taken: d.info.numActionsTaken, running: d.info.runningActions.length };
      return state.taken === after.taken && state.running === after.running ? state : undefined;
    });
    expect(settled).toEqual(after);
  });

  itSkipsTime('takes no scheduled actions while paused, and stops after its limited actions', async () => {
    const paused = await create({
      scheduleId: scheduleId('paused'),
      spec: { intervals: [{ every: '1 hour' }] },
      action: action(),
      state: { paused: true },
    });
    const limited = await create({
      scheduleId: scheduleId('limited'),
      spec: { intervals: [{ every: '1 hour' }] },
      action: action(),
      state: { remainingActions: 2 },
    });
    await passHours(5);
    expect((await paused.describe()).info.numActionsTaken).toBe(0);
    const description = await limited.describe();
    expect(description.info.numActionsTaken).toBe(2);
    expect(description.state.remainingActions).toBe(0);
    expect(description.info.nextActionTimes).toEqual([]);
  });

  itSkipsTime('pauses itself when a run fails (pause on failure)', async () => {
    const handle = await create({
      scheduleId: scheduleId('pause-on-failure'),
      spec: { intervals: [{ every: '1 hour' }] },
      action: action(recurringRun, [true]),
      policies: { pauseOnFailure: true },
    });
    await passHours(3);
    const description = await handle.describe();
    expect(description.info.numActionsTaken).toBe(1);
    expect(description.state.paused).toBe(true);
    await expect(
      client.workflow.getHandle(description.info.recentActions[0].action.workflow.workflowId).result(),
    ).rejects.toBeInstanceOf(WorkflowFailedError);
  });

  itSkipsTime('backfills the times of a past range', async () => {
    const handle = await create({
      scheduleId: scheduleId('backfill'),
      spec: { calendars: [{ hour: 2 }] },
      action: action(),
    });
    const now = await env.currentTimeMs();
    const end = new Date(Math.floor(now / DAY_MS) * DAY_MS - DAY_MS + 3 * HOUR_MS);
    await handle.backfill({
      start: new Date(end.getTime() - 3 * DAY_MS),
      end,
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
    });
    const description = await handle.describe();
    // 02:00 on each of the three days before the end.
    expect(description.info.numActionsTaken).toBe(3);
    expect(description.info.recentActions.map((r) => r.scheduledAt.toISOString().slice(11))).toEqual(
      Array(3).fill('02:00:00.000Z'),
    );
  });
});

describe('cron workflows (cronSchedule)', () => {
  let env: TestWorkflowEnvironment;
  let worker: RunningWorker;
  let client: Client;

  useConformanceEnv('cron', (setup) => ({ env, worker, client } = setup));

  it('refuses an invalid cron schedule with INVALID_ARGUMENT, starting nothing', async () => {
    const workflowId = `cron-invalid-${randomUUID()}`;
    const refused = await client.workflow
      .start(recurringRun, { taskQueue: worker.taskQueue, workflowId, cronSchedule: '61 * * * *' })
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).cause).toMatchObject({ code: grpcStatus.INVALID_ARGUMENT });
    await expect(client.workflow.getHandle(workflowId).describe()).rejects.toThrow(/not found/i);
  });

  it('waits for the first cron time before the first workflow task', async () => {
    const handle = await client.workflow.start(recurringRun, {
      taskQueue: worker.taskQueue,
      workflowId: `cron-backoff-${randomUUID()}`,
      cronSchedule: 'CRON_TZ=Asia/Shanghai 0 16 * * *',
    });
    const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.cronSchedule).toBe('CRON_TZ=Asia/Shanghai 0 16 * * *');
    const backoff = tsToMs(started?.firstWorkflowTaskBackoff ?? undefined);
    expect(backoff).toBeGreaterThan(0);
    expect(backoff).toBeLessThanOrEqual(DAY_MS);
    const firstRunAt = new Date(
      Math.round(
        (tsToMs(started?.firstWorkflowTaskBackoff ?? undefined) + (await handle.describe()).startTime.getTime()) / 1000,
      ) * 1000,
    );
    expect(firstRunAt.toISOString()).toMatch(/T08:00:00\.000Z$/);
    await handle.terminate('end of test');
  });

  itSkipsTime('runs again at each cron time with the last result, until terminated', async () => {
    const workflowId = `cron-days-${randomUUID()}`;
    const first = await client.workflow.start(recurringRun, {
      taskQueue: worker.taskQueue,
      workflowId,
      cronSchedule: '0 16 * * *',
    });
    const now = await env.currentTimeMs();
    // Just after the third 16:00 UTC from now.
    const third = (Math.floor((now - 16 * HOUR_MS) / DAY_MS) + 3) * DAY_MS + 16 * HOUR_MS;
    await env.sleep(third + 60_000 - now);
    const current = client.workflow.getHandle(workflowId);
    const description = await current.describe();
    expect(description.runId).not.toBe(first.firstExecutionRunId);
    expect(description.status.name).toBe('RUNNING');
    const started = (await current.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.initiator).toBe(3); // CRON_SCHEDULE
    const last = JSON.parse(
      Buffer.from(started?.lastCompletionResult?.payloads?.[0]?.data ?? []).toString(),
    ) as RecurringRunReport;
    expect(last.count).toBe(3);
    const firstClose = (
      await client.workflow.getHandle(workflowId, first.firstExecutionRunId).fetchHistory()
    ).events?.at(-1);
    expect(firstClose?.workflowExecutionCompletedEventAttributes?.newExecutionRunId).toBeTruthy();
    await current.terminate('chain ends here');
    await env.sleep(2 * DAY_MS);
    const after = await client.workflow.getHandle(workflowId).describe();
    expect(after.runId).toBe(description.runId);
    expect(after.status.name).toBe('TERMINATED');
  });
});
