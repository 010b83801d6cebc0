/**
 * The activity paths a new maintainer asks about, driven on the engine directly with a clock the test moves:
 * a worker that crashes mid-activity, and cancel requests for waiting and running attempts.
 */
import { Clock, TimerHandle } from '../clock';
import { Engine } from '../engine';
import { Execution, Obj } from '../model';
import { eventKind } from './history-log';

/** Virtual time that moves only when the test says so. */
class TestClock extends Clock {
  private t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];

  constructor() {
    super(false, false);
  }

  override now(): number {
    return this.t;
  }

  override schedule(at: number, fn: () => void): TimerHandle {
    const timer = { at, fn, cancelled: false };
    this.timers.push(timer);
    return { at, cancel: () => (timer.cancelled = true) };
  }

  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => !x.cancelled && x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.cancelled = true;
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = until;
  }
}

const signal = new AbortController().signal;

async function workflowWithActivity(): Promise<{ engine: Engine; clock: TestClock; ex: Execution }> {
  const clock = new TestClock();
  const engine = new Engine({ clock, namespaces: ['default'] });
  engine.startWorkflow({
    namespace: 'default',
    workflowId: 'crash-test',
    workflowType: { name: 'W' },
    taskQueue: { name: 'q' },
    requestId: 'start-1',
  });
  const task = (await engine.wfQueue('default', 'q').poll({ identity: 'worker' }, 1000, signal))!;
  engine.respondWorkflowTaskCompleted({
    taskToken: task.taskToken,
    identity: 'worker',
    commands: [
      {
        scheduleActivityTaskCommandAttributes: {
          activityId: '1',
          activityType: { name: 'charge' },
          taskQueue: { name: 'q' },
          startToCloseTimeout: { seconds: 10 },
          retryPolicy: { maximumAttempts: 2, initialInterval: { seconds: 1 } },
        },
      },
    ],
  });
  return { engine, clock, ex: engine.find('default', 'crash-test') };
}

const pollActivity = (engine: Engine): Promise<Obj | null> =>
  engine.actQueue('default', 'q').poll({ identity: 'worker' }, 1000, signal);
const kinds = (ex: Execution) => ex.history.map(eventKind);

describe('activities', () => {
  it('retries an attempt whose worker went silent, then times out when attempts are used up', async () => {
    const { engine, clock, ex } = await workflowWithActivity();
    const first = (await pollActivity(engine))!;
    const act = [...ex.activities.values()][0];
    expect(act.state).toBe('started');
    const written = ex.history.length;

    // The worker crashed: nothing answers until start-to-close runs out; the retry is not written to history.
    clock.advance(10_000);
    expect(act.state).toBe('backoff');
    expect(act.attempt).toBe(2);
    expect(act.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(1);
    expect(ex.history.length).toBe(written);

    clock.advance(1_000);
    expect(act.state).toBe('scheduled');
    const second = (await pollActivity(engine))!;
    expect(second.attempt).toBe(2);
    // A late answer for the crashed attempt finds nothing running.
    expect(() => engine.tokenActivity(first.taskToken)).toThrow(/activity already timed out/);

    clock.advance(10_000);
    expect(act.state).toBe('timed_out');
    expect(ex.activities.size).toBe(0);
    expect(kinds(ex).slice(-3)).toEqual(['activityTaskStarted', 'activityTaskTimedOut', 'workflowTaskScheduled']);
    const started = ex.history[ex.history.length - 3].activityTaskStartedEventAttributes!;
    const timedOut = ex.history[ex.history.length - 2].activityTaskTimedOutEventAttributes!;
    expect(started.attempt).toBe(2);
    expect(timedOut.retryState).toBe(4); // MAXIMUM_ATTEMPTS_REACHED
    expect(() => engine.tokenActivity(second.taskToken)).toThrow(/activity already timed out/);
  });

  it('cancels a waiting attempt at once and tells a running one on its next heartbeat', async () => {
    const { engine, ex } = await workflowWithActivity();
    const act = [...ex.activities.values()][0];
    const task = (await pollActivity(engine))!;
    const { act: running } = engine.tokenActivity(task.taskToken);
    expect(engine.heartbeat(ex, running, null).cancelRequested).toBe(false);
    expect(() => engine.cancelActivity(ex, running, null, 'worker')).toThrow(/not requested/);

    // A workflow task that asks for the cancel.
    engine.signal(ex, 'go', null, null, 'client');
    const wft = (await engine.wfQueue('default', 'q').poll({ identity: 'worker' }, 1000, signal))!;
    engine.respondWorkflowTaskCompleted({
      taskToken: wft.taskToken,
      identity: 'worker',
      commands: [{ requestCancelActivityTaskCommandAttributes: { scheduledEventId: act.scheduledEventId } }],
    });
    expect(act.state).toBe('started');
    expect(engine.heartbeat(ex, running, null).cancelRequested).toBe(true);
    engine.cancelActivity(ex, running, null, 'worker');
    expect(act.state).toBe('canceled');
    expect(kinds(ex)).toContain('activityTaskCanceled');
  });

  it('cancels an attempt no worker took without writing a started event', async () => {
    const { engine, ex } = await workflowWithActivity();
    const act = [...ex.activities.values()][0];
    engine.signal(ex, 'go', null, null, 'client');
    const wft = (await engine.wfQueue('default', 'q').poll({ identity: 'worker' }, 1000, signal))!;
    engine.respondWorkflowTaskCompleted({
      taskToken: wft.taskToken,
      identity: 'worker',
      commands: [{ requestCancelActivityTaskCommandAttributes: { scheduledEventId: act.scheduledEventId } }],
    });
    expect(act.state).toBe('canceled');
    expect(kinds(ex)).not.toContain('activityTaskStarted');
    // The queued attempt went stale: a poll finds nothing to start.
    const controller = new AbortController();
    const poll = engine.actQueue('default', 'q').poll({ identity: 'worker' }, 1000, controller.signal);
    controller.abort();
    expect(await poll).toBeNull();
  });
});
