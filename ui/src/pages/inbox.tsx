/**
 * The inbox: open tasks for my role, one page at a time, sorted, searched and filtered by the server
 * (`GET /api/tasks` joins the case reference, customer and amount), with SLA countdowns, claim / let go, and
 * filters saved in the browser.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, casePath, type Task, type TaskKind } from '../api';
import { OVERSEERS, useApp } from '../context';
import { ErrorBanner, Field, Loading, SlaBadge, When, useLoad, useNow } from '../components/common';
import { caseTypeName, kindName } from '../i18n/server-texts';
import { currentTaskKind } from '../../../domain/tasks/kind-names';

const PAGE_SIZE = 50;
const SAVED_KEY = 'smt.inbox.saved';
/** The URL parameters that make a filter (the page number is not part of a saved filter). */
const FILTER_KEYS = ['q', 'kind', 'customerId', 'overdue', 'assignee', 'sort', 'dir'] as const;

interface CustomerLite {
  id: string;
  name?: string;
  code?: string;
}

interface SavedFilter {
  name: string;
  query: string;
}

/** A filter saved before the task kinds were renamed names the kind by its old name. */
function withCurrentKind(query: string): string {
  const params = new URLSearchParams(query);
  const kind = params.get('kind');
  if (!kind || currentTaskKind(kind) === kind) return query;
  params.set('kind', currentTaskKind(kind));
  return params.toString();
}

function loadSaved(): SavedFilter[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(SAVED_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed)
      ? (parsed as SavedFilter[])
          .filter((f) => typeof f?.name === 'string' && typeof f?.query === 'string')
          .map((f) => ({ ...f, query: withCurrentKind(f.query) }))
      : [];
  } catch {
    return [];
  }
}

export function InboxPage() {
  const { t, roleName, lang, taskTitle, money, user } = useApp();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const get = (key: string) => params.get(key) ?? '';
  const page = Math.max(0, Number(get('page') || 0));
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) if (get(key)) query.set(key, get(key));
  query.set('limit', String(PAGE_SIZE));
  query.set('offset', String(page * PAGE_SIZE));
  const queryText = query.toString();
  const tasks = useLoad(() => api<{ tasks: Task[]; total: number }>(`/api/tasks?${queryText}`), [queryText]);
  const kinds = useLoad(() => api<TaskKind[]>('/api/task-kinds'), []);
  // Customer names for the filter; roles that may not list customers simply get no list.
  const customers = useLoad(
    () => api<{ customers: CustomerLite[] }>('/api/customers').catch(() => ({ customers: [] as CustomerLite[] })),
    [],
  );
  const [search, setSearch] = useState(get('q'));
  const [saved, setSaved] = useState<SavedFilter[]>(loadSaved);
  const [saveName, setSaveName] = useState('');
  const [claimError, setClaimError] = useState<unknown>(null);
  // New work arrives while the page is open; a failing request is shown, not repeated behind the person's back.
  const { reload } = tasks;
  const failed = !!tasks.error;
  useEffect(() => {
    if (failed) return;
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload, failed]);

  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };
  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    set({ q: search.trim() });
  };
  const filterQuery = () => {
    const f = new URLSearchParams();
    for (const key of FILTER_KEYS) if (get(key)) f.set(key, get(key));
    return f.toString();
  };
  const saveFilter = () => {
    const name = saveName.trim();
    if (!name) return;
    const next = [...saved.filter((f) => f.name !== name), { name, query: filterQuery() }];
    localStorage.setItem(SAVED_KEY, JSON.stringify(next));
    setSaved(next);
    setSaveName('');
  };
  const applySaved = (name: string) => {
    const found = saved.find((f) => f.name === name);
    if (!found) return;
    setSearch(new URLSearchParams(found.query).get('q') ?? '');
    setParams(new URLSearchParams(found.query), { replace: true });
  };
  const deleteSaved = (name: string) => {
    const next = saved.filter((f) => f.name !== name);
    localStorage.setItem(SAVED_KEY, JSON.stringify(next));
    setSaved(next);
  };
  const assign = async (task: Task, assigneeId: string | null) => {
    setClaimError(null);
    try {
      await api(`/api/tasks/${task.id}/assign`, { body: { assigneeId } });
      reload();
    } catch (e) {
      setClaimError(e instanceof ApiError && e.status === 409 ? new Error(t('claimTaken')) : e);
      reload();
    }
  };

  const rows = tasks.data?.tasks ?? [];
  const total = tasks.data?.total ?? 0;
  const kindOptions = [...(kinds.data ?? []).map((k) => k.kind)].sort((a, b) =>
    kindName(a, lang).localeCompare(kindName(b, lang)),
  );
  const canAssign = user?.role !== 'customer';
  const overseer = OVERSEERS.includes(user?.role ?? '');

  return (
    <main id="main">
      <h1>{t('inboxTitle')}</h1>
      <form className="filters" aria-label={t('inboxFilters')} onSubmit={submitSearch}>
        <Field label={t('search')}>
          {(p) => (
            <input
              {...p}
              type="search"
              value={search}
              placeholder={t('searchHint')}
              onChange={(e) => setSearch(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('filterKind')}>
          {(p) => (
            <select {...p} value={get('kind')} onChange={(e) => set({ kind: e.target.value })}>
              <option value="">{t('filterAll')}</option>
              {kindOptions.map((k) => (
                <option key={k} value={k}>
                  {kindName(k, lang)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('filterCustomer')}>
          {(p) => (
            <select {...p} value={get('customerId')} onChange={(e) => set({ customerId: e.target.value })}>
              <option value="">{t('filterAll')}</option>
              {(customers.data?.customers ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name ?? c.code ?? c.id.slice(0, 8)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('filterAssignee')}>
          {(p) => (
            <select {...p} value={get('assignee')} onChange={(e) => set({ assignee: e.target.value })}>
              <option value="">{t('filterAll')}</option>
              <option value="me">{t('assigneeMe')}</option>
              <option value="none">{t('assigneeNone')}</option>
            </select>
          )}
        </Field>
        <Field label={t('sortBy')}>
          {(p) => (
            <select
              {...p}
              value={`${get('sort') || 'due'}:${get('dir') || 'asc'}`}
              onChange={(e) => set({ sort: e.target.value.split(':')[0], dir: e.target.value.split(':')[1] })}
            >
              <option value="due:asc">{t('sortDue')}</option>
              <option value="created:asc">{t('sortOldest')}</option>
              <option value="created:desc">{t('sortNewest')}</option>
              <option value="amount:desc">{t('sortAmount')}</option>
              <option value="customer:asc">{t('sortCustomer')}</option>
              <option value="reference:asc">{t('sortReference')}</option>
            </select>
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={get('overdue') === 'true'}
            onChange={(e) => set({ overdue: e.target.checked ? 'true' : '' })}
          />
          {t('filterOverdue')}
        </label>
        <button type="submit" className="primary">
          {t('search')}
        </button>
        <button type="button" onClick={tasks.reload}>
          {t('refresh')}
        </button>
      </form>
      <div className="filters saved" role="group" aria-label={t('savedFilters')}>
        {saved.length > 0 && (
          <Field label={t('savedFilters')}>
            {(p) => (
              <select {...p} value="" onChange={(e) => applySaved(e.target.value)}>
                <option value="">—</option>
                {saved.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t('saveFilterAs')}>
          {(p) => <input {...p} value={saveName} maxLength={60} onChange={(e) => setSaveName(e.target.value)} />}
        </Field>
        <button type="button" disabled={!saveName.trim()} onClick={saveFilter}>
          {t('saveFilter')}
        </button>
        {saved.map((f) => (
          <button key={f.name} type="button" className="danger" onClick={() => deleteSaved(f.name)}>
            {t('deleteFilter', { name: f.name })}
          </button>
        ))}
      </div>
      {tasks.loading && !tasks.data && <Loading />}
      <ErrorBanner error={tasks.error ?? claimError} />
      {tasks.data && rows.length === 0 && <p className="empty">{t('inboxEmpty')}</p>}
      {rows.length > 0 && (
        <>
          <p className="hint" aria-live="polite">
            {t('pageOf', {
              from: page * PAGE_SIZE + 1,
              to: page * PAGE_SIZE + rows.length,
              total: total.toLocaleString(),
            })}
          </p>
          <table className="data inbox cards">
            <caption className="sr-only">{t('inboxTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colTask')}</th>
                <th scope="col">{t('colCase')}</th>
                <th scope="col">{t('colCustomer')}</th>
                <th scope="col">{t('colAmount')}</th>
                <th scope="col">{t('colRole')}</th>
                <th scope="col">{t('colAssignee')}</th>
                <th scope="col">{t('colDue')}</th>
                <th scope="col">{t('colSla')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((task) => {
                const mine = task.assigneeId === user?.id;
                return (
                  <tr key={task.id} className={task.overdue ? 'overdue' : ''}>
                    <td data-label={t('colTask')}>
                      <Link to={`/tasks/${task.id}`}>{taskTitle(task)}</Link>
                      <br />
                      <span className="hint">{kindName(task.kind, lang)}</span>
                      {task.escalatedAt && <span className="pill warning"> {t('escalated')}</span>}
                      {!task.escalatedAt && task.remindedAt && <span className="pill"> {t('reminded')}</span>}
                    </td>
                    <td data-label={t('colCase')}>
                      <Link to={casePath(task.caseType, task.caseId)}>
                        {caseTypeName(task.caseType, lang)}{' '}
                        <span translate="no">
                          {task.caseReference ?? String(task.payload.reference ?? task.caseId.slice(0, 8))}
                        </span>
                      </Link>
                    </td>
                    <td data-label={t('colCustomer')}>{task.customerName ?? '—'}</td>
                    <td data-label={t('colAmount')} className="num">
                      {task.amountFen === null || task.amountFen === undefined ? '—' : money(task.amountFen)}
                    </td>
                    <td data-label={t('colRole')}>{roleName(task.role)}</td>
                    <td data-label={t('colAssignee')}>
                      {task.assigneeName ?? '—'}{' '}
                      {canAssign && !task.assigneeId && (
                        <button type="button" onClick={() => void assign(task, user?.id ?? null)}>
                          {t('claim')}
                        </button>
                      )}
                      {canAssign && task.assigneeId && (mine || overseer) && (
                        <button type="button" onClick={() => void assign(task, null)}>
                          {t('release')}
                        </button>
                      )}
                    </td>
                    <td data-label={t('colDue')}>
                      <When at={task.dueAt} />
                    </td>
                    <td data-label={t('colSla')}>
                      <SlaBadge dueAt={task.dueAt} now={now} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <nav className="actions" aria-label={t('pages')}>
            <button type="button" disabled={page === 0} onClick={() => set({ page: String(page - 1) })}>
              ← {t('previousPage')}
            </button>
            <button
              type="button"
              disabled={(page + 1) * PAGE_SIZE >= total}
              onClick={() => set({ page: String(page + 1) })}
            >
              {t('nextPage')} →
            </button>
          </nav>
        </>
      )}
    </main>
  );
}
