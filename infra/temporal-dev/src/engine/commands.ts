/**
 * The commands of a completed workflow task: checked as a whole first (payload limits, close command last,
 * required fields, duplicate timer ids), refused with a failed workflow task naming the cause, then applied in
 * order, each by the concern it belongs to. Markers, search-attribute upserts and memo changes are applied here.
 */
import type { Engine } from '../engine';
import { Command, Execution, Failure, Payload, Payloads, ProtocolMessage, RetryState, WorkflowStatus } from '../model';
import { num, payloadsSize, toMs } from '../proto';

export interface CommandContext {
  completedId: number;
  needsTask: boolean;
  identity: string;
  /** Actions that run once the workflow task's completion is fully written (child starts, external calls). */
  after: Array<() => void>;
  /** Protocol messages of the completion not yet applied, by message id. */
  messages: Map<string, ProtocolMessage>;
}

/** Temporal's default blob limits: a warning past 256 KB, an error past 2 MB. */
export const BLOB_WARN_BYTES = 256 * 1024;
export const BLOB_ERROR_BYTES = 2 * 1024 * 1024;

/** Sum of the payload sizes a message carries in the given fields. */
export function blobSize(...payloads: Array<Payloads | null | undefined>): number {
  return payloads.reduce((n, p) => n + payloadsSize(p), 0);
}

/** The index of the command that closes the run (complete, fail, cancel, continue-as-new), or -1. */
export function closingCommandIndex(commands: Command[]): number {
  return commands.findIndex(
    (c) =>
      c.completeWorkflowExecutionCommandAttributes ||
      c.failWorkflowExecutionCommandAttributes ||
      c.cancelWorkflowExecutionCommandAttributes ||
      c.continueAsNewWorkflowExecutionCommandAttributes,
  );
}

export class Commands {
  constructor(private readonly engine: Engine) {}

  /** The first reason to refuse the whole completion, as a WorkflowTaskFailedCause name and message. */
  validate(ex: Execution, commands: Command[], completing: number): { cause: string; message: string } | null {
    for (const c of commands) {
      const [key, attrs] = Object.entries(c).find(([k, v]) => k.endsWith('CommandAttributes') && v) ?? [];
      if (!attrs) continue;
      // Whatever the command, the payloads it carries sit in these fields.
      const a = attrs as {
        input?: Payloads | null;
        result?: Payloads | null;
        details?: Payloads | null;
        failure?: Failure | null;
      };
      const size = blobSize(
        a.input,
        a.result,
        a.details,
        a.failure?.encodedAttributes ? { payloads: [a.failure.encodedAttributes] } : null,
      );
      if (size > BLOB_ERROR_BYTES) {
        const cause =
          key === 'scheduleActivityTaskCommandAttributes'
            ? 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES'
            : key === 'completeWorkflowExecutionCommandAttributes'
              ? 'BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES'
              : key === 'startChildWorkflowExecutionCommandAttributes'
                ? 'BAD_START_CHILD_EXECUTION_ATTRIBUTES'
                : key === 'signalExternalWorkflowExecutionCommandAttributes'
                  ? 'BAD_SIGNAL_INPUT_SIZE'
                  : key === 'continueAsNewWorkflowExecutionCommandAttributes'
                    ? 'BAD_CONTINUE_AS_NEW_ATTRIBUTES'
                    : 'BAD_BINARY';
        return {
          cause,
          message: `${key?.replace('CommandAttributes', '')} payload size exceeds limit (${size} bytes > ${BLOB_ERROR_BYTES}).`,
        };
      }
      if (size > BLOB_WARN_BYTES) this.engine.log('warn', `workflow ${ex.workflowId}: ${key} payload is ${size} bytes`);
    }
    if (completing >= 0 && completing !== commands.length - 1) {
      // Commands after a close command are dropped by real servers too; only the close must be last
      // among commands that write events.
      const after = commands.slice(completing + 1).filter((c) => !c.recordMarkerCommandAttributes);
      if (after.length)
        return {
          cause: 'BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES',
          message: 'Workflow close command must be the last command.',
        };
    }
    const timerIds = new Set(ex.timers.keys());
    for (const c of commands) {
      const sa = c.scheduleActivityTaskCommandAttributes;
      if (sa) {
        if (!sa.activityId) return { cause: 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES', message: 'ActivityId is not set.' };
        if (!sa.activityType?.name)
          return { cause: 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES', message: 'ActivityType is not set.' };
        if (!toMs(sa.scheduleToCloseTimeout) && !toMs(sa.startToCloseTimeout)) {
          return {
            cause: 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES',
            message: 'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
          };
        }
      }
      const st = c.startTimerCommandAttributes;
      if (st) {
        const timerId = st.timerId ?? '';
        if (timerIds.has(timerId))
          return { cause: 'START_TIMER_DUPLICATE_ID', message: `Timer with ID ${timerId} is already started.` };
        timerIds.add(timerId);
      }
      const upsert = c.upsertWorkflowSearchAttributesCommandAttributes;
      if (upsert) {
        const unknown = this.engine.searchAttributes?.unknownAttribute(
          ex.namespace,
          upsert.searchAttributes?.indexedFields ?? {},
        );
        if (unknown)
          return {
            cause: 'BAD_SEARCH_ATTRIBUTES',
            message: `Namespace ${ex.namespace} has no mapping defined for search attribute ${unknown}`,
          };
      }
      if (c.scheduleNexusOperationCommandAttributes || c.requestCancelNexusOperationCommandAttributes) {
        return {
          cause: 'BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES',
          message: 'Nexus operations are not supported by the embedded server.',
        };
      }
    }
    return null;
  }

  /** Applies one command; unknown commands write nothing. */
  apply(ex: Execution, c: Command, ctx: CommandContext): void {
    const e = this.engine;
    const wtc = ctx.completedId;
    if (c.scheduleActivityTaskCommandAttributes)
      return e.activities.schedule(ex, c.scheduleActivityTaskCommandAttributes, wtc);
    if (c.requestCancelActivityTaskCommandAttributes) {
      if (e.activities.requestCancel(ex, num(c.requestCancelActivityTaskCommandAttributes.scheduledEventId), wtc))
        ctx.needsTask = true;
      return;
    }
    if (c.startTimerCommandAttributes) return e.timers.start(ex, c.startTimerCommandAttributes, wtc);
    if (c.cancelTimerCommandAttributes)
      return e.timers.cancel(ex, c.cancelTimerCommandAttributes.timerId ?? '', wtc, ctx.identity);
    if (c.recordMarkerCommandAttributes) {
      const m = c.recordMarkerCommandAttributes;
      e.events.append(ex, 'markerRecorded', {
        markerName: m.markerName,
        details: m.details,
        header: m.header ?? undefined,
        failure: m.failure ?? undefined,
        workflowTaskCompletedEventId: wtc,
      });
      return;
    }
    if (c.upsertWorkflowSearchAttributesCommandAttributes) {
      const sa = c.upsertWorkflowSearchAttributesCommandAttributes.searchAttributes ?? {};
      e.events.append(ex, 'upsertWorkflowSearchAttributes', {
        workflowTaskCompletedEventId: wtc,
        searchAttributes: sa,
      });
      for (const [k, v] of Object.entries(sa.indexedFields ?? {})) {
        const p = v as Payload;
        if (!p.data || !p.data.length || Buffer.from(p.data).toString() === 'null') delete ex.searchAttributes[k];
        else ex.searchAttributes[k] = p;
      }
      return;
    }
    if (c.modifyWorkflowPropertiesCommandAttributes) {
      const memo = c.modifyWorkflowPropertiesCommandAttributes.upsertedMemo ?? {};
      e.events.append(ex, 'workflowPropertiesModified', { workflowTaskCompletedEventId: wtc, upsertedMemo: memo });
      Object.assign(ex.memo, memo.fields ?? {});
      return;
    }
    if (c.completeWorkflowExecutionCommandAttributes) {
      e.lifecycle.close(
        ex,
        'workflowExecutionCompleted',
        { result: c.completeWorkflowExecutionCommandAttributes.result ?? undefined, workflowTaskCompletedEventId: wtc },
        WorkflowStatus.COMPLETED,
      );
      return;
    }
    if (c.failWorkflowExecutionCommandAttributes) {
      e.lifecycle.close(
        ex,
        'workflowExecutionFailed',
        {
          failure: c.failWorkflowExecutionCommandAttributes.failure ?? undefined,
          retryState: RetryState.RETRY_POLICY_NOT_SET,
          workflowTaskCompletedEventId: wtc,
        },
        WorkflowStatus.FAILED,
      );
      return;
    }
    if (c.cancelWorkflowExecutionCommandAttributes) {
      e.lifecycle.close(
        ex,
        'workflowExecutionCanceled',
        { details: c.cancelWorkflowExecutionCommandAttributes.details ?? undefined, workflowTaskCompletedEventId: wtc },
        WorkflowStatus.CANCELED,
      );
      return;
    }
    if (c.continueAsNewWorkflowExecutionCommandAttributes)
      return e.continuation.continueAsNew(ex, c.continueAsNewWorkflowExecutionCommandAttributes, wtc);
    if (c.startChildWorkflowExecutionCommandAttributes)
      return e.children.start(ex, c.startChildWorkflowExecutionCommandAttributes, wtc, ctx.after);
    if (c.signalExternalWorkflowExecutionCommandAttributes)
      return e.children.signalExternal(ex, c.signalExternalWorkflowExecutionCommandAttributes, wtc, ctx.after);
    if (c.requestCancelExternalWorkflowExecutionCommandAttributes)
      return e.children.cancelExternal(ex, c.requestCancelExternalWorkflowExecutionCommandAttributes, wtc, ctx.after);
    if (c.protocolMessageCommandAttributes) {
      const m = ctx.messages.get(c.protocolMessageCommandAttributes.messageId ?? '');
      if (m) e.updates.applyMessage(ex, m, ctx);
      return;
    }
  }
}
