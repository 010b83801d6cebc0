/**
 * Writing and reading an execution's history: events get ids, times and task ids here; events from outside
 * the workflow (signals, activity outcomes, fired timers, cancel requests) are buffered while a workflow task
 * is started and written after it, as a Temporal server does; long polls wait here for new events.
 */
import type { Engine } from '../engine';
import * as errors from '../errors';
import {
  EventAttributes,
  Execution,
  GetHistoryRequest,
  GetHistoryResponse,
  HistoryEvent,
  Obj,
  PendingEvent,
  isOpen,
} from '../model';
import { eventTypeOf, fromMs, num, payloadsSize, type Payloads } from '../proto';

/** History length limits: warn (and suggest continue-as-new) past 10,240 events, terminate past 51,200. */
export const HISTORY_WARN_EVENTS = 10_240;
export const HISTORY_ERROR_EVENTS = 51_200;
/** A history long poll answers (with what it has) after this long. */
export const HISTORY_LONG_POLL_MS = 20_000;
const DEFAULT_PAGE_SIZE = 256;

/** An event as this server writes it: its ids are plain numbers. */
export type WrittenEvent = HistoryEvent & { eventId: number; taskId: number };

/** `activityTaskScheduled` for an ActivityTaskScheduled event (the name of its attributes field). */
export function eventKind(ev: HistoryEvent): string {
  const fields = ev as Obj;
  return (
    Object.keys(fields)
      .find((k) => k.endsWith('EventAttributes') && fields[k])
      ?.replace(/EventAttributes$/, '') ?? ''
  );
}

/** The attributes of an event, whatever its kind. */
export function eventAttributes(ev: HistoryEvent): Obj {
  return (ev as Obj)[`${eventKind(ev)}EventAttributes`] ?? {};
}

/** The bytes an event adds to the history size Temporal reports (its input and result payloads). */
export function eventSize(attrs: { [field: string]: unknown }): number {
  return 64 + payloadsSize(attrs.input as Payloads | undefined) + payloadsSize(attrs.result as Payloads | undefined);
}

export class HistoryLog {
  private taskIdSeq = 0;

  constructor(private readonly engine: Engine) {}

  /** Appends an event now (not buffered). */
  append(ex: Execution, kind: string, attrs: EventAttributes): WrittenEvent {
    this.engine.touch(ex);
    const ev: WrittenEvent = {
      eventId: ex.history.length + 1,
      eventTime: fromMs(this.engine.now()),
      eventType: eventTypeOf(kind),
      taskId: ++this.taskIdSeq,
      [`${kind}EventAttributes`]: attrs,
    } as unknown as WrittenEvent;
    ex.history.push(ev);
    ex.historySizeBytes += eventSize(attrs);
    if (ex.history.length === HISTORY_WARN_EVENTS)
      this.engine.log('warn', `workflow ${ex.workflowId} history passed ${HISTORY_WARN_EVENTS} events`);
    this.notify(ex);
    return ev;
  }

  private appendGroup(ex: Execution, group: PendingEvent[]): WrittenEvent[] {
    const written = group.map((e) => this.append(ex, e.kind, e.attrs));
    group.forEach((e) => {
      if (e.startedFrom !== undefined) e.attrs.startedEventId = written[e.startedFrom].eventId;
    });
    return written;
  }

  /** Wakes the long polls waiting on this execution's history. */
  notify(ex: Execution): void {
    if (!ex.historyWaiters.size) return;
    const waiters = [...ex.historyWaiters];
    ex.historyWaiters.clear();
    // After the current change finishes, so waiters see every event it writes.
    queueMicrotask(() => waiters.forEach((w) => w()));
  }

  /**
   * Records events that come from outside the workflow (signal, activity outcome, timer, cancel request):
   * buffered while a workflow task is started, otherwise written now; either way a workflow task follows.
   */
  deliver(ex: Execution, group: PendingEvent[]): void {
    if (!isOpen(ex)) return;
    if (ex.wft && ex.wft.startedEventId) {
      ex.buffered.push(group);
      return;
    }
    this.appendGroup(ex, group);
    this.engine.workflowTasks.schedule(ex);
    this.enforceLimit(ex);
  }

  /** Writes the events buffered while a workflow task ran; true when there were any. */
  flushBuffered(ex: Execution): boolean {
    if (!ex.buffered.length) return false;
    const groups = ex.buffered;
    ex.buffered = [];
    for (const g of groups) this.appendGroup(ex, g);
    return true;
  }

  /** Terminates a run whose history outgrew Temporal's limit, with Temporal's reason text. */
  enforceLimit(ex: Execution): void {
    if (isOpen(ex) && ex.history.length > HISTORY_ERROR_EVENTS) {
      this.engine.lifecycle.terminate(ex, 'Workflow history count exceeds limit.', null, 'history-service');
    }
  }

  /** Task ids keep growing across restarts. */
  noteRestored(history: HistoryEvent[]): void {
    for (const ev of history) this.taskIdSeq = Math.max(this.taskIdSeq, num(ev.taskId));
  }

  /** GetWorkflowExecutionHistory with paging, long poll and the close-event filter. */
  async read(req: GetHistoryRequest, signal: AbortSignal): Promise<GetHistoryResponse> {
    const wid = req.execution?.workflowId ?? '';
    let token: { rid: string; next: number } | undefined;
    if (req.nextPageToken?.length) {
      try {
        token = JSON.parse(Buffer.from(req.nextPageToken).toString('utf8'));
      } catch {
        throw errors.invalidArgument('Invalid NextPageToken.');
      }
    }
    const ex = this.engine.find(req.namespace ?? '', wid, token?.rid ?? req.execution?.runId);
    const closeOnly = num(req.historyEventFilterType) === 2;
    const wait = Boolean(req.waitNewEvent);
    const pageSize = num(req.maximumPageSize) || DEFAULT_PAGE_SIZE;
    const mkToken = (next: number) => Buffer.from(JSON.stringify({ rid: ex.runId, next }));

    if (closeOnly) {
      if (isOpen(ex) && wait) await this.waitFor(ex, () => !isOpen(ex), signal);
      if (isOpen(ex)) return { history: { events: [] }, nextPageToken: mkToken(1) };
      return { history: { events: [ex.history[ex.history.length - 1]] }, nextPageToken: Buffer.alloc(0) };
    }
    const start = token?.next ?? 1;
    if (wait && start > ex.history.length && isOpen(ex)) {
      await this.waitFor(ex, () => ex.history.length >= start || !isOpen(ex), signal);
    }
    const events = ex.history.slice(start - 1, start - 1 + pageSize);
    const next = start + events.length;
    const more = next <= ex.history.length || (wait && isOpen(ex));
    return { history: { events }, nextPageToken: more ? mkToken(next) : Buffer.alloc(0) };
  }

  private waitFor(ex: Execution, ready: () => boolean, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = () => {
        if (ready() || signal.aborted) finish();
        else ex.historyWaiters.add(check);
      };
      const finish = () => {
        clearTimeout(timer);
        ex.historyWaiters.delete(check);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, HISTORY_LONG_POLL_MS);
      signal.addEventListener('abort', finish);
      check();
    });
  }
}
