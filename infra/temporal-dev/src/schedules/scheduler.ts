/**
 * Temporal Schedules on the embedded server: the schedule RPCs, one clock timer per active schedule (so
 * schedules move with time skipping), actions started through the engine's own start path, overlap
 * policies, catch-up window, pause on failure and limited actions, as a Temporal server behaves.
 *
 * Each schedule keeps a cursor: every spec time up to it has been handled. A wake-up handles the times
 * between the cursor and now (older than the catch-up window → counted as missed), so after a restart the
 * runs missed while down are caught up once. Started workflows carry a request id derived from the
 * schedule and the nominal time, so a time handled again after a crash finds its run instead of doubling it.
 */
import { randomUUID } from 'node:crypto';
import type { TimerHandle } from '../clock';
import type { Engine } from '../engine';
import * as errors from '../errors';
import { Execution, Obj, WorkflowStatus, isOpen } from '../model';
import { fromMs, num, toMs } from '../proto';
import { type IndexedTypeName, type Visibility, paginate } from '../visibility';
import type { Handler } from '../service';
import { CanonicalSpec, CompiledSpec, SpecError, canonicalizeSpec, specToProto } from './spec';

/** temporal.api.enums.v1.ScheduleOverlapPolicy */
export const Overlap = {
  SKIP: 1,
  BUFFER_ONE: 2,
  BUFFER_ALL: 3,
  CANCEL_OTHER: 4,
  TERMINATE_OTHER: 5,
  ALLOW_ALL: 6,
} as const;

const DEFAULT_CATCHUP_MS = 365 * 24 * 3600_000;
const MIN_CATCHUP_MS = 10_000;
const RECENT_ACTIONS = 10;
const FUTURE_ACTIONS = 10;
const LIST_FUTURE_ACTIONS = 5;
/** Attributes a schedule listing can be filtered on besides the registered custom ones. */
const SCHEDULE_ATTRIBUTES: Record<string, IndexedTypeName> = { ScheduleId: 'Keyword', TemporalSchedulePaused: 'Bool' };

interface BufferedStart {
  nominal: number;
  /** When the action was due (nominal + jitter, or now for triggers). */
  actual: number;
  overlap: number;
  /** Triggered or backfilled: allowed while paused, not counted against limited actions. */
  manual: boolean;
}

/** A schedule's durable state (what persistence writes). */
export interface ScheduleState {
  namespace: string;
  scheduleId: string;
  /** Canonical spec, action, policies and state as the client gave them (spec canonicalized). */
  spec: CanonicalSpec;
  action: Obj;
  policies: Obj;
  state: Obj;
  memo: Obj | null;
  searchAttributes: Obj | null;
  createRequestId: string;
  createTime: number;
  updateTime: number;
  conflictToken: number;
  cursor: number;
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  bufferDropped: number;
  recentActions: Obj[];
  running: Array<{ workflowId: string; runId: string }>;
  buffer: BufferedStart[];
  lastCompletionResult: Obj | null;
  lastFailure: Obj | null;
}

interface Live {
  s: ScheduleState;
  compiled: CompiledSpec;
  timer?: TimerHandle;
  /** A cancel request went to the running workflow (CANCEL_OTHER): do not send it again. */
  cancelSent?: boolean;
}

const key = (ns: string, id: string) => `${ns}\u0000${id}`;

const encodeSa = (value: unknown, type: IndexedTypeName): Obj => ({
  metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) },
  data: Buffer.from(JSON.stringify(value)),
});

/** Workflow ids get the nominal time appended, to the second, as a Temporal server does. */
const idTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function specError(err: unknown): never {
  if (err instanceof SpecError) throw errors.invalidArgument(`Invalid schedule spec: ${err.message}`);
  throw err;
}

export class Schedules {
  private readonly live = new Map<string, Live>();
  /** `${ns}\0${workflowId}\0${firstRunId}` of a running action → the schedule that started it. */
  private readonly byRun = new Map<string, string>();
  /** Called when a schedule's state changes (persistence listens). */
  onChange?: (key: string) => void;

  constructor(
    private readonly engine: Engine,
    private readonly visibility: Visibility,
    private readonly log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void,
  ) {
    const previous = engine.onWorkflowClosed;
    engine.onWorkflowClosed = (ex) => {
      previous?.(ex);
      this.workflowClosed(ex);
    };
  }

  private now(): number {
    return this.engine.clock.now();
  }

  private changed(l: Live): void {
    this.onChange?.(key(l.s.namespace, l.s.scheduleId));
  }

  private get(nsName: string, scheduleId: string): Live {
    const ns = this.engine.ns(nsName).name;
    if (!scheduleId) throw errors.invalidArgument('ScheduleId is not set on request.');
    const l = this.live.get(key(ns, scheduleId));
    if (!l) throw errors.notFound(`schedule "${scheduleId}" not found`);
    return l;
  }

  // ---------------------------------------------------------------- persistence

  /** The durable state of one schedule, or null when it was deleted. */
  exportState(k: string): ScheduleState | null {
    return this.live.get(k)?.s ?? null;
  }

  keys(): string[] {
    return [...this.live.keys()];
  }

  /** Restores schedules read from the log (executions are restored first); `resume` then wakes them. */
  restore(states: ScheduleState[]): void {
    for (const s of states) {
      const l: Live = { s, compiled: new CompiledSpec(s.spec) };
      this.live.set(key(s.namespace, s.scheduleId), l);
      const ns = this.engine.namespaces.get(s.namespace);
      // Runs that ended while the server was down (or whose end was not written) no longer count as running.
      s.running = s.running.filter((r) => {
        const ex = ns?.executions.get(r.runId);
        const current = ex && ns ? this.engine.current(ns, ex.workflowId) : undefined;
        return Boolean(current && isOpen(current));
      });
      for (const r of s.running)
        this.byRun.set(`${key(s.namespace, r.workflowId)}\u0000${r.runId}`, key(s.namespace, s.scheduleId));
    }
  }

  /** Handles what fell due while the server was down and arms every schedule's timer. */
  resume(): void {
    for (const l of this.live.values()) this.wake(l);
  }

  close(): void {
    for (const l of this.live.values()) l.timer?.cancel();
  }

  // ---------------------------------------------------------------- the schedule loop

  private seed(l: Live): string {
    return `${l.s.namespace}/${l.s.scheduleId}`;
  }

  private catchupMs(l: Live): number {
    const ms = toMs(l.s.policies.catchupWindow);
    return ms ? Math.max(ms, MIN_CATCHUP_MS) : DEFAULT_CATCHUP_MS;
  }

  private overlapPolicy(l: Live, override?: number): number {
    return override || num(l.s.policies.overlapPolicy) || Overlap.SKIP;
  }

  private canTakeScheduled(l: Live): boolean {
    if (l.s.state.paused) return false;
    return !l.s.state.limitedActions || num(l.s.state.remainingActions) > 0;
  }

  /** Handles every spec time between the cursor and now, then arms the timer for the next one. */
  private wake(l: Live): void {
    l.timer?.cancel();
    l.timer = undefined;
    if (!this.live.has(key(l.s.namespace, l.s.scheduleId))) return;
    const now = this.now();
    const s = l.s;
    if (s.state.paused) {
      // Paused schedules take no scheduled actions; on unpause the cursor moves to that moment.
      s.cursor = Math.max(s.cursor, now);
    } else {
      const window = this.catchupMs(l);
      let handled = 0;
      for (
        let t = l.compiled.next(s.cursor, this.seed(l));
        t && t.next <= now;
        t = l.compiled.next(s.cursor, this.seed(l))
      ) {
        s.cursor = t.nominal;
        if (now - t.next > window) {
          s.missedCatchupWindow++;
          // A long outage: jump to the start of the window rather than counting every missed minute of it.
          if (++handled > 10_000) s.cursor = Math.max(s.cursor, now - window);
          continue;
        }
        if (!this.canTakeScheduled(l)) break;
        s.buffer.push({ nominal: t.nominal, actual: t.next, overlap: this.overlapPolicy(l), manual: false });
      }
      this.processBuffer(l);
    }
    this.changed(l);
    this.arm(l);
  }

  private arm(l: Live): void {
    if (l.s.state.paused || !this.canTakeScheduled(l)) return;
    const t = l.compiled.next(l.s.cursor, this.seed(l));
    if (!t) return;
    l.timer = this.engine.clock.schedule(t.next, () => this.wake(l));
  }

  /** Starts, skips, buffers, cancels or terminates per each buffered start's overlap policy. */
  private processBuffer(l: Live): void {
    const s = l.s;
    const keep: BufferedStart[] = [];
    for (const b of s.buffer) {
      const running = s.running.length > 0;
      if (b.overlap === Overlap.ALLOW_ALL || !running) {
        this.start(l, b);
        continue;
      }
      switch (b.overlap) {
        case Overlap.BUFFER_ONE:
          if (keep.length) {
            s.overlapSkipped++;
            s.bufferDropped++;
          } else keep.push(b);
          break;
        case Overlap.BUFFER_ALL:
          keep.push(b);
          break;
        case Overlap.CANCEL_OTHER:
          // The newest start waits for the cancelled run to close.
          if (keep.length) s.overlapSkipped += keep.length;
          keep.length = 0;
          keep.push(b);
          if (!l.cancelSent) {
            l.cancelSent = true;
            for (const r of s.running)
              this.withRun(s.namespace, r, (ex) =>
                this.engine.requestCancelWorkflow(
                  ex,
                  'cancelled by schedule overlap policy',
                  `schedule ${s.scheduleId}`,
                ),
              );
          }
          break;
        case Overlap.TERMINATE_OTHER:
          for (const r of [...s.running])
            this.withRun(s.namespace, r, (ex) =>
              this.engine.terminate(ex, 'terminated by schedule overlap policy', null, `schedule ${s.scheduleId}`),
            );
          s.running = [];
          this.start(l, b);
          break;
        default:
          s.overlapSkipped++;
      }
    }
    s.buffer = keep;
  }

  private withRun(nsName: string, r: { workflowId: string; runId: string }, fn: (ex: Execution) => void): void {
    const ns = this.engine.namespaces.get(nsName);
    const current = ns ? this.engine.current(ns, r.workflowId) : undefined;
    if (current && isOpen(current) && current.firstExecutionRunId === r.runId) fn(current);
  }

  private start(l: Live, b: BufferedStart): void {
    const s = l.s;
    if (!b.manual && s.state.limitedActions) {
      // Limited actions count scheduled starts only; triggers and backfills are always allowed.
      if (num(s.state.remainingActions) <= 0) return;
      s.state.remainingActions = num(s.state.remainingActions) - 1;
    }
    const a = s.action.startWorkflow as Obj;
    const now = this.now();
    const workflowId = s.policies.keepOriginalWorkflowId ? a.workflowId : `${a.workflowId}-${idTime(b.nominal)}`;
    const requestId = `schedule:${s.namespace}/${s.scheduleId}:${b.manual ? `manual-${randomUUID()}` : b.nominal}`;
    let ex: Execution;
    try {
      ({ ex } = this.engine.startWorkflow(
        {
          ...a,
          namespace: s.namespace,
          workflowId,
          requestId,
          identity: `schedule ${s.scheduleId}`,
          workflowIdReusePolicy: 1,
          workflowIdConflictPolicy: 1,
        },
        {
          lastCompletionResult: s.lastCompletionResult ?? undefined,
          failure: s.lastFailure ?? undefined,
          systemSearchAttributes: {
            TemporalScheduledById: encodeSa(s.scheduleId, 'Keyword'),
            TemporalScheduledStartTime: encodeSa(new Date(b.nominal).toISOString(), 'Datetime'),
          },
        },
      ));
    } catch (err) {
      // A run with that id is still open (keepOriginalWorkflowId) or the action is invalid: the action is skipped.
      this.log('warn', `schedule ${s.scheduleId}: could not start ${workflowId}: ${(err as Error).message}`);
      s.overlapSkipped++;
      return;
    }
    if (s.running.some((r) => r.runId === ex.firstExecutionRunId)) return; // handled before a restart
    s.running.push({ workflowId: ex.workflowId, runId: ex.firstExecutionRunId });
    this.byRun.set(`${key(s.namespace, ex.workflowId)}\u0000${ex.firstExecutionRunId}`, key(s.namespace, s.scheduleId));
    l.cancelSent = false;
    s.actionCount++;
    s.recentActions.push({
      scheduleTime: fromMs(b.actual),
      actualTime: fromMs(now),
      startWorkflowResult: { workflowId: ex.workflowId, runId: ex.runId },
      startWorkflowStatus: WorkflowStatus.RUNNING,
    });
    if (s.recentActions.length > RECENT_ACTIONS) s.recentActions.splice(0, s.recentActions.length - RECENT_ACTIONS);
  }

  private workflowClosed(ex: Execution): void {
    const k = this.byRun.get(`${key(ex.namespace, ex.workflowId)}\u0000${ex.firstExecutionRunId}`);
    if (!k) return;
    this.byRun.delete(`${key(ex.namespace, ex.workflowId)}\u0000${ex.firstExecutionRunId}`);
    const l = this.live.get(k);
    if (!l) return;
    const s = l.s;
    s.running = s.running.filter((r) => !(r.workflowId === ex.workflowId && r.runId === ex.firstExecutionRunId));
    for (const a of s.recentActions)
      if (a.startWorkflowResult?.workflowId === ex.workflowId && a.startWorkflowResult.runId === ex.firstExecutionRunId)
        a.startWorkflowStatus = ex.status;
    const close = ex.history[ex.history.length - 1] ?? {};
    if (ex.status === WorkflowStatus.COMPLETED) {
      s.lastCompletionResult = close.workflowExecutionCompletedEventAttributes?.result ?? null;
      s.lastFailure = null;
    } else if (ex.status === WorkflowStatus.FAILED || ex.status === WorkflowStatus.TIMED_OUT) {
      s.lastFailure = close.workflowExecutionFailedEventAttributes?.failure ?? {
        message: 'workflow timed out',
        timeoutFailureInfo: { timeoutType: 1 },
      };
      if (s.policies.pauseOnFailure && !s.state.paused) {
        s.state.paused = true;
        s.state.notes = `paused: workflow ${ex.workflowId} ${ex.status === WorkflowStatus.FAILED ? 'failed' : 'timed out'}`;
        l.timer?.cancel();
        l.timer = undefined;
      }
    }
    // Buffered starts may go now; deferred so that the engine finishes the close first.
    queueMicrotask(() => {
      if (!this.live.has(k)) return;
      if (!s.state.paused || s.buffer.some((b) => b.manual)) this.processBuffer(l);
      this.changed(l);
    });
    this.changed(l);
  }

  // ---------------------------------------------------------------- RPCs

  private canonical(spec: Obj | null | undefined): { spec: CanonicalSpec; compiled: CompiledSpec } {
    try {
      const c = canonicalizeSpec(spec);
      return { spec: c, compiled: new CompiledSpec(c) };
    } catch (err) {
      specError(err);
    }
  }

  private validateAction(nsName: string, action: Obj | null | undefined): Obj {
    const a = action?.startWorkflow;
    if (!a) throw errors.invalidArgument('Schedule action is not set: only startWorkflow actions are supported.');
    if (!a.workflowId) throw errors.invalidArgument('WorkflowId is not set on the schedule action.');
    if (!a.workflowType?.name) throw errors.invalidArgument('WorkflowType is not set on the schedule action.');
    if (!a.taskQueue?.name) throw errors.invalidArgument('TaskQueue is not set on the schedule action.');
    const unknown = this.visibility.unknownAttribute(nsName, a.searchAttributes?.indexedFields ?? {});
    if (unknown)
      throw errors.invalidArgument(`Namespace ${nsName} has no mapping defined for search attribute ${unknown}`);
    return action!;
  }

  private checkSearchAttributes(nsName: string, sa: Obj | null | undefined): void {
    const unknown = this.visibility.unknownAttribute(nsName, sa?.indexedFields ?? {});
    if (unknown)
      throw errors.invalidArgument(`Namespace ${nsName} has no mapping defined for search attribute ${unknown}`);
  }

  private normalState(state: Obj | null | undefined): Obj {
    const st = state ?? {};
    return {
      notes: st.notes ?? '',
      paused: Boolean(st.paused),
      limitedActions: Boolean(st.limitedActions),
      remainingActions: num(st.remainingActions),
    };
  }

  private applyPatch(l: Live, patch: Obj | null | undefined): void {
    if (!patch) return;
    const s = l.s;
    const now = this.now();
    if (patch.pause) {
      s.state.paused = true;
      s.state.notes = patch.pause;
    }
    if (patch.unpause) {
      s.state.paused = false;
      s.state.notes = patch.unpause;
      s.cursor = Math.max(s.cursor, now);
    }
    if (patch.triggerImmediately) {
      const at = toMs(patch.triggerImmediately.scheduledTime) || now;
      s.buffer.push({
        nominal: at,
        actual: now,
        overlap: this.overlapPolicy(l, num(patch.triggerImmediately.overlapPolicy)),
        manual: true,
      });
    }
    for (const bf of (patch.backfillRequest ?? []) as Obj[]) {
      const from = toMs(bf.startTime);
      const to = toMs(bf.endTime);
      if (!to || to < from) throw errors.invalidArgument('Backfill end time must not be before its start time.');
      for (const t of l.compiled.between(from, to, this.seed(l), 100_000)) {
        s.buffer.push({
          nominal: t.nominal,
          actual: t.next,
          overlap: this.overlapPolicy(l, num(bf.overlapPolicy)),
          manual: true,
        });
      }
    }
    this.processBuffer(l);
    this.wake(l);
  }

  private describe(l: Live): Obj {
    const s = l.s;
    return {
      schedule: {
        spec: specToProto(s.spec),
        action: s.action,
        policies: {
          overlapPolicy: this.overlapPolicy(l),
          catchupWindow: fromMs(this.catchupMs(l)),
          pauseOnFailure: Boolean(s.policies.pauseOnFailure),
          keepOriginalWorkflowId: Boolean(s.policies.keepOriginalWorkflowId),
        },
        state: s.state,
      },
      info: {
        actionCount: s.actionCount,
        missedCatchupWindow: s.missedCatchupWindow,
        overlapSkipped: s.overlapSkipped,
        bufferDropped: s.bufferDropped,
        bufferSize: s.buffer.length,
        runningWorkflows: s.running.map((r) => ({ workflowId: r.workflowId, runId: r.runId })),
        recentActions: s.recentActions,
        futureActionTimes: this.futureTimes(l, FUTURE_ACTIONS),
        createTime: fromMs(s.createTime),
        updateTime: s.updateTime ? fromMs(s.updateTime) : undefined,
      },
      memo: s.memo ?? undefined,
      searchAttributes: this.searchAttributesOf(l),
      conflictToken: Buffer.from(String(s.conflictToken)),
    };
  }

  private searchAttributesOf(l: Live): Obj {
    // TemporalSchedulePaused is queryable but, as on a Temporal server, not reported among the schedule's attributes.
    return {
      indexedFields:
        this.engine.searchAttributes?.typed(l.s.namespace, l.s.searchAttributes?.indexedFields ?? {}) ?? {},
    };
  }

  private futureTimes(l: Live, count: number): Obj[] {
    const s = l.s;
    let n = count;
    if (s.state.limitedActions) n = Math.min(n, num(s.state.remainingActions));
    if (n <= 0) return [];
    return l.compiled.upcoming(Math.max(s.cursor, this.now()), n, this.seed(l)).map((t) => fromMs(t.next));
  }

  private listEntry(l: Live): Obj {
    const s = l.s;
    return {
      scheduleId: s.scheduleId,
      memo: s.memo ?? undefined,
      searchAttributes: this.searchAttributesOf(l),
      info: {
        spec: specToProto(s.spec),
        workflowType: s.action.startWorkflow?.workflowType,
        notes: s.state.notes ?? '',
        paused: Boolean(s.state.paused),
        recentActions: s.recentActions.slice(-1),
        futureActionTimes: this.futureTimes(l, LIST_FUTURE_ACTIONS),
      },
    };
  }

  private select(nsName: string, query: string): Live[] {
    const ns = this.engine.ns(nsName).name;
    const rows = [...this.live.values()]
      .filter((l) => l.s.namespace === ns)
      .sort((a, b) => (a.s.scheduleId < b.s.scheduleId ? -1 : 1));
    return this.visibility.filter(
      ns,
      query,
      rows,
      (l, field) => {
        if (field === 'ScheduleId') return l.s.scheduleId;
        if (field === 'TemporalSchedulePaused') return Boolean(l.s.state.paused);
        const p = l.s.searchAttributes?.indexedFields?.[field];
        if (!p?.data) return null;
        try {
          return JSON.parse(Buffer.from(p.data).toString('utf8'));
        } catch {
          return null;
        }
      },
      SCHEDULE_ATTRIBUTES,
    );
  }

  handlers(): Record<string, Handler> {
    return {
      CreateSchedule: (req) => {
        const ns = this.engine.ns(req.namespace).name;
        const scheduleId: string = req.scheduleId ?? '';
        if (!scheduleId) throw errors.invalidArgument('ScheduleId is not set on request.');
        const existing = this.live.get(key(ns, scheduleId));
        if (existing) {
          if (req.requestId && existing.s.createRequestId === req.requestId)
            return { conflictToken: Buffer.from(String(existing.s.conflictToken)) };
          throw new errors.RpcError(errors.Status.ALREADY_EXISTS, 'schedule with this ID is already registered', {
            type: 'WorkflowExecutionAlreadyStartedFailure',
            value: { startRequestId: existing.s.createRequestId, runId: '' },
          });
        }
        const { spec, compiled } = this.canonical(req.schedule?.spec);
        const action = this.validateAction(ns, req.schedule?.action);
        this.checkSearchAttributes(ns, req.searchAttributes);
        const now = this.now();
        const s: ScheduleState = {
          namespace: ns,
          scheduleId,
          spec,
          action,
          policies: req.schedule?.policies ?? {},
          state: this.normalState(req.schedule?.state),
          memo: req.memo ?? null,
          searchAttributes: req.searchAttributes ?? null,
          createRequestId: req.requestId || randomUUID(),
          createTime: now,
          updateTime: 0,
          conflictToken: 1,
          cursor: now,
          actionCount: 0,
          missedCatchupWindow: 0,
          overlapSkipped: 0,
          bufferDropped: 0,
          recentActions: [],
          running: [],
          buffer: [],
          lastCompletionResult: null,
          lastFailure: null,
        };
        const l: Live = { s, compiled };
        this.live.set(key(ns, scheduleId), l);
        this.changed(l);
        this.applyPatch(l, req.initialPatch);
        this.wake(l);
        return { conflictToken: Buffer.from(String(s.conflictToken)) };
      },
      DescribeSchedule: (req) => this.describe(this.get(req.namespace, req.scheduleId)),
      UpdateSchedule: (req) => {
        const l = this.get(req.namespace, req.scheduleId);
        const s = l.s;
        if (req.conflictToken?.length && Buffer.from(req.conflictToken).toString() !== String(s.conflictToken)) {
          throw new errors.RpcError(errors.Status.FAILED_PRECONDITION, 'mismatched conflict token');
        }
        const { spec, compiled } = this.canonical(req.schedule?.spec);
        const action = this.validateAction(s.namespace, req.schedule?.action);
        if (req.searchAttributes) this.checkSearchAttributes(s.namespace, req.searchAttributes);
        s.spec = spec;
        l.compiled = compiled;
        s.action = action;
        s.policies = req.schedule?.policies ?? {};
        s.state = this.normalState(req.schedule?.state);
        if (req.searchAttributes) s.searchAttributes = req.searchAttributes;
        if (req.memo) s.memo = req.memo;
        s.updateTime = this.now();
        s.conflictToken++;
        // The new spec applies from now on: past times are not replayed with it.
        s.cursor = Math.max(s.cursor, s.updateTime);
        this.wake(l);
        return {};
      },
      PatchSchedule: (req) => {
        const l = this.get(req.namespace, req.scheduleId);
        this.applyPatch(l, req.patch);
        l.s.updateTime = this.now();
        this.changed(l);
        return {};
      },
      DeleteSchedule: (req) => {
        const l = this.get(req.namespace, req.scheduleId);
        l.timer?.cancel();
        const k = key(l.s.namespace, l.s.scheduleId);
        this.live.delete(k);
        for (const [runKey, owner] of this.byRun) if (owner === k) this.byRun.delete(runKey);
        this.onChange?.(k);
        return {};
      },
      ListSchedules: (req) => {
        const { page, nextPageToken } = paginate(
          this.select(req.namespace, req.query ?? ''),
          req.nextPageToken,
          num(req.maximumPageSize),
        );
        return { schedules: page.map((l) => this.listEntry(l)), nextPageToken };
      },
      CountSchedules: (req) => ({ count: this.select(req.namespace, req.query ?? '').length, groups: [] }),
      ListScheduleMatchingTimes: (req) => {
        const l = this.get(req.namespace, req.scheduleId);
        const from = toMs(req.startTime);
        const to = toMs(req.endTime);
        if (to < from) throw errors.invalidArgument('End time must not be before start time.');
        return { startTime: l.compiled.between(from, to, this.seed(l), 1000).map((t) => fromMs(t.next)) };
      },
    };
  }
}
