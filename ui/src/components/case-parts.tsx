/** Parts every case page shares: who it is waiting on, open tasks, decisions, and the merged timeline. */
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type Task } from '../api';
import { useApp } from '../context';
import { describeHistory, mergeTimeline, type HistoryEvent, type TimelineLine } from '../lib/history';
import { ErrorBanner, KeyValues, Section, SlaBadge, StatusPill, When, useLoad, useNow } from './common';
import { DECISIONS, wordsOf } from '../i18n/codes';
import { taskTitle } from '../i18n/server-texts';
import { en, zh, type StringKey } from '../strings';
import type { Lang } from '../lib/history';

/** Tasks of a case the caller may see (every status), newest last. */
export function useCaseTasks(caseId: string) {
  return useLoad(async () => {
    const lists = await Promise.all(
      (['open', 'completed', 'cancelled'] as const).map((status) =>
        api<{ tasks: Task[] }>(`/api/tasks?case=${encodeURIComponent(caseId)}&status=${status}`).then((r) => r.tasks),
      ),
    );
    return lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }, [caseId]);
}

/** The head of a case page: what it is, its reference or name, and its status in words. */
export function CaseHeading({ what, name, status }: { what: string; name: string; status: string }) {
  return (
    <h1>
      {what} {name} <StatusPill status={status} />
    </h1>
  );
}

/** The case's summary card: who it waits on (once known), its facts as labelled values, and anything beneath. */
export function CaseSummary({
  tasks,
  loading,
  facts,
  omit,
  children,
}: {
  tasks: (Task & { label?: string })[];
  loading: boolean;
  facts: Record<string, unknown> | null;
  omit?: string[];
  children?: ReactNode;
}) {
  return (
    <div className="card">
      <WaitingOn tasks={tasks} loading={loading} />
      <KeyValues value={facts} omit={omit} />
      {children}
    </div>
  );
}

/** "Waiting on engineer since …, deadline …" for the open tasks of a case. */
export function WaitingOn({ tasks, loading = false }: { tasks: (Task & { label?: string })[]; loading?: boolean }) {
  const { t, roleName, dateTime, taskTitle } = useApp();
  const now = useNow();
  const open = tasks.filter((x) => x.status === 'open');
  // "Not waiting on anyone" only once the open tasks are known.
  if (loading) return <p className="waiting hint">{t('loading')}</p>;
  if (open.length === 0) return <p className="waiting none">{t('notWaiting')}</p>;
  return (
    <ul className="waiting" aria-label={t('openTasks')}>
      {open.map((x) => (
        <li key={x.id}>
          <strong>{t('waitingOn', { role: roleName(x.role), since: dateTime(x.createdAt) })}</strong> —{' '}
          {x.id ? <Link to={`/tasks/${x.id}`}>{taskTitle(x)}</Link> : (x.label ?? taskTitle(x))}{' '}
          <SlaBadge dueAt={x.answerBy ?? x.dueAt ?? null} now={now} />
          {x.dueAt && (
            <span className="hint"> · {t('taskAtDeadline', { due: dateTime(x.escalateAt ?? x.dueAt) })}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Decisions taken on the case's tasks: what, who (role or email), when. */
export function Decisions({ rows }: { rows: { what: string; who: string; at: string | null; comment?: string }[] }) {
  const { t } = useApp();
  return (
    <Section title={t('decisions')}>
      {rows.length === 0 ? (
        <p>{t('noDecisions')}</p>
      ) : (
        <table className="data cards">
          <thead>
            <tr>
              <th scope="col">{t('what')}</th>
              <th scope="col">{t('who')}</th>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('comment')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <td data-label={t('what')}>{r.what}</td>
                <td data-label={t('who')}>{r.who}</td>
                <td data-label={t('when')}>
                  <When at={r.at} />
                </td>
                <td data-label={t('comment')}>{r.comment || null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** What `GET /api/workflows/:workflowId` tells about a workflow (staff only). */
interface WorkflowSummary {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  temporalUiUrl: string | null;
}

/** The workflow's history in Temporal's JSON form; null when the caller may not read it (customers) or it is gone. */
async function loadHistory(workflowId: string): Promise<HistoryEvent[] | null> {
  try {
    const body = await api<{ history?: { events?: HistoryEvent[] } }>(
      `/api/workflows/${encodeURIComponent(workflowId)}/history`,
    );
    return body.history?.events ?? [];
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return null;
    throw error;
  }
}

/** Lines for the case's tasks: opened (for whom), reminded or escalated, completed (decision), cancelled. */
export function taskLines(tasks: Task[], lang: Lang): TimelineLine[] {
  const lines: TimelineLine[] = [];
  const role = (r: string) => (lang === 'zh' ? zh : en)[`role_${r}` as StringKey] ?? r;
  for (const x of tasks) {
    const title = taskTitle(x, lang);
    lines.push({
      at: x.createdAt,
      source: 'task',
      text: lang === 'zh' ? `为${role(x.role)}创建任务：${title}` : `Task for ${role(x.role)}: ${title}`,
      raw: x,
    });
    if (x.escalatedAt)
      lines.push({
        at: x.escalatedAt,
        source: 'task',
        text: lang === 'zh' ? `已升级给经理：${title}` : `Escalated to the manager: ${title}`,
        tone: 'warning',
        raw: x,
      });
    else if (x.remindedAt)
      lines.push({
        at: x.remindedAt,
        source: 'task',
        text: lang === 'zh' ? `已提醒${role(x.role)}：${title}` : `Reminder sent to ${role(x.role)}: ${title}`,
        raw: x,
      });
    // A customer's own task view says when they answered (answeredAt) instead of the staff completion fields.
    const answeredAt = x.answeredAt ?? x.completedAt;
    if (answeredAt && x.status === 'completed') {
      const comment = (x.data as { comment?: string } | null)?.comment;
      lines.push({
        at: answeredAt,
        source: 'task',
        actor: role(x.role),
        text: `${title}: ${x.decision ? wordsOf(DECISIONS, x.decision, lang) : ''}${comment ? ` — “${comment}”` : ''}`,
        raw: x,
      });
    }
    if (x.completedAt && x.status === 'cancelled')
      lines.push({
        at: x.completedAt,
        source: 'task',
        text: lang === 'zh' ? `任务取消：${title}` : `Task cancelled: ${title}`,
        raw: x,
      });
  }
  return lines;
}

/**
 * The timeline: the API's own lines (tasks, audit, decisions) merged with the workflow's Temporal history in
 * readable words; the raw events one click away; a link to the Temporal UI when it is configured.
 */
export function Timeline({
  workflowId,
  lines,
}: {
  workflowId: string | null;
  casePathApi?: string;
  lines: TimelineLine[];
}) {
  const { t, lang, user, status } = useApp();
  const [raw, setRaw] = useState(false);
  const staff = user?.role !== 'customer';
  const history = useLoad(
    () => (workflowId && staff ? loadHistory(workflowId) : Promise.resolve(null)),
    [workflowId, staff],
  );
  const summary = useLoad(
    () =>
      workflowId && staff
        ? api<WorkflowSummary>(`/api/workflows/${encodeURIComponent(workflowId)}`).catch(() => null)
        : Promise.resolve(null),
    [workflowId, staff],
  );
  const readable = history.data ? describeHistory(history.data, lang) : [];
  // With the history at hand, its task lines (opened, reminded, completed by whom) replace the task list's.
  const merged = mergeTimeline(history.data ? lines.filter((l) => l.source !== 'task') : lines, readable);
  return (
    <Section title={t('timeline')}>
      {summary.data?.temporalUiUrl && (
        <p>
          <a href={summary.data.temporalUiUrl} target="_blank" rel="noreferrer">
            {t('openInTemporal')} ↗
          </a>
        </p>
      )}
      {workflowId && staff && (
        <p className="hint">
          <code translate="no">{workflowId}</code>
          {summary.data ? (
            <>
              {' · '}
              <code translate="no">{summary.data.type}</code> ·{' '}
              {status(summary.data.status.toLowerCase().replace(/^workflow_execution_status_/, ''))}
            </>
          ) : null}
        </p>
      )}
      <ErrorBanner error={history.error} />
      <ol className="timeline">
        {merged.map((line, i) => (
          <li key={i} className={`tone-${line.tone ?? 'normal'} source-${line.source}`}>
            <When at={line.at} /> <span className="source">{t(`source_${line.source}`)}</span> {line.text}
            {line.actor ? <span className="hint"> · {line.actor}</span> : null}
          </li>
        ))}
      </ol>
      <button type="button" aria-expanded={raw} onClick={() => setRaw(!raw)}>
        {raw ? t('hideRaw') : t('showRaw')}
      </button>
      {raw && (
        <pre className="raw" tabIndex={0} aria-label={t('showRaw')}>
          {JSON.stringify({ lines: lines.map((l) => l.raw), history: history.data ?? null }, null, 2)}
        </pre>
      )}
    </Section>
  );
}
