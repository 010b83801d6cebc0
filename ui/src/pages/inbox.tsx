/** The inbox: open tasks for my role, soonest due first, with SLA countdowns and filters. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, casePath, type Task } from '../api';
import { useApp } from '../context';
import { ErrorBanner, Field, Loading, SlaBadge, When, useLoad, useNow } from '../components/common';
import { caseTypeName, kindName } from '../i18n/server-texts';

interface CustomerLite {
  id: string;
  name?: string;
  code?: string;
}

export function InboxPage() {
  const { t, roleName, lang, taskTitle } = useApp();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  // Filters live in local state (controls answer at once) and in the URL (links and reloads keep them).
  const [filters, setFilters] = useState(() => ({ kind: params.get('kind') ?? '', customer: params.get('customer') ?? '', overdue: params.get('overdue') ?? '' }));
  const { kind, customer } = filters;
  const overdueOnly = filters.overdue === 'true';
  const tasks = useLoad(() => api<{ tasks: Task[] }>(`/api/tasks${overdueOnly ? '?overdue=true' : ''}`), [overdueOnly]);
  // New work arrives while the page is open; the countdowns move every 30 s anyway.
  const { reload } = tasks;
  useEffect(() => {
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload]);
  // Customer names when the customer API is there; ids otherwise.
  const customers = useLoad(() => api<{ customers: CustomerLite[] }>('/api/customers').catch(() => ({ customers: [] as CustomerLite[] })), []);
  // References people recognise (Q-…, ORD-…, RMA-…) instead of ids; lists the caller may not read stay empty.
  const references = useLoad(async () => {
    const list = <T,>(path: string, key: string) => api<Record<string, T[]>>(path).then((r) => r[key] ?? []).catch(() => [] as T[]);
    const rows = (await Promise.all([list<{ id: string; reference: string }>('/api/quotes?limit=200', 'quotes'), list<{ id: string; reference: string }>('/api/orders?limit=200', 'orders'), list<{ id: string; reference: string }>('/api/rmas?limit=500', 'rmas')])).flat();
    return new Map(rows.map((r) => [r.id, r.reference]));
  }, []);
  const names = useMemo(() => new Map((customers.data?.customers ?? []).map((c) => [c.id, c.name ?? c.code ?? c.id])), [customers.data]);
  const all = tasks.data?.tasks ?? [];
  const kinds = [...new Set(all.map((x) => x.kind))].sort();
  const customerIds = [...new Set(all.map((x) => x.customerId).filter((x): x is string => !!x))];
  const shown = all.filter((x) => (!kind || x.kind === kind) && (!customer || x.customerId === customer));
  const set = (key: keyof typeof filters, value: string) => {
    setFilters({ ...filters, [key]: value });
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <main id="main">
      <h1>{t('inboxTitle')}</h1>
      <form className="filters" aria-label={t('inboxTitle')} onSubmit={(e) => e.preventDefault()}>
        <Field label={t('filterKind')}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => set('kind', e.target.value)}>
              <option value="">{t('filterAll')}</option>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {kindName(k, lang)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('filterCustomer')}>
          {(p) => (
            <select {...p} value={customer} onChange={(e) => set('customer', e.target.value)}>
              <option value="">{t('filterAll')}</option>
              {customerIds.map((c) => (
                <option key={c} value={c}>
                  {names.get(c) ?? c.slice(0, 8)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={overdueOnly} onChange={(e) => set('overdue', e.target.checked ? 'true' : '')} />
          {t('filterOverdue')}
        </label>
        <button type="button" onClick={tasks.reload}>
          {t('refresh')}
        </button>
      </form>
      {tasks.loading && !tasks.data && <Loading />}
      <ErrorBanner error={tasks.error} />
      {tasks.data && shown.length === 0 && <p className="empty">{t('inboxEmpty')}</p>}
      {shown.length > 0 && (
        <table className="data inbox">
          <caption className="sr-only">{t('inboxTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('colTask')}</th>
              <th scope="col">{t('colKind')}</th>
              <th scope="col">{t('colCase')}</th>
              <th scope="col">{t('colCustomer')}</th>
              <th scope="col">{t('colRole')}</th>
              <th scope="col">{t('colDue')}</th>
              <th scope="col">{t('colSla')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((task) => (
              <tr key={task.id} className={task.overdue ? 'overdue' : ''}>
                <td>
                  <Link to={`/tasks/${task.id}`}>{taskTitle(task)}</Link>
                  {task.escalatedAt && <span className="pill warning"> {t('escalated')}</span>}
                  {!task.escalatedAt && task.remindedAt && <span className="pill"> {t('reminded')}</span>}
                </td>
                <td>{kindName(task.kind, lang)}</td>
                <td>
                  <Link to={casePath(task.caseType, task.caseId)}>
                    {caseTypeName(task.caseType, lang)} {references.data?.get(task.caseId) ?? String(task.payload.reference ?? task.caseId.slice(0, 8))}
                  </Link>
                </td>
                <td>{task.customerId ? (names.get(task.customerId) ?? task.customerId.slice(0, 8)) : '—'}</td>
                <td>{roleName(task.role)}</td>
                <td>
                  <When at={task.dueAt} />
                </td>
                <td>
                  <SlaBadge dueAt={task.dueAt} now={now} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
