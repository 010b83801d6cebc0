/**
 * Order, RMA and customer pages. The order and customer APIs are read generically (scalar fields, progress,
 * lots, shipments when present), so the pages keep working while those APIs grow.
 */
import { Link, useParams } from 'react-router';
import { api, type Task } from '../api';
import { useApp } from '../context';
import type { TimelineLine } from '../lib/history';
import { ErrorBanner, KeyValues, Loading, notReady, Section, StatusPill, When, useLoad } from '../components/common';
import { actionWords, stepWords } from '../i18n/codes';
import { OrderStepper } from '../components/order-stepper';
import { AuditActions } from '../components/audit-actions';
import { CaseHeading, CaseSummary, Decisions, Timeline, taskLines, useCaseTasks } from '../components/case-parts';

type Row = Record<string, unknown> & { id: string };

function pick<T = unknown>(value: Record<string, unknown> | undefined, ...keys: string[]): T | undefined {
  for (const k of keys) if (value && value[k] !== undefined && value[k] !== null) return value[k] as T;
  return undefined;
}

/** A list page over `GET /api/<plural>` answering `{ <plural>: [...] }` (or a bare array). */
function CaseList({
  title,
  path,
  listKey,
  to,
}: {
  title: string;
  path: string;
  listKey: string;
  to: (r: Row) => string;
}) {
  const { t } = useApp();
  const list = useLoad(() => api<Record<string, Row[]> | Row[]>(path), [path]);
  const rows = Array.isArray(list.data) ? list.data : (list.data?.[listKey] ?? []);
  const { lang } = useApp();
  return (
    <main id="main">
      <h1>{title}</h1>
      {list.missing && <p className="banner">{t('apiMissing', { path })}</p>}
      {!list.missing && <ErrorBanner error={list.error} />}
      {list.loading && !list.data && <Loading />}
      {list.data && rows.length === 0 && <p className="empty">{t('nothingYet')}</p>}
      {rows.length > 0 && (
        <table className="data cards">
          <thead>
            <tr>
              <th scope="col">{t('colReference')}</th>
              <th scope="col">{t('colStatus')}</th>
              <th scope="col">{t('colQuantity')}</th>
              <th scope="col">{t('colCreated')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td data-label={t('colReference')}>
                  <Link to={to(r)}>{String(pick(r, 'reference', 'name', 'code') ?? r.id.slice(0, 8))}</Link>
                </td>
                <td data-label={t('colStatus')}>
                  <StatusPill status={String(pick(r, 'status', 'stage') ?? '')} />
                </td>
                <td data-label={t('colQuantity')}>
                  {pick<number>(r, 'quantity')?.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en') ?? '—'}
                </td>
                <td data-label={t('colCreated')}>
                  <When at={pick<string>(r, 'createdAt')} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

export const OrderList = () => (
  <CaseList title={useApp().t('orders')} path="/api/orders" listKey="orders" to={(r) => `/orders/${r.id}`} />
);
export const RmaList = () => (
  <CaseList title={useApp().t('rmas')} path="/api/rmas" listKey="rmas" to={(r) => `/rmas/${r.id}`} />
);
export const CustomerList = () => (
  <CaseList
    title={useApp().t('customers')}
    path="/api/customers"
    listKey="customers"
    to={(r) => `/customers/${r.id}`}
  />
);

/** Decisions as the completed tasks of a case tell them. */
function useTaskDecisions() {
  const { t, taskTitle, decision, roleName } = useApp();
  return (tasks: Task[]) =>
    tasks
      .filter((x) => x.status === 'completed')
      .map((x) => ({
        what: `${taskTitle(x)}${t('colon')}${x.decision ? decision(x.decision) : ''}`,
        who: roleName(x.role),
        at: x.completedAt,
        comment: (x.data as { comment?: string } | null)?.comment,
      }));
}

/** Production progress: one bar per step of `[{ step, quantityDone }]` against the order quantity. */
function Progress({ progress, quantity }: { progress: { step: string; quantityDone: number }[]; quantity: number }) {
  const { value } = useApp();
  if (!progress.length) return <p className="hint">—</p>;
  return (
    <ul className="progress-list">
      {progress.map((e) => (
        <li key={e.step}>
          <label>
            {value(e.step)} {e.quantityDone} / {quantity}
            <progress max={Math.max(quantity, 1)} value={Math.min(e.quantityDone, quantity)} />
          </label>
        </li>
      ))}
    </ul>
  );
}

interface OrderDetail {
  id: string;
  reference: string;
  quoteId: string | null;
  customerId: string;
  status: string;
  quantity: number;
  totalFen: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  workflow: {
    stage?: string;
    decisions?: {
      step: string;
      decision: string;
      by: { email: string; role: string } | null;
      at: string;
      comment?: string;
    }[];
    progress?: { step: string; quantityDone: number }[];
    lots?: {
      lotIndex: number;
      lotNumber: string;
      quantity: number;
      status: string;
      rounds?: number;
      passedUnits: number;
      reworkCount?: number;
      scrappedUnits?: number;
      firstPassYield?: number | null;
    }[];
    payment?: Record<string, unknown>;
    refund?: { status: string; refundFen: number | null; paidOutOn?: string | null } | null;
    shipment?: { status: string; carrier: string | null; trackingNumber: string | null };
  } | null;
  timeline: { at: string; action: string; actorRole: string | null; details: unknown }[];
  invoices: { number: string; kind: string; amountFen: number; status: string }[];
  shipments: { status: string; carrier: string | null; trackingNumber: string | null; deliveredAt: string | null }[];
  production: { status: string; quantity: number; producedQuantity: number; lineSlot: string | null } | null;
}

export function OrderPage() {
  const { id = '' } = useParams();
  const { t, lang, user, money: moneyIn, status, roleName, decision: decisionWords, date } = useApp();
  const order = useLoad(() => api<OrderDetail>(`/api/orders/${id}`), [id]);
  const tasks = useCaseTasks(id);
  const taskDecisions = useTaskDecisions();
  const gate = notReady(order);
  if (gate || !order.data) return gate;
  const o = order.data;
  const wf = o.workflow ?? {};
  const money = (m: number) => moneyIn(m, o.currency);
  const stage = wf.stage ?? o.status;
  const shipments = o.shipments.length ? o.shipments : wf.shipment ? [{ ...wf.shipment, deliveredAt: null }] : [];
  const audit: TimelineLine[] = o.timeline.map((e) => ({
    at: e.at,
    source: 'audit',
    text: actionWords(e.action, lang),
    actor: e.actorRole ? roleName(e.actorRole) : null,
    raw: e,
  }));
  const decisions = (wf.decisions ?? []).map((d) => ({
    what: `${stepWords(d.step, lang)}${t('colon')}${decisionWords(d.decision)}`,
    who: d.by ? (d.by.email ? `${d.by.email} (${roleName(d.by.role)})` : roleName(d.by.role)) : t('theWorkflow'),
    at: d.at,
    comment: d.comment,
  }));
  const delivered = stage === 'delivered';
  // The production workflow books "SMT-1 from 2026-11-30": said in the reader's words, the date as a date.
  const lineSlotWords = (slot: string | null) => {
    const m = slot ? /^(.+) from (\d{4}-\d{2}-\d{2})$/.exec(slot) : null;
    return m ? t('lineSlotFrom', { line: m[1], date: date(m[2]) }) : slot;
  };
  return (
    <main id="main">
      <CaseHeading what={t('order')} name={o.reference} status={stage} />
      <OrderStepper order={o} />
      {delivered && user?.role === 'customer' && (
        <p className="actions">
          <Link className="button" to={`/portal/rma?order=${o.id}`}>
            {t('reportProblem')}
          </Link>
        </p>
      )}
      <CaseSummary
        tasks={tasks.data ?? []}
        loading={tasks.loading && !tasks.data}
        facts={{
          quantity: o.quantity,
          totalFen: o.totalFen,
          created: o.createdAt,
          lineSlot: lineSlotWords(o.production?.lineSlot ?? null),
        }}
      >
        {o.quoteId && (
          <p>
            <Link to={`/quotes/${o.quoteId}`}>{t('quote')}</Link>
          </p>
        )}
      </CaseSummary>
      <Section title={t('progress')}>
        <Progress
          progress={
            wf.progress?.length
              ? wf.progress
              : o.production
                ? [{ step: 'assembly', quantityDone: o.production.producedQuantity }]
                : []
          }
          quantity={o.quantity}
        />
        {o.production && <p className="hint">{status(o.production.status)}</p>}
      </Section>
      <Section title={t('inspectionSummary')}>
        {wf.lots?.length ? (
          <table className="data cards">
            <thead>
              <tr>
                <th scope="col">{t('lot')}</th>
                <th scope="col">{t('colStatus')}</th>
                <th scope="col">{t('colQuantity')}</th>
                <th scope="col">{t('lots')}</th>
                <th scope="col">{t('firstPassYield')}</th>
                <th scope="col">{t('reworkCount')}</th>
              </tr>
            </thead>
            <tbody>
              {wf.lots.map((l) => (
                <tr key={l.lotIndex}>
                  <td data-label={t('lot')} translate="no">
                    {l.lotNumber}
                  </td>
                  <td data-label={t('colStatus')}>
                    <StatusPill status={l.status} />
                  </td>
                  <td data-label={t('colQuantity')}>
                    {l.passedUnits} / {l.quantity}
                  </td>
                  {/* A customer's view of a lot has no rounds, yield or rework: shown as not known. */}
                  <td data-label={t('lots')}>{l.rounds ?? '—'}</td>
                  <td data-label={t('firstPassYield')}>
                    {l.firstPassYield == null ? '—' : `${(l.firstPassYield * 100).toFixed(1)} %`}
                  </td>
                  <td data-label={t('reworkCount')}>{l.reworkCount ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="hint">{t('noLotsYet')}</p>
        )}
      </Section>
      <Section title={t('payment')}>
        <KeyValues value={wf.payment ?? null} />
        {/* A cancelled order's approved refund: being paid out, then the day finance paid it (no names). */}
        {wf.refund?.refundFen && (wf.refund.paidOutOn || wf.refund.status === 'approved') ? (
          <p>
            {wf.refund.paidOutOn
              ? t('refundPaidOn', { amount: money(wf.refund.refundFen), date: date(wf.refund.paidOutOn) })
              : t('refundPending', { amount: money(wf.refund.refundFen) })}
          </p>
        ) : null}
        {o.invoices.length > 0 && (
          <ul>
            {o.invoices.map((i) => (
              <li key={i.number}>
                <span translate="no">{i.number}</span> ·{' '}
                {t('invoiceOf', {
                  kind: t(
                    i.kind === 'deposit' ? 'invoiceDeposit' : i.kind === 'balance' ? 'invoiceBalance' : 'invoiceOther',
                  ),
                })}{' '}
                · {money(i.amountFen)} · <StatusPill status={i.status} />
              </li>
            ))}
          </ul>
        )}
      </Section>
      {/* A cancelled order that never shipped has nothing to track: "awaiting release" would promise goods. */}
      {(stage !== 'cancelled' || shipments.some((s) => s.carrier || s.trackingNumber)) && (
        <Section title={t('tracking')}>
          {shipments.length ? (
            shipments.map((s, i) => (
              <p key={i}>
                <StatusPill status={s.status} /> {s.carrier ?? ''}{' '}
                {s.trackingNumber ? <strong translate="no">{s.trackingNumber}</strong> : null}{' '}
                {s.deliveredAt ? <When at={s.deliveredAt} /> : null}
              </p>
            ))
          ) : (
            <p className="hint">{t('notShippedYet')}</p>
          )}
        </Section>
      )}
      <Decisions rows={decisions.length ? decisions : taskDecisions(tasks.data ?? [])} />
      <Timeline
        workflowId={`order:${o.id}`}
        casePathApi={`/api/orders/${o.id}`}
        lines={[...audit, ...taskLines(tasks.data ?? [], lang)]}
      />
    </main>
  );
}

interface RmaTimelineEntry {
  at: string;
  kind: string;
  step?: string;
  title: string;
  actorId: string | null;
  actorRole: string | null;
  detail?: Record<string, unknown>;
}

/** The customer's view of an RMA (`services/rma/customer-view.ts`) as labelled facts: its stage in the reader's words, tracking as one line. */
function customerFacts(r: Row, lang: 'en' | 'zh'): Row {
  const {
    stage: _stage,
    stageLabel,
    awaitingYou: _awaiting,
    tracking,
    ...rest
  } = r as Row & {
    stageLabel?: { en: string; zh: string };
    tracking?: { carrier: string; trackingNumber: string } | null;
  };
  return {
    stage: stageLabel?.[lang] ?? null,
    ...rest,
    tracking: tracking ? `${tracking.carrier} ${tracking.trackingNumber}` : null,
  };
}

export function RmaPage() {
  const { id = '' } = useParams();
  const { t, lang, user, roleName, decision: decisionWords, money } = useApp();
  const staff = user?.role !== 'customer';
  const rma = useLoad(
    () => api<Row & { state?: Record<string, unknown>; units?: Row[]; workflowId?: string | null }>(`/api/rmas/${id}`),
    [id],
  );
  const tasks = useLoad(
    () =>
      api<{ tasks: Task[] }>(`/api/rmas/${id}/tasks`).then((r) =>
        r.tasks.map((x) => ({ ...x, status: 'open', createdAt: x.createdAt ?? '' }) as Task),
      ),
    [id],
  );
  const timeline = useLoad(() => api<{ timeline: RmaTimelineEntry[] }>(`/api/rmas/${id}/timeline`), [id]);
  // The penalty ledger is staff-only: customers never ask for it (a 403 is not a state to retry).
  const penalties = useLoad(
    () =>
      staff
        ? api<{ entries: Row[]; totalFen: number; currency: string }>(`/api/rmas/${id}/penalties`)
        : Promise.resolve(null),
    [id, staff],
  );
  const gate = notReady(rma);
  if (gate || !rma.data) return gate;
  const r = rma.data;
  const entries = timeline.data?.timeline ?? [];
  // A customer's timeline is the case's milestones, each titled "English / 中文" by the API (no staff, no data).
  const milestone = (e: RmaTimelineEntry) => e.title.split(' / ')[lang === 'zh' ? 1 : 0] ?? e.title;
  const step = (e: RmaTimelineEntry) => (!staff ? milestone(e) : e.step ? stepWords(e.step, lang) : e.title);
  const lines: TimelineLine[] = entries.map((e) => {
    const decision = (e.detail as { decision?: string } | undefined)?.decision;
    const text =
      e.kind === 'task_opened'
        ? t('taskOpenedFor', { role: roleName(e.actorRole ?? ''), step: step(e) })
        : e.kind === 'task_completed'
          ? `${step(e)}${decision ? `: ${decisionWords(decision)}` : ''}`
          : e.kind === 'penalty'
            ? t('penaltyLine', {
                amount: money(Number((e.detail as { amountFen?: number }).amountFen ?? 0)),
                days: Number((e.detail as { daysLate?: number }).daysLate ?? 0),
              })
            : e.kind === 'task_cancelled'
              ? t('taskCancelledLine', { step: step(e) })
              : actionWords(e.title, lang);
    return {
      at: e.at,
      source: e.kind === 'audit' ? 'audit' : 'task',
      text,
      actor: e.actorRole ? roleName(e.actorRole) : null,
      tone: e.kind === 'penalty' ? 'error' : 'normal',
      raw: e,
    };
  });
  const decisions = entries
    .filter((e) => e.kind === 'task_completed')
    .map((e) => {
      const decision = (e.detail as { decision?: string } | undefined)?.decision;
      return {
        what: decision ? `${step(e)}${t('colon')}${decisionWords(decision)}` : step(e),
        who: e.actorRole ? roleName(e.actorRole) : t('theFactory'),
        at: e.at,
      };
    });
  // Who the case waits on: the open tasks the caller may open, and (for customers) the staff steps still open.
  const closed = new Set(
    entries.filter((e) => e.kind === 'task_completed' || e.kind === 'task_cancelled').map((e) => `${e.step}`),
  );
  const listed = new Set((tasks.data ?? []).map((x) => x.step));
  const others = entries
    .filter((e) => e.kind === 'task_opened' && e.step && !closed.has(e.step) && !listed.has(e.step))
    .map(
      (e) =>
        ({
          id: '',
          step: e.step ?? '',
          kind: '',
          title: e.title,
          role: e.actorRole ?? '',
          status: 'open',
          createdAt: e.at,
          dueAt: (e.detail as { dueAt?: string | null } | undefined)?.dueAt ?? null,
          label: step(e),
        }) as unknown as Task & { label: string },
    );
  const waiting = [
    ...(tasks.data ?? []).map((x) => ({ ...x, createdAt: x.createdAt || String(r.updatedAt ?? r.createdAt) })),
    ...others,
  ];
  return (
    <main id="main">
      <CaseHeading what={t('rma')} name={String(r.reference ?? '')} status={String(r.status)} />
      <CaseSummary
        tasks={waiting}
        loading={(tasks.loading && !tasks.data) || (timeline.loading && !timeline.data)}
        facts={staff ? r : customerFacts(r, lang)}
        omit={['state', 'units', 'id', 'workflowId', 'customerId', 'reference', 'status']}
      />
      {r.units && r.units.length > 0 && (
        <Section title={t('units')}>
          {r.units.map((u) => (
            <KeyValues key={u.id} value={u} omit={['id']} />
          ))}
        </Section>
      )}
      {penalties.data && penalties.data.entries.length > 0 && (
        <Section title={t('penaltyLedger')}>
          <p>
            {t('total')}
            {t('colon')}
            {money(penalties.data.totalFen, penalties.data.currency)}
          </p>
        </Section>
      )}
      <Decisions rows={decisions} />
      <Timeline workflowId={r.workflowId ?? null} casePathApi={`/api/rmas/${id}`} lines={lines} />
    </main>
  );
}

interface CustomerDetail {
  id: string;
  code: string;
  name: string;
  status: string;
  currency: string;
  paymentTerms: { kind: string | null; creditLimitFen: number | null; approvedBy: string | null };
  isKeyCustomer: boolean;
  address: string | null;
  workflowId: string | null;
  contacts: { name: string; email: string | null; phone: string | null; primary: boolean }[];
  audits: {
    id: string;
    visitedOn: string | null;
    result: string | null;
    auditors: string | null;
    notes: string | null;
  }[];
  correctiveActions: { id: string; description: string; dueOn: string; status: string; closedAt: string | null }[];
  onboarding: {
    status: string;
    step: string;
    visitOn: string | null;
    reauditFrom?: string | null;
    decisions: {
      step: string;
      decision: string;
      by?: { email?: string; role?: string } | null;
      at: string;
      comment?: string;
    }[];
  } | null;
}

export function CustomerPage() {
  const { id = '' } = useParams();
  const { t, lang, money, roleName, decision: decisionWords, date, value } = useApp();
  const taskDecisions = useTaskDecisions();
  const customer = useLoad(() => api<CustomerDetail>(`/api/customers/${id}`), [id]);
  const tasks = useCaseTasks(id);
  const quotes = useLoad(
    () => api<{ quotes: Row[] }>(`/api/quotes?customerId=${id}`).catch(() => ({ quotes: [] as Row[] })),
    [id],
  );
  const orders = useLoad(
    () => api<{ orders: Row[] }>(`/api/orders?customerId=${id}`).catch(() => ({ orders: [] as Row[] })),
    [id],
  );
  const rmas = useLoad(
    () => api<{ rmas: Row[] }>(`/api/rmas?customerId=${id}`).catch(() => ({ rmas: [] as Row[] })),
    [id],
  );
  const gate = notReady(customer);
  if (gate || !customer.data) return gate;
  const c = customer.data;
  const decisions = (c.onboarding?.decisions ?? []).map((d) => ({
    what: `${stepWords(d.step, lang)}${t('colon')}${decisionWords(d.decision)}`,
    who: d.by?.email ? `${d.by.email} (${roleName(d.by.role ?? '')})` : '—',
    at: d.at,
    comment: d.comment,
  }));
  const caseLinks = (rows: Row[], base: string) =>
    rows.length === 0 ? (
      <p className="hint">{t('nothingYet')}</p>
    ) : (
      <ul>
        {rows.map((q) => (
          <li key={q.id}>
            <Link to={`${base}/${q.id}`}>{String(q.reference)}</Link> <StatusPill status={String(q.status)} />
          </li>
        ))}
      </ul>
    );
  return (
    <main id="main">
      <CaseHeading what={t('customer')} name={c.name} status={c.onboarding?.status ?? c.status} />
      <CaseSummary
        tasks={tasks.data ?? []}
        loading={tasks.loading && !tasks.data}
        facts={{
          code: c.code,
          paymentTerms: c.paymentTerms.kind ? value(c.paymentTerms.kind) : null,
          // A prepaying customer has no credit line: no limit to show (it reads "0.00 元" otherwise).
          creditLimit:
            c.paymentTerms.creditLimitFen === null || c.paymentTerms.kind === 'prepay'
              ? null
              : money(c.paymentTerms.creditLimitFen, c.currency),
          keyCustomer: c.isKeyCustomer,
          address: c.address,
          auditVisit: c.onboarding?.visitOn ?? null,
        }}
      >
        {c.contacts.length > 0 && (
          <ul>
            {c.contacts.map((p) => (
              <li key={`${p.name}-${p.email}`}>
                {p.name} {p.email ? <a href={`mailto:${p.email}`}>{p.email}</a> : null} {p.phone ?? ''}{' '}
                {p.primary ? '★' : ''}
              </li>
            ))}
          </ul>
        )}
      </CaseSummary>
      <AuditActions
        customerId={c.id}
        status={c.onboarding?.status ?? null}
        reauditFrom={c.onboarding?.reauditFrom ?? null}
        onDone={() => {
          customer.reload();
          tasks.reload();
        }}
      >
        {(c.audits.length > 0 || c.correctiveActions.length > 0) && (
          <>
            <ul>
              {c.audits.map((a) => (
                <li key={a.id}>
                  {date(a.visitedOn)} · <StatusPill status={a.result ?? 'scheduled'} /> {a.auditors ?? ''}{' '}
                  {a.notes ? `— ${a.notes}` : ''}
                </li>
              ))}
            </ul>
            {c.correctiveActions.length > 0 && (
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t('what')}</th>
                    <th scope="col">{t('colDue')}</th>
                    <th scope="col">{t('colStatus')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.correctiveActions.map((a) => (
                    <tr key={a.id}>
                      <td>{a.description}</td>
                      <td>{date(a.dueOn)}</td>
                      <td>
                        <StatusPill status={a.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </AuditActions>
      <Section title={t('quotes')}>{caseLinks(quotes.data?.quotes ?? [], '/quotes')}</Section>
      <Section title={t('orders')}>{caseLinks(orders.data?.orders ?? [], '/orders')}</Section>
      <Section title={t('rmas')}>{caseLinks(rmas.data?.rmas ?? [], '/rmas')}</Section>
      <Decisions rows={decisions.length ? decisions : taskDecisions(tasks.data ?? [])} />
      <Timeline
        workflowId={c.workflowId}
        casePathApi={`/api/customers/${id}`}
        lines={taskLines(tasks.data ?? [], lang)}
      />
    </main>
  );
}
