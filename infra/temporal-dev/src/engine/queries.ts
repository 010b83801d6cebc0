/**
 * Queries: a query rides on the next workflow task when one is pending (or waits for the running one to
 * finish), and otherwise goes out as a legacy query task; the answer comes back in the task's completion or
 * RespondQueryTaskCompleted.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import * as errors from '../errors';
import {
  Execution,
  PendingQuery,
  QueryResult,
  QueryWorkflowResponse,
  RespondQueryTaskCompletedRequest,
  RespondQueryTaskCompletedResponse,
  TaskQueueKind,
  WorkflowQuery,
  WorkflowStatus,
  WorkflowTaskState,
  isOpen,
} from '../model';
import { fromMs, num } from '../proto';
import { decodeToken, encodeToken } from './task-token';

export class Queries {
  private readonly pending = new Map<string, { ex: Execution; q: PendingQuery }>();

  constructor(private readonly engine: Engine) {}

  /** QueryWorkflow: routes the query to the next workflow task or a legacy query task. */
  query(
    ex: Execution,
    query: WorkflowQuery,
    rejectCondition: number,
    signal: AbortSignal,
  ): Promise<QueryWorkflowResponse> {
    if (!isOpen(ex)) {
      if (rejectCondition === 2 || (rejectCondition === 3 && ex.status !== WorkflowStatus.COMPLETED)) {
        return Promise.resolve({ queryRejected: { status: ex.status } });
      }
      if (!ex.lastCompletedStartedId) throw errors.workflowNotReady('Workflow task is not scheduled yet.');
    }
    return new Promise<QueryWorkflowResponse>((resolve, reject) => {
      const id = randomUUID();
      const q: PendingQuery = {
        id,
        query,
        done: false,
        resolve: (r) => {
          if (q.done) return;
          q.done = true;
          this.pending.delete(id);
          signal.removeEventListener('abort', onAbort);
          if (r.answered) resolve({ queryResult: r.payloads ?? undefined });
          else reject(errors.queryFailed(r.message, r.failure));
        },
        reject: (err) => {
          if (q.done) return;
          q.done = true;
          this.pending.delete(id);
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const onAbort = () => q.reject(new errors.RpcError(errors.Status.CANCELLED, 'query cancelled'));
      signal.addEventListener('abort', onAbort);
      this.pending.set(id, { ex, q });
      if (!isOpen(ex) || !ex.wft) this.dispatchLegacy(ex, q);
      else if (!ex.wft.startedEventId) ex.wft.queries.set(id, q);
      else ex.queriesAwaitingTask.push(q);
    });
  }

  /** The query results a workflow task's completion carries. */
  answer(wft: WorkflowTaskState, results: Record<string, QueryResult>): void {
    for (const [id, r] of Object.entries(results)) {
      const q = wft.queries.get(id);
      if (!q) continue;
      wft.queries.delete(id);
      if (num(r.resultType) === 1) q.resolve({ answered: true, payloads: r.answer ?? null });
      else q.resolve({ answered: false, message: r.errorMessage ?? 'query failed', failure: r.failure ?? null });
    }
  }

  /** Queries of a finished workflow task that it did not answer go to the next task or a legacy task. */
  reroute(ex: Execution, wft: WorkflowTaskState, newTaskScheduled: boolean): void {
    const left = [...wft.queries.values(), ...ex.queriesAwaitingTask.splice(0)].filter((q) => !q.done);
    wft.queries.clear();
    for (const q of left) {
      if (newTaskScheduled && ex.wft && !ex.wft.startedEventId && isOpen(ex)) ex.wft.queries.set(q.id, q);
      else this.dispatchLegacy(ex, q);
    }
  }

  /** The run closed: queries waiting for a workflow task go out as legacy query tasks. */
  flushAwaiting(ex: Execution): void {
    for (const q of ex.queriesAwaitingTask.splice(0)) this.dispatchLegacy(ex, q);
  }

  private dispatchLegacy(ex: Execution, q: PendingQuery): void {
    if (q.done) return;
    this.engine.wfQueue(ex.namespace, ex.taskQueue).offer({
      start: () => {
        if (q.done) return null;
        const now = this.engine.now();
        return {
          taskToken: encodeToken({ k: 'q', ns: ex.namespace, wid: ex.workflowId, rid: ex.runId, q: q.id }),
          workflowExecution: { workflowId: ex.workflowId, runId: ex.runId },
          workflowType: { name: ex.workflowType },
          previousStartedEventId: ex.lastCompletedStartedId,
          startedEventId: 0,
          attempt: 1,
          history: { events: ex.history },
          nextPageToken: Buffer.alloc(0),
          query: q.query,
          workflowExecutionTaskQueue: { name: ex.taskQueue, kind: TaskQueueKind.NORMAL },
          scheduledTime: fromMs(now),
          startedTime: fromMs(now),
          queries: {},
          messages: [],
        };
      },
    });
  }

  /** RespondQueryTaskCompleted. */
  respondCompleted(req: RespondQueryTaskCompletedRequest): RespondQueryTaskCompletedResponse {
    const token = decodeToken(req.taskToken);
    if (token.k !== 'q' || !token.q) throw errors.invalidArgument('Task token is not a query task token.');
    const pending = this.pending.get(token.q);
    if (!pending) throw errors.notFound('query not found or already answered');
    if (num(req.completedType) === 1) pending.q.resolve({ answered: true, payloads: req.queryResult ?? null });
    else
      pending.q.resolve({ answered: false, message: req.errorMessage ?? 'query failed', failure: req.failure ?? null });
    return {};
  }
}
