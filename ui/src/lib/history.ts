/**
 * Temporal workflow history in readable words ("Timer started: 24 h", "Activity analyzeFiles retried 2 times",
 * "Reminder sent to engineer"), and the case timeline that merges it with the audit log. Accepts history events
 * as Temporal's JSON form gives them (`eventType` "EVENT_TYPE_TIMER_STARTED", "TimerStarted" or the enum number;
 * `<kind>EventAttributes` objects; durations as "86400s" or { seconds }). Pure: tests feed it recorded events.
 */
import { EN_UNITS, ZH_UNITS, formatSpan } from './time';
import { DECISIONS, STATUS, stepWords, wordsOf } from '../i18n/codes';
import { taskTitle } from '../i18n/server-texts';
import { en, zh, type StringKey } from '../strings';

/** One raw history event (the fields we read; everything else is kept for the raw view). */
export interface HistoryEvent {
  eventId?: string | number;
  eventTime?: string | { seconds?: string | number; nanos?: number };
  eventType?: string | number;
  [attributes: string]: unknown;
}

/** A line of the merged timeline. */
export interface TimelineLine {
  at: string;
  source: 'workflow' | 'audit' | 'task';
  text: string;
  /** Who acted, when known (audit and tasks). */
  actor?: string | null;
  /** Highlight: failures, escalations, penalties. */
  tone?: 'normal' | 'warning' | 'error';
  raw: unknown;
}

export type Lang = 'en' | 'zh';

// Event type numbers of temporal.api.enums.v1.EventType for the events we describe.
const EVENT_TYPE_NUMBERS: Record<number, string> = {
  1: 'WorkflowExecutionStarted',
  2: 'WorkflowExecutionCompleted',
  3: 'WorkflowExecutionFailed',
  4: 'WorkflowExecutionTimedOut',
  5: 'WorkflowTaskScheduled',
  6: 'WorkflowTaskStarted',
  7: 'WorkflowTaskCompleted',
  8: 'WorkflowTaskTimedOut',
  9: 'WorkflowTaskFailed',
  10: 'ActivityTaskScheduled',
  11: 'ActivityTaskStarted',
  12: 'ActivityTaskCompleted',
  13: 'ActivityTaskFailed',
  14: 'ActivityTaskTimedOut',
  15: 'ActivityTaskCancelRequested',
  16: 'ActivityTaskCanceled',
  17: 'TimerStarted',
  18: 'TimerFired',
  19: 'TimerCanceled',
  20: 'WorkflowExecutionCancelRequested',
  21: 'WorkflowExecutionCanceled',
  25: 'MarkerRecorded',
  26: 'WorkflowExecutionSignaled',
  27: 'WorkflowExecutionTerminated',
  28: 'WorkflowExecutionContinuedAsNew',
  29: 'StartChildWorkflowExecutionInitiated',
  31: 'ChildWorkflowExecutionStarted',
  32: 'ChildWorkflowExecutionCompleted',
  33: 'ChildWorkflowExecutionFailed',
  40: 'UpsertWorkflowSearchAttributes',
};

/** "EVENT_TYPE_TIMER_STARTED" / "TimerStarted" / 17 → "TimerStarted". */
export function eventTypeName(type: HistoryEvent['eventType']): string {
  if (typeof type === 'number') return EVENT_TYPE_NUMBERS[type] ?? `Event${type}`;
  if (!type) return 'Unknown';
  if (/^[A-Z0-9_]+$/.test(type)) {
    return type
      .replace(/^EVENT_TYPE_/, '')
      .toLowerCase()
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
  }
  return type;
}

function attributesOf(event: HistoryEvent, type: string): Record<string, unknown> {
  const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes`;
  return (event[key] as Record<string, unknown> | undefined) ?? {};
}

/** "86400s", "1.5s", { seconds: "86400" } → milliseconds. */
export function durationToMs(value: unknown): number | null {
  if (typeof value === 'string') {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(value);
    return m ? Math.round(Number(m[1]) * 1000) : null;
  }
  if (value && typeof value === 'object') {
    const v = value as { seconds?: string | number; nanos?: number };
    if (v.seconds === undefined && v.nanos === undefined) return null;
    return Number(v.seconds ?? 0) * 1000 + Math.round((v.nanos ?? 0) / 1e6);
  }
  return null;
}

/** An event's time as ISO text. */
export function eventTimeIso(time: HistoryEvent['eventTime']): string {
  if (typeof time === 'string') return time;
  if (time && typeof time === 'object')
    return new Date(Number(time.seconds ?? 0) * 1000 + Math.round((time.nanos ?? 0) / 1e6)).toISOString();
  return new Date(0).toISOString();
}

function nameOf(value: unknown): string {
  return ((value as { name?: string } | undefined)?.name ?? '').toString();
}

/** The first JSON payload of `{ payloads: [{ data }] }`, decoded (base64 in JSON form); undefined otherwise. */
export function firstPayload(container: unknown): unknown {
  const payload = (container as { payloads?: { data?: unknown }[] } | undefined)?.payloads?.[0];
  const data = payload?.data;
  if (typeof data !== 'string') return undefined;
  try {
    const text =
      typeof atob === 'function'
        ? decodeURIComponent(escape(atob(data)))
        : Buffer.from(data, 'base64').toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const WORDS = {
  en: {
    started: (t: string) => `Workflow ${t} started`,
    completed: 'Workflow completed',
    failed: (m: string) => `Workflow failed${m ? `: ${m}` : ''}`,
    timedOut: 'Workflow timed out',
    cancelled: 'Workflow cancelled',
    terminated: (r: string) => `Workflow terminated${r ? `: ${r}` : ''}`,
    continued: 'Workflow continued as new',
    timerStarted: (d: string) => `Timer: ${d}`,
    timerFired: (d: string) => `Timer fired${d ? ` (${d})` : ''}`,
    timerCanceled: 'Timer cancelled (the wait ended first)',
    reminder: (r: string) => `Reminder sent${r ? ` to ${r}` : ''}`,
    escalation: (r: string) => `Escalation email sent${r ? ` to ${r}` : ''}`,
    taskOpened: (title: string, role: string) => `Task opened for ${role}: ${title}`,
    taskClosed: 'Task closed',
    activityDone: (n: string) => `Activity ${n} completed`,
    retried: (n: string, times: number) => `Activity ${n} retried ${times} time${times === 1 ? '' : 's'}`,
    activityFailed: (n: string, m: string) => `Activity ${n} failed${m ? `: ${m}` : ''}`,
    activityTimedOut: (n: string) => `Activity ${n} timed out`,
    signal: (n: string) => `Signal received: ${n}`,
    taskCompletedSignal: (step: string, decision: string, by: string) =>
      `Task ${step} completed: ${decision}${by ? ` by ${by}` : ''}`,
    child: (t: string) => `Child workflow ${t} started`,
    childDone: (t: string) => `Child workflow ${t} completed`,
    childFailed: (t: string) => `Child workflow ${t} failed`,
    stage: (s: string) => `Stage: ${s}`,
  },
  zh: {
    started: (t: string) => `流程 ${t} 已启动`,
    completed: '流程已完成',
    failed: (m: string) => `流程失败${m ? `：${m}` : ''}`,
    timedOut: '流程超时',
    cancelled: '流程已取消',
    terminated: (r: string) => `流程被终止${r ? `：${r}` : ''}`,
    continued: '流程以新实例继续',
    timerStarted: (d: string) => `计时器：${d}`,
    timerFired: (d: string) => `计时器到期${d ? `（${d}）` : ''}`,
    timerCanceled: '计时器已取消（等待已提前结束）',
    reminder: (r: string) => `已发送提醒${r ? `给 ${r}` : ''}`,
    escalation: (r: string) => `已发送升级邮件${r ? `给 ${r}` : ''}`,
    taskOpened: (title: string, role: string) => `为${role}创建任务：${title}`,
    taskClosed: '任务已关闭',
    activityDone: (n: string) => `活动 ${n} 已完成`,
    retried: (n: string, times: number) => `活动 ${n} 重试了 ${times} 次`,
    activityFailed: (n: string, m: string) => `活动 ${n} 失败${m ? `：${m}` : ''}`,
    activityTimedOut: (n: string) => `活动 ${n} 超时`,
    signal: (n: string) => `收到信号：${n}`,
    taskCompletedSignal: (step: string, decision: string, by: string) =>
      `任务“${step}”已完成：${decision}${by ? `（${by}）` : ''}`,
    child: (t: string) => `子流程 ${t} 已启动`,
    childDone: (t: string) => `子流程 ${t} 已完成`,
    childFailed: (t: string) => `子流程 ${t} 失败`,
    stage: (s: string) => `阶段：${s}`,
  },
};

// Bookkeeping events people do not need in the readable view (they stay in the raw view).
const QUIET = new Set([
  'WorkflowTaskScheduled',
  'WorkflowTaskStarted',
  'WorkflowTaskCompleted',
  'ActivityTaskStarted',
  'MarkerRecorded',
  'ActivityTaskScheduled',
  'ChildWorkflowExecutionStarted',
]);

/** The readable lines of a workflow history, oldest first; bookkeeping events are left out. */
export function describeHistory(events: HistoryEvent[], lang: Lang = 'en'): TimelineLine[] {
  const w = WORDS[lang];
  const units = lang === 'zh' ? ZH_UNITS : EN_UNITS;
  const byId = new Map<string, HistoryEvent>();
  for (const e of events) byId.set(String(e.eventId ?? ''), e);
  const attemptsByScheduled = new Map<string, number>();
  for (const e of events) {
    if (eventTypeName(e.eventType) === 'ActivityTaskStarted') {
      const a = attributesOf(e, 'ActivityTaskStarted');
      attemptsByScheduled.set(String(a.scheduledEventId ?? ''), Number(a.attempt ?? 1));
    }
  }
  const activityOf = (scheduledEventId: unknown) => {
    const scheduled = byId.get(String(scheduledEventId ?? ''));
    const a = scheduled ? attributesOf(scheduled, 'ActivityTaskScheduled') : {};
    return { name: nameOf(a.activityType), input: firstPayload(a.input) as Record<string, unknown> | undefined };
  };
  const lines: TimelineLine[] = [];
  for (const e of events) {
    const type = eventTypeName(e.eventType);
    if (QUIET.has(type)) continue;
    const a = attributesOf(e, type);
    let text: string | null = null;
    let tone: TimelineLine['tone'] = 'normal';
    switch (type) {
      case 'WorkflowExecutionStarted':
        text = w.started(nameOf(a.workflowType));
        break;
      case 'WorkflowExecutionCompleted':
        text = w.completed;
        break;
      case 'WorkflowExecutionFailed':
        text = w.failed(String((a.failure as { message?: string } | undefined)?.message ?? ''));
        tone = 'error';
        break;
      case 'WorkflowExecutionTimedOut':
        text = w.timedOut;
        tone = 'error';
        break;
      case 'WorkflowExecutionCanceled':
        text = w.cancelled;
        break;
      case 'WorkflowExecutionTerminated':
        text = w.terminated(String(a.reason ?? ''));
        tone = 'error';
        break;
      case 'WorkflowExecutionContinuedAsNew':
        text = w.continued;
        break;
      case 'TimerStarted': {
        const ms = durationToMs(a.startToFireTimeout);
        text = w.timerStarted(ms === null ? String(a.timerId ?? '') : formatSpan(ms, units));
        break;
      }
      case 'TimerFired': {
        const started = byId.get(String(a.startedEventId ?? ''));
        const ms = started ? durationToMs(attributesOf(started, 'TimerStarted').startToFireTimeout) : null;
        text = w.timerFired(ms === null ? '' : formatSpan(ms, units));
        break;
      }
      case 'TimerCanceled':
        text = w.timerCanceled;
        break;
      case 'ActivityTaskCompleted': {
        const { name, input } = activityOf(a.scheduledEventId);
        const attempts = attemptsByScheduled.get(String(a.scheduledEventId ?? '')) ?? 1;
        if (/remind/i.test(name)) text = w.reminder(recipientsOf(e, a, input));
        else if (/escalat/i.test(name)) {
          text = w.escalation(recipientsOf(e, a, input));
          tone = 'warning';
        } else if (name === 'openTask' && input) {
          const title = taskTitle(
            {
              kind: String(input.kind ?? ''),
              title: String(input.title ?? input.step ?? ''),
              payload: (input.payload as Record<string, unknown> | undefined) ?? {},
            },
            lang,
          );
          const role = String(input.role ?? '');
          text = w.taskOpened(title, (lang === 'zh' ? zh : en)[`role_${role}` as StringKey] ?? role);
        } else if (name === 'closeTask') text = w.taskClosed;
        // Projections copy workflow state into read tables; the "Stage:" line already tells it.
        else if (/^project[A-Z]/.test(name) && attempts === 1) text = null;
        else text = w.activityDone(name);
        if (attempts > 1) {
          lines.push({
            at: eventTimeIso(e.eventTime),
            source: 'workflow',
            text: w.retried(name, attempts - 1),
            tone: 'warning',
            raw: e,
          });
        }
        break;
      }
      case 'ActivityTaskFailed': {
        const { name } = activityOf(a.scheduledEventId);
        text = w.activityFailed(name, String((a.failure as { message?: string } | undefined)?.message ?? ''));
        tone = 'error';
        break;
      }
      case 'ActivityTaskTimedOut':
        text = w.activityTimedOut(activityOf(a.scheduledEventId).name);
        tone = 'error';
        break;
      case 'WorkflowExecutionSignaled': {
        const name = String(a.signalName ?? '');
        const input = firstPayload(a.input) as
          { step?: string; decision?: string; completedBy?: { email?: string } } | undefined;
        text =
          input?.step && input.decision
            ? w.taskCompletedSignal(
                stepWords(input.step, lang),
                wordsOf(DECISIONS, input.decision, lang),
                input.completedBy?.email ?? '',
              )
            : w.signal(name);
        break;
      }
      case 'StartChildWorkflowExecutionInitiated':
        text = w.child(nameOf(a.workflowType));
        break;
      case 'ChildWorkflowExecutionCompleted':
        text = w.childDone(nameOf(a.workflowType));
        break;
      case 'ChildWorkflowExecutionFailed':
        text = w.childFailed(nameOf(a.workflowType));
        tone = 'error';
        break;
      case 'UpsertWorkflowSearchAttributes': {
        const stage = (a.searchAttributes as { indexedFields?: Record<string, unknown> } | undefined)?.indexedFields
          ?.Stage;
        const value = stage ? firstPayload({ payloads: [stage] }) : undefined;
        const stageCode =
          typeof value === 'string' ? value : Array.isArray(value) && value.length ? String(value[0]) : null;
        text = stageCode === null ? null : w.stage(wordsOf(STATUS, stageCode, lang));
        break;
      }
      default:
        text = null;
    }
    // Repeats (the same stage upserted twice in one workflow task) say nothing new.
    if (text && lines[lines.length - 1]?.text !== text)
      lines.push({ at: eventTimeIso(e.eventTime), source: 'workflow', text, tone, raw: e });
  }
  return lines;
}

function recipientsOf(
  _event: HistoryEvent,
  attributes: Record<string, unknown>,
  input: Record<string, unknown> | undefined,
): string {
  const result = firstPayload(attributes.result) as { recipients?: string[] } | undefined;
  if (result?.recipients?.length) return result.recipients.join(', ');
  if (Array.isArray(input?.escalateTo)) return (input.escalateTo as string[]).join(', ');
  return '';
}

/** Merges readable history with other timeline lines (audit, tasks), oldest first; ties keep source order. */
export function mergeTimeline(...sources: TimelineLine[][]): TimelineLine[] {
  return sources
    .flat()
    .map((line, index) => ({ line, index }))
    .sort((x, y) => x.line.at.localeCompare(y.line.at) || x.index - y.index)
    .map((x) => x.line);
}
