/** Messages a workflow receives from outside without answering: signals and cancel requests. */
import type { Engine } from '../engine';
import * as errors from '../errors';
import { Execution, Header, Payloads, Wire, WorkflowExecutionRef, isOpen } from '../model';

export class Signals {
  constructor(private readonly engine: Engine) {}

  signal(
    ex: Execution,
    signalName: string,
    input: Wire<Payloads> | null,
    header: Wire<Header> | null,
    identity: string,
    requestId?: string,
  ): void {
    if (!isOpen(ex)) throw errors.completedAlready();
    this.engine.events.deliver(ex, [
      {
        kind: 'workflowExecutionSignaled',
        attrs: {
          signalName,
          input: input ?? undefined,
          identity,
          header: header ?? undefined,
          requestId: requestId ?? '',
        },
      },
    ]);
  }

  /** RequestCancelWorkflowExecution (also from a parent close policy or another workflow); once per run. */
  requestCancel(
    ex: Execution,
    reason: string,
    identity: string,
    external?: { initiatedEventId: number; execution: WorkflowExecutionRef },
  ): void {
    if (!isOpen(ex) || ex.cancelRequested) return;
    ex.cancelRequested = true;
    this.engine.events.deliver(ex, [
      {
        kind: 'workflowExecutionCancelRequested',
        attrs: {
          cause: reason,
          identity,
          externalInitiatedEventId: external?.initiatedEventId ?? 0,
          externalWorkflowExecution: external?.execution,
        },
      },
    ]);
  }
}
