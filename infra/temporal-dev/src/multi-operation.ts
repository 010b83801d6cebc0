/**
 * ExecuteMultiOperation: update-with-start, the only combination Temporal accepts ([Start, Update] on one
 * workflow id). The start follows the request's id conflict policy; a new run gets the update admitted with its
 * start, so its first workflow task carries the request, while USE_EXISTING sends the update to the running run.
 * A failing operation answers as a real frontend does: a MultiOperationExecutionFailure with one status per
 * operation (the other one "aborted"), under the failing operation's gRPC code, so the SDK's error mapping
 * (e.g. ALREADY_EXISTS → WorkflowExecutionAlreadyStartedError) applies.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine';
import * as errors from './errors';
import type { Obj } from './model';
import { encode, num } from './proto';

const ABORTED_TYPE = 'temporal.api.failure.v1.MultiOperationExecutionAborted';

function any(typeName: string, value: object): Obj {
  return { type_url: `type.googleapis.com/${typeName}`, value: encode(typeName, value) };
}

/** The status of an operation that failed, with its Temporal detail when it has one. */
function failedStatus(err: errors.RpcError): Obj {
  return {
    code: err.code,
    message: err.message,
    details: err.detail ? [any(`temporal.api.errordetails.v1.${err.detail.type}`, err.detail.value)] : [],
  };
}

const abortedStatus = (): Obj => ({
  code: errors.Status.ABORTED,
  message: 'Operation was aborted.',
  details: [any(ABORTED_TYPE, {})],
});

/** Fails the whole request because operation `index` failed with `err`. */
function multiOperationFailure(index: 0 | 1, err: errors.RpcError): errors.RpcError {
  const statuses = index === 0 ? [failedStatus(err), abortedStatus()] : [abortedStatus(), failedStatus(err)];
  return new errors.RpcError(err.code, 'Update-with-Start could not be executed.', {
    type: 'MultiOperationExecutionFailure',
    value: { statuses },
  });
}

/** Checks what Temporal refuses in an update-with-start; returns the failing operation and its error. */
function validate(namespace: string, start: Obj, update: Obj): { index: 0 | 1; err: errors.RpcError } | null {
  const invalid = (index: 0 | 1, message: string) => ({ index, err: errors.invalidArgument(message) });
  if ((start.namespace || namespace) !== namespace) return invalid(0, 'Namespace is not consistent with the request.');
  if ((update.namespace || namespace) !== namespace) return invalid(1, 'Namespace is not consistent with the request.');
  if (start.cronSchedule) return invalid(0, 'CronSchedule is not supported.');
  if (start.requestEagerExecution) return invalid(0, 'RequestEagerExecution is not supported.');
  if (num(start.workflowStartDelay?.seconds) || start.workflowStartDelay?.nanos)
    return invalid(0, 'WorkflowStartDelay is not supported.');
  if (update.workflowExecution?.workflowId !== start.workflowId)
    return invalid(1, 'WorkflowId is not consistent with previous operation(s).');
  if (update.workflowExecution?.runId) return invalid(1, 'RunId is not supported.');
  if (update.firstExecutionRunId) return invalid(1, 'FirstExecutionRunId is not supported.');
  if (!update.request?.input?.name) return invalid(1, 'Update name is not set on request.');
  return null;
}

export async function executeMultiOperation(engine: Engine, req: Obj, signal: AbortSignal): Promise<Obj> {
  const ops: Obj[] = req.operations ?? [];
  const start = ops[0]?.startWorkflow;
  const update = ops[1]?.updateWorkflow;
  if (ops.length !== 2 || !start || !update)
    throw errors.invalidArgument('Operations have to be exactly [Start, Update].');
  const namespace: string = req.namespace || 'default';
  engine.ns(namespace);
  const invalid = validate(namespace, start, update);
  if (invalid) throw multiOperationFailure(invalid.index, invalid.err);

  // The id is fixed here so that the request admitted with a new run and the one awaited below are the same.
  const request: Obj = {
    ...update.request,
    meta: { ...update.request.meta, updateId: update.request.meta?.updateId || randomUUID() },
  };
  let started: { ex: ReturnType<Engine['find']>; started: boolean };
  try {
    started = engine.startWorkflow({ ...start, namespace }, { update: request });
  } catch (err) {
    if (err instanceof errors.RpcError) throw multiOperationFailure(0, err);
    throw err;
  }
  let updated: Obj;
  try {
    // A new run already holds the request (admitted with the start); an existing run admits it now.
    updated = await engine.update(started.ex, request, num(update.waitPolicy?.lifecycleStage), signal);
  } catch (err) {
    if (err instanceof errors.RpcError) throw multiOperationFailure(1, err);
    throw err;
  }
  return {
    responses: [
      { startWorkflow: { runId: started.ex.runId, started: started.started, status: started.ex.status } },
      { updateWorkflow: updated },
    ],
  };
}
