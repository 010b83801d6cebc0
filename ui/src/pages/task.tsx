/** One task: who it waits on and since when, what happens at the deadline, and the form for its kind. */
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, casePath, type Task, type TaskKind } from '../api';
import { useApp } from '../context';
import { ErrorBanner, KeyValues, Loading, SlaBadge, useLoad, useNow } from '../components/common';
import { TaskForm } from '../components/task-forms';

export function TaskPage() {
  const { id = '' } = useParams();
  const { t, roleName, user, taskTitle, dateTime, decision } = useApp();
  const now = useNow();
  const navigate = useNavigate();
  const [done, setDone] = useState<Task | null>(null);
  const task = useLoad(() => api<Task>(`/api/tasks/${id}`), [id]);
  const kinds = useLoad(() => api<TaskKind[]>('/api/task-kinds'), []);
  // Customers have no inbox: their way back is the portal.
  const home =
    user?.role === 'customer' ? { to: '/portal', label: t('navPortal') } : { to: '/inbox', label: t('navInbox') };
  if (task.loading && !task.data) return <Loading />;
  if (task.missing) return <p className="banner">{t('notFound')}</p>;
  if (task.error) return <ErrorBanner error={task.error} />;
  const current = done ?? task.data;
  if (!current) return null;
  const kind = kinds.data?.find((k) => k.kind === current.kind);
  const payload = Object.fromEntries(
    // requesterDid is the four-eyes rule's wording for the server's refusal, not a fact about the case.
    Object.entries(current.payload).filter(
      ([k]) => !['reviewReasons', 'reference', 'revision', 'requesterDid'].includes(k),
    ),
  );
  return (
    <main id="main">
      <p>
        <Link to={home.to}>← {home.label}</Link>
      </p>
      <h1>{taskTitle(current)}</h1>
      <div className="card">
        <p>
          {t('taskFor', { role: roleName(current.role) })} ·{' '}
          <Link to={casePath(current.caseType, current.caseId)}>{t('taskOpenCase')}</Link>
        </p>
        {current.status === 'open' && (
          <>
            <p>
              {t('taskWaiting', { role: roleName(current.role), since: dateTime(current.createdAt) })}{' '}
              <SlaBadge dueAt={current.answerBy ?? current.dueAt ?? null} now={now} />
            </p>
            {current.dueAt && (
              <p className="hint">{t('taskAtDeadline', { due: dateTime(current.escalateAt ?? current.dueAt) })}</p>
            )}
          </>
        )}
        {current.status === 'completed' && (
          <p role="status" className="banner success">
            {t('taskDone', {
              decision: current.decision ? decision(current.decision) : '',
              at: dateTime(current.answeredAt ?? current.completedAt),
            })}
          </p>
        )}
        {current.status === 'cancelled' && <p className="banner">{t('taskCancelled')}</p>}
        <KeyValues value={payload} />
      </div>
      {current.status === 'open' && kinds.loading && !kinds.data && <Loading />}
      {current.status === 'open' && kind && (
        <div className="card">
          <TaskForm task={current} kind={kind} onDone={(d) => setDone(d)} />
        </div>
      )}
      {done && (
        <p>
          <button type="button" onClick={() => void navigate(home.to)}>
            ← {home.label}
          </button>
        </p>
      )}
      <ErrorBanner error={kinds.error} />
    </main>
  );
}
