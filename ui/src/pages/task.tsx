/** One task: who it waits on and since when, what happens at the deadline, and the form for its kind. */
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, casePath, type Task, type TaskKind } from '../api';
import { useApp } from '../context';
import { ErrorBanner, KeyValues, Loading, SlaBadge, When, useLoad, useNow } from '../components/common';
import { TaskForm } from '../components/task-forms';

export function TaskPage() {
  const { id = '' } = useParams();
  const { t, roleName } = useApp();
  const now = useNow();
  const navigate = useNavigate();
  const [done, setDone] = useState<Task | null>(null);
  const task = useLoad(() => api<Task>(`/api/tasks/${id}`), [id]);
  const kinds = useLoad(() => api<TaskKind[]>('/api/task-kinds'), []);
  if (task.loading && !task.data) return <Loading />;
  if (task.error) return <ErrorBanner error={task.error} />;
  const current = done ?? task.data;
  if (!current) return null;
  const kind = kinds.data?.find((k) => k.kind === current.kind);
  return (
    <main id="main">
      <p>
        <Link to="/inbox">← {t('navInbox')}</Link>
      </p>
      <h1>{current.title}</h1>
      <div className="card">
        <p>
          <code>{current.kind}</code> · {t('taskFor', { role: roleName(current.role) })} ·{' '}
          <Link to={casePath(current.caseType, current.caseId)}>{t('taskOpenCase')}</Link>
        </p>
        {current.status === 'open' && (
          <>
            <p>
              {t('taskWaiting', { role: roleName(current.role), since: new Date(current.createdAt).toLocaleString() })} <SlaBadge dueAt={current.dueAt} now={now} />
            </p>
            {current.dueAt && <p className="hint">{t('taskAtDeadline', { due: new Date(current.escalateAt ?? current.dueAt).toLocaleString() })}</p>}
          </>
        )}
        {current.status === 'completed' && (
          <p role="status" className="banner success">
            {t('taskDone', { decision: current.decision ?? '', at: new Date(current.completedAt ?? '').toLocaleString() })}
          </p>
        )}
        {current.status === 'cancelled' && <p className="banner">{t('taskCancelled')}</p>}
        {kind && <p className="hint">{kind.description}</p>}
        <KeyValues value={current.payload} />
      </div>
      {current.status === 'open' && kind && (
        <div className="card">
          <TaskForm task={current} kind={kind} onDone={(d) => setDone(d)} />
        </div>
      )}
      {done && (
        <p>
          <button type="button" onClick={() => void navigate('/inbox')}>
            ← {t('navInbox')}
          </button>{' '}
          <When at={done.completedAt} />
        </p>
      )}
      <ErrorBanner error={kinds.error} />
    </main>
  );
}
