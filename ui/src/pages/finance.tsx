/** Finance: orders awaiting payment (record the payment → the workflow releases the shipment), statement entries. */
import { useState } from 'react';
import { Link } from 'react-router';
import { api, casePath, type Task, type TaskKind } from '../api';
import { useApp } from '../context';
import { ErrorBanner, Loading, Section, SlaBadge, useLoad, useNow } from '../components/common';
import { TaskForm } from '../components/task-forms';

function TaskCard({
  task,
  kind,
  onDone,
  reference,
}: {
  task: Task;
  kind?: TaskKind;
  onDone: () => void;
  reference?: string;
}) {
  const { t, money, taskTitle } = useApp();
  const now = useNow();
  const [open, setOpen] = useState(false);
  const amount = (task.payload.outstandingFen ?? task.payload.balanceFen ?? task.payload.amountFen) as
    number | undefined;
  return (
    <li className="card">
      <p>
        <Link to={`/tasks/${task.id}`}>{taskTitle(task)}</Link> ·{' '}
        <Link to={casePath(task.caseType, task.caseId)}>
          {reference ?? String(task.payload.reference ?? task.caseId.slice(0, 8))}
        </Link>{' '}
        {amount !== undefined && <strong>{money(amount, String(task.payload.currency ?? 'CNY'))}</strong>}{' '}
        <SlaBadge dueAt={task.dueAt} now={now} />
      </p>
      {kind && (
        <>
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {t('recordPayment')}
          </button>
          {open && <TaskForm task={task} kind={kind} onDone={onDone} />}
        </>
      )}
    </li>
  );
}

export function FinancePage() {
  const { t } = useApp();
  const payments = useLoad(() => api<{ tasks: Task[] }>('/api/tasks?kind=order.payment'), []);
  const credit = useLoad(() => api<{ tasks: Task[] }>('/api/tasks?kind=order.statement-entry'), []);
  const kinds = useLoad(() => api<TaskKind[]>('/api/task-kinds'), []);
  const orders = useLoad(
    () => api<{ orders: { id: string; reference: string }[] }>('/api/orders?limit=200').catch(() => ({ orders: [] })),
    [],
  );
  const kindOf = (k: string) => kinds.data?.find((x) => x.kind === k);
  const referenceOf = (id: string) => orders.data?.orders.find((o) => o.id === id)?.reference;
  const reload = () => {
    payments.reload();
    credit.reload();
  };
  return (
    <main id="main">
      <h1>{t('financeTitle')}</h1>
      <ErrorBanner error={payments.error ?? credit.error} />
      <Section title={t('financeAwaiting')}>
        {payments.loading && !payments.data && <Loading />}
        {payments.data?.tasks.length === 0 && <p>{t('financeNone')}</p>}
        <ul className="plain">
          {payments.data?.tasks.map((x) => (
            <TaskCard key={x.id} task={x} kind={kindOf(x.kind)} onDone={reload} reference={referenceOf(x.caseId)} />
          ))}
        </ul>
      </Section>
      <Section title={t('financeCredit')}>
        {credit.loading && !credit.data && <Loading />}
        {credit.data?.tasks.length === 0 && <p>{t('nothingYet')}</p>}
        <ul className="plain">
          {credit.data?.tasks.map((x) => (
            <TaskCard key={x.id} task={x} kind={kindOf(x.kind)} onDone={reload} reference={referenceOf(x.caseId)} />
          ))}
        </ul>
      </Section>
    </main>
  );
}
