/**
 * Workflow updates: admitted by UpdateWorkflowExecution (deduplicated by update id), delivered to the worker
 * as protocol messages with the next workflow task, accepted / rejected / completed by the messages of its
 * completion. Callers wait for a stage; a long wait answers with the stage reached so far and the SDK polls.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import * as errors from '../errors';
import {
  Execution,
  PollUpdateResponse,
  ProtocolMessage,
  UpdateRequest,
  UpdateStage,
  UpdateState,
  UpdateWorkflowResponse,
  WorkflowTaskState,
  isOpen,
} from '../model';
import { decode, encode, num, temporal } from '../proto';
import type { CommandContext } from './commands';
import { HISTORY_LONG_POLL_MS } from './history-log';

export class Updates {
  constructor(private readonly engine: Engine) {}

  /** UpdateWorkflowExecution: admits the request (deduplicated by update id) and waits for the asked stage. */
  async update(
    ex: Execution,
    request: UpdateRequest,
    waitStage: number,
    signal: AbortSignal,
  ): Promise<UpdateWorkflowResponse> {
    const updateId: string = request?.meta?.updateId || randomUUID();
    if (!request?.input?.name) throw errors.invalidArgument('Update name is not set on request.');
    const completed = this.completed(ex, updateId);
    if (completed) return completed;
    if (!isOpen(ex)) throw errors.completedAlready();
    ex.updates ??= new Map();
    let u = ex.updates.get(updateId);
    if (!u) {
      u = this.admit({ ...request, meta: { ...request.meta, updateId } });
      ex.updates.set(updateId, u);
      if (ex.wft) {
        // Delivered with the pending task, or the next one if this one is already running.
      } else this.engine.workflowTasks.schedule(ex);
    }
    return this.wait(ex, u, waitStage || UpdateStage.ACCEPTED, signal);
  }

  /** Update-with-start: the update is admitted with the run, so its first workflow task carries it. */
  admitWithStart(ex: Execution, request: UpdateRequest): void {
    const u = this.admit(request);
    ex.updates = new Map([[u.updateId, u]]);
  }

  /** An admitted update request (its id filled in when the client left it empty). */
  private admit(request: UpdateRequest): UpdateState {
    const updateId: string = request?.meta?.updateId || randomUUID();
    return {
      updateId,
      request: { ...request, meta: { ...request.meta, updateId } },
      stage: UpdateStage.ADMITTED,
      deliveredWith: 0,
      waiters: new Set(),
    };
  }

  /** PollWorkflowExecutionUpdate. */
  poll(ex: Execution, updateId: string, waitStage: number, signal: AbortSignal): Promise<PollUpdateResponse> {
    const completed = this.completed(ex, updateId);
    if (completed) return Promise.resolve(completed);
    const u = ex.updates?.get(updateId);
    if (!u) throw errors.notFound(`update ${updateId} not found`);
    return this.wait(ex, u, waitStage || UpdateStage.COMPLETED, signal);
  }

  private completed(ex: Execution, updateId: string): PollUpdateResponse | undefined {
    const ev = ex.history.find((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId);
    if (!ev) return undefined;
    return {
      updateRef: { workflowExecution: { workflowId: ex.workflowId, runId: ex.runId }, updateId },
      outcome: ev.workflowExecutionUpdateCompletedEventAttributes!.outcome,
      stage: UpdateStage.COMPLETED,
    };
  }

  private wait(ex: Execution, u: UpdateState, waitStage: number, signal: AbortSignal): Promise<PollUpdateResponse> {
    const answer = (): PollUpdateResponse => ({
      updateRef: { workflowExecution: { workflowId: ex.workflowId, runId: ex.runId }, updateId: u.updateId },
      outcome: u.stage === UpdateStage.COMPLETED ? u.outcome : undefined,
      stage: u.stage,
    });
    return new Promise<PollUpdateResponse>((resolve, reject) => {
      const check = () => {
        if (u.stage >= waitStage) finish(() => resolve(answer()));
        else if (!isOpen(ex)) finish(() => reject(errors.completedAlready()));
      };
      const finish = (then: () => void) => {
        clearTimeout(timer);
        u.waiters.delete(check);
        signal.removeEventListener('abort', onAbort);
        then();
      };
      const onAbort = () => finish(() => resolve(answer()));
      // Answer with the stage reached so far before the caller's deadline; the SDK then polls.
      const timer = setTimeout(onAbort, HISTORY_LONG_POLL_MS);
      signal.addEventListener('abort', onAbort);
      u.waiters.add(check);
      check();
    });
  }

  private setStage(u: UpdateState, stage: number): void {
    u.stage = stage;
    for (const w of [...u.waiters]) w();
  }

  /** The run closed: waiters learn it (a wait short of its stage fails). */
  wakeAll(ex: Execution): void {
    for (const u of ex.updates?.values() ?? []) for (const w of [...u.waiters]) w();
  }

  /** The protocol messages a workflow task being started carries: every admitted request. */
  deliverWith(ex: Execution, wft: WorkflowTaskState): ProtocolMessage[] {
    const messages: ProtocolMessage[] = [];
    for (const u of ex.updates?.values() ?? []) {
      if (u.stage !== UpdateStage.ADMITTED) continue;
      u.deliveredWith = wft.scheduledEventId;
      messages.push({
        id: `${u.updateId}/request`,
        protocolInstanceId: u.updateId,
        // Processable once history up to (not including) this task's Started event is applied.
        eventId: wft.startedEventId - 1,
        body: {
          type_url: 'type.googleapis.com/temporal.api.update.v1.Request',
          value: encode('temporal.api.update.v1.Request', u.request),
        },
      });
    }
    return messages;
  }

  /**
   * After a completed workflow task: requests it carried but left unanswered go with the next task; true when
   * a request arrived while it ran (the worker has not seen it, so a new task is needed).
   */
  afterTask(ex: Execution, wft: WorkflowTaskState): boolean {
    let needsTask = false;
    for (const u of ex.updates?.values() ?? [])
      if (u.stage === UpdateStage.ADMITTED && u.deliveredWith !== wft.scheduledEventId) needsTask = true;
    for (const u of ex.updates?.values() ?? [])
      if (u.stage === UpdateStage.ADMITTED && u.deliveredWith === wft.scheduledEventId) u.deliveredWith = 0;
    return needsTask;
  }

  /** A failed workflow task: its admitted requests go with the retry. */
  redeliver(ex: Execution): void {
    for (const u of ex.updates?.values() ?? []) if (u.stage === UpdateStage.ADMITTED) u.deliveredWith = 0;
  }

  /** Applies an acceptance, rejection or response from the worker. */
  applyMessage(ex: Execution, m: ProtocolMessage, ctx: CommandContext): void {
    ctx.messages.delete(m.id ?? '');
    const typeUrl: string = m.body?.type_url ?? '';
    const type = typeUrl.replace(/^type.googleapis.com\//, '');
    const body = m.body?.value ?? new Uint8Array();
    const u = ex.updates?.get(m.protocolInstanceId ?? '');
    const append = this.engine.events.append.bind(this.engine.events);
    if (type === 'temporal.api.update.v1.Acceptance') {
      const a = decode<temporal.api.update.v1.IAcceptance>(type, body);
      append(ex, 'workflowExecutionUpdateAccepted', {
        protocolInstanceId: m.protocolInstanceId,
        acceptedRequestMessageId: a.acceptedRequestMessageId,
        acceptedRequestSequencingEventId: a.acceptedRequestSequencingEventId,
        acceptedRequest: a.acceptedRequest ?? u?.request,
      });
      if (u) this.setStage(u, UpdateStage.ACCEPTED);
    } else if (type === 'temporal.api.update.v1.Rejection') {
      const r = decode<temporal.api.update.v1.IRejection>(type, body);
      if (u) {
        u.outcome = { failure: r.failure };
        this.setStage(u, UpdateStage.COMPLETED);
        ex.updates!.delete(u.updateId);
      }
    } else if (type === 'temporal.api.update.v1.Response') {
      const r = decode<temporal.api.update.v1.IResponse>(type, body);
      const accepted = ex.history.find(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId === m.protocolInstanceId,
      );
      append(ex, 'workflowExecutionUpdateCompleted', {
        meta: r.meta,
        acceptedEventId: accepted ? num(accepted.eventId) : 0,
        outcome: r.outcome,
      });
      if (u) {
        u.outcome = r.outcome;
        this.setStage(u, UpdateStage.COMPLETED);
      }
    }
  }
}
