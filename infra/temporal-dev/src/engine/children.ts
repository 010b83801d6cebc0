/**
 * Other executions a workflow acts on: child workflows (started once the parent's workflow task is written,
 * reported back to the parent when they close, ended by the parent close policy), and external signals and
 * cancel requests.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import { Execution, Obj, PendingEvent, TaskQueueKind, Wire, WorkflowStatus, isOpen } from '../model';
import { num, temporal } from '../proto';

import command = temporal.api.command.v1;
import { eventAttributes } from './history-log';
import { DEFAULT_WFT_TIMEOUT_MS } from './workflow-tasks';
import { fromMs } from '../proto';

/** ParentClosePolicy */
const TERMINATE = 1;
const REQUEST_CANCEL = 3;

export class Children {
  constructor(private readonly engine: Engine) {}

  /** The StartChildWorkflowExecution command: the child starts after the task's events are written. */
  start(
    ex: Execution,
    a: Wire<command.IStartChildWorkflowExecutionCommandAttributes>,
    wtc: number,
    after: Array<() => void>,
  ): void {
    const engine = this.engine;
    const nsName = a.namespace || ex.namespace;
    const policy = num(a.parentClosePolicy) || 1;
    const ev = engine.events.append(ex, 'startChildWorkflowExecutionInitiated', {
      namespace: nsName,
      namespaceId: engine.namespaces.get(nsName)?.id ?? '',
      workflowId: a.workflowId,
      workflowType: a.workflowType,
      taskQueue: { name: a.taskQueue?.name || ex.taskQueue, kind: TaskQueueKind.NORMAL },
      input: a.input ?? undefined,
      workflowExecutionTimeout: a.workflowExecutionTimeout ?? undefined,
      workflowRunTimeout: a.workflowRunTimeout ?? undefined,
      workflowTaskTimeout: a.workflowTaskTimeout ?? fromMs(DEFAULT_WFT_TIMEOUT_MS),
      parentClosePolicy: policy,
      control: a.control ?? '',
      workflowTaskCompletedEventId: wtc,
      workflowIdReusePolicy: a.workflowIdReusePolicy ?? 0,
      retryPolicy: a.retryPolicy ?? undefined,
      cronSchedule: a.cronSchedule ?? '',
      header: a.header ?? undefined,
      memo: a.memo ?? undefined,
      searchAttributes: a.searchAttributes ?? undefined,
      inheritBuildId: a.inheritBuildId ?? false,
      priority: a.priority ?? undefined,
    });
    const initiatedEventId: number = ev.eventId;
    const startFailed = (): PendingEvent => ({
      kind: 'startChildWorkflowExecutionFailed',
      attrs: {
        namespace: nsName,
        workflowId: a.workflowId,
        workflowType: a.workflowType,
        cause: 1, // WORKFLOW_ALREADY_EXISTS
        control: a.control ?? '',
        initiatedEventId,
        workflowTaskCompletedEventId: wtc,
      },
    });
    after.push(() => {
      if (!isOpen(ex)) return;
      const req: Obj = {
        namespace: nsName,
        workflowId: a.workflowId,
        workflowType: a.workflowType,
        taskQueue: { name: a.taskQueue?.name || ex.taskQueue },
        input: a.input,
        workflowExecutionTimeout: a.workflowExecutionTimeout,
        workflowRunTimeout: a.workflowRunTimeout,
        workflowTaskTimeout: a.workflowTaskTimeout,
        identity: '',
        requestId: randomUUID(),
        workflowIdReusePolicy: a.workflowIdReusePolicy,
        retryPolicy: a.retryPolicy,
        header: a.header,
        memo: a.memo,
        searchAttributes: a.searchAttributes,
      };
      const ns = engine.namespaces.get(nsName);
      const existing = ns ? engine.current(ns, a.workflowId ?? '') : undefined;
      if (!ns || (existing && isOpen(existing))) {
        engine.events.deliver(ex, [startFailed()]);
        return;
      }
      let child: Execution;
      try {
        child = engine.lifecycle.start(req, {
          parent: { namespace: ex.namespace, workflowId: ex.workflowId, runId: ex.runId, initiatedEventId },
          root: ex.root ?? { workflowId: ex.workflowId, runId: ex.runId },
        }).ex;
      } catch {
        engine.events.deliver(ex, [startFailed()]);
        return;
      }
      ex.children.set(initiatedEventId, {
        initiatedEventId,
        namespace: nsName,
        workflowId: child.workflowId,
        runId: child.runId,
        workflowType: child.workflowType,
        parentClosePolicy: policy,
        started: true,
      });
      engine.events.deliver(ex, [
        {
          kind: 'childWorkflowExecutionStarted',
          attrs: {
            namespace: nsName,
            initiatedEventId,
            workflowExecution: { workflowId: child.workflowId, runId: child.runId },
            workflowType: { name: child.workflowType },
            header: a.header ?? undefined,
          },
        },
      ]);
    });
  }

  /** Called when a run closes: reports to its parent and applies parent close policies to children. */
  onClosed(ex: Execution, continuedAs?: Execution): void {
    const engine = this.engine;
    for (const child of ex.children.values()) {
      const ns = engine.namespaces.get(child.namespace);
      const c = ns ? engine.current(ns, child.workflowId) : undefined;
      if (!c || !isOpen(c)) continue;
      if (child.parentClosePolicy === TERMINATE) engine.lifecycle.terminate(c, 'by parent close policy', null, '');
      else if (child.parentClosePolicy === REQUEST_CANCEL)
        engine.signals.requestCancel(c, 'by parent close policy', '');
    }
    ex.children.clear();
    if (continuedAs) {
      // The chain goes on: the parent hears from the last run only.
      return;
    }
    if (!ex.parent) return;
    const parentNs = engine.namespaces.get(ex.parent.namespace);
    const parent = parentNs?.executions.get(ex.parent.runId);
    if (!parent || !isOpen(parent)) return;
    const close = ex.history[ex.history.length - 1];
    const initiatedEventId = ex.parent.initiatedEventId;
    const started = parent.history.find(
      (e) =>
        e.childWorkflowExecutionStartedEventAttributes &&
        num(e.childWorkflowExecutionStartedEventAttributes.initiatedEventId) === initiatedEventId,
    );
    const base = {
      namespace: ex.namespace,
      workflowExecution: { workflowId: ex.workflowId, runId: ex.runId },
      workflowType: { name: ex.workflowType },
      initiatedEventId,
      startedEventId: started ? num(started.eventId) : 0,
    };
    const attrs = eventAttributes(close);
    let group: PendingEvent;
    switch (ex.status) {
      case WorkflowStatus.COMPLETED:
        group = { kind: 'childWorkflowExecutionCompleted', attrs: { ...base, result: attrs.result } };
        break;
      case WorkflowStatus.FAILED:
        group = {
          kind: 'childWorkflowExecutionFailed',
          attrs: { ...base, failure: attrs.failure, retryState: attrs.retryState },
        };
        break;
      case WorkflowStatus.CANCELED:
        group = { kind: 'childWorkflowExecutionCanceled', attrs: { ...base, details: attrs.details } };
        break;
      case WorkflowStatus.TIMED_OUT:
        group = { kind: 'childWorkflowExecutionTimedOut', attrs: { ...base, retryState: attrs.retryState } };
        break;
      default:
        group = { kind: 'childWorkflowExecutionTerminated', attrs: base };
    }
    // Parent bookkeeping keyed by the initiating event.
    for (const [k, c] of parent.children) if (c.initiatedEventId === initiatedEventId) parent.children.delete(k);
    engine.events.deliver(parent, [group]);
  }

  /** The SignalExternalWorkflowExecution command. */
  signalExternal(
    ex: Execution,
    a: Wire<command.ISignalExternalWorkflowExecutionCommandAttributes>,
    wtc: number,
    after: Array<() => void>,
  ): void {
    const engine = this.engine;
    const nsName = a.namespace || ex.namespace;
    const ev = engine.events.append(ex, 'signalExternalWorkflowExecutionInitiated', {
      namespace: nsName,
      namespaceId: engine.namespaces.get(nsName)?.id ?? '',
      workflowExecution: a.execution,
      signalName: a.signalName,
      input: a.input ?? undefined,
      control: a.control ?? '',
      childWorkflowOnly: a.childWorkflowOnly ?? false,
      header: a.header ?? undefined,
      workflowTaskCompletedEventId: wtc,
    });
    const initiatedEventId: number = ev.eventId;
    after.push(() => {
      if (!isOpen(ex)) return;
      const target = this.findOpen(nsName, a.execution?.workflowId ?? '', a.execution?.runId);
      if (!target) {
        engine.events.deliver(ex, [
          {
            kind: 'signalExternalWorkflowExecutionFailed',
            attrs: {
              cause: 1,
              workflowTaskCompletedEventId: wtc,
              namespace: nsName,
              workflowExecution: a.execution,
              initiatedEventId,
              control: a.control ?? '',
            },
          },
        ]);
        return;
      }
      engine.signals.signal(target, a.signalName ?? '', a.input ?? null, a.header ?? null, '', randomUUID());
      engine.events.deliver(ex, [
        {
          kind: 'externalWorkflowExecutionSignaled',
          attrs: {
            initiatedEventId,
            namespace: nsName,
            workflowExecution: { workflowId: target.workflowId, runId: target.runId },
            control: a.control ?? '',
          },
        },
      ]);
    });
  }

  /** The RequestCancelExternalWorkflowExecution command. */
  cancelExternal(
    ex: Execution,
    a: Wire<command.IRequestCancelExternalWorkflowExecutionCommandAttributes>,
    wtc: number,
    after: Array<() => void>,
  ): void {
    const engine = this.engine;
    const nsName = a.namespace || ex.namespace;
    const execution = { workflowId: a.workflowId, runId: a.runId ?? '' };
    const ev = engine.events.append(ex, 'requestCancelExternalWorkflowExecutionInitiated', {
      workflowTaskCompletedEventId: wtc,
      namespace: nsName,
      namespaceId: engine.namespaces.get(nsName)?.id ?? '',
      workflowExecution: execution,
      control: a.control ?? '',
      childWorkflowOnly: a.childWorkflowOnly ?? false,
      reason: a.reason ?? '',
    });
    const initiatedEventId: number = ev.eventId;
    after.push(() => {
      if (!isOpen(ex)) return;
      const target = this.findOpen(nsName, a.workflowId ?? '', a.runId);
      if (!target) {
        engine.events.deliver(ex, [
          {
            kind: 'requestCancelExternalWorkflowExecutionFailed',
            attrs: {
              cause: 1,
              workflowTaskCompletedEventId: wtc,
              namespace: nsName,
              workflowExecution: execution,
              initiatedEventId,
              control: a.control ?? '',
            },
          },
        ]);
        return;
      }
      engine.signals.requestCancel(target, a.reason ?? '', '', {
        initiatedEventId,
        execution: { workflowId: ex.workflowId, runId: ex.runId },
      });
      engine.events.deliver(ex, [
        {
          kind: 'externalWorkflowExecutionCancelRequested',
          attrs: {
            initiatedEventId,
            namespace: nsName,
            workflowExecution: { workflowId: target.workflowId, runId: target.runId },
          },
        },
      ]);
    });
  }

  /** The open run an external command names, if any. */
  private findOpen(nsName: string, workflowId: string, runId: string | null | undefined): Execution | undefined {
    let target: Execution | undefined;
    try {
      target = this.engine.find(nsName, workflowId, runId);
    } catch {
      target = undefined;
    }
    return target && isOpen(target) ? target : undefined;
  }
}
