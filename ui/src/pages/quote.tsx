/** Quote pages: the list, and one quote with its analysis, checklist findings, price, tasks, decisions, timeline. */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, upload } from '../api';
import { useApp } from '../context';
import { formatMinor } from '../lib/money';
import { ErrorBanner, Field, KeyValues, Loading, Section, StatusPill, When, humanize, useLoad } from '../components/common';
import { Decisions, Timeline, taskLines, useCaseTasks, WaitingOn } from '../components/case-parts';

export interface QuoteSummary {
  id: string;
  reference: string;
  customerId: string;
  status: string;
  revision: number;
  quantity: number;
  currency: string;
  validUntil: string | null;
  createdAt: string;
}

interface Issue {
  code: string;
  severity: string;
  message: string;
  file?: string;
  row?: number;
  designator?: string;
}

interface LineItem {
  category: string;
  code: string;
  description: string;
  quantity: number;
  unit: string;
  unitPriceFen: number;
  totalFen: number;
}

interface QuoteDetail extends QuoteSummary {
  workflowId: string | null;
  options: Record<string, unknown>;
  analysis: { revision: number; board: Record<string, unknown> | null; drill: Record<string, unknown> | null; bom: Record<string, unknown> | null; placement: Record<string, unknown> | null; issues: Issue[]; refused: unknown } | null;
  revisions: {
    revision: number;
    quantity: number;
    totalMinor: number | null;
    autoQuoteAllowed: boolean | null;
    note: string | null;
    price: { currency: string; lineItems: LineItem[]; subtotals: Record<string, number>; totalMinor: number; perBoardMinor: number; quantityBreaks: { quantity: number; totalFen: number; perBoardFen: number }[]; reviewReasons: string[]; validUntil: string } | null;
    files: { id: string; download: string; kind: string; name: string; sha256: string; bytes: number }[];
    pdf: string | null;
  }[];
  workflow: {
    stage: string;
    decisions: { step: string; revision: number; decision: string; by: { email: string; role: string }; at: string; comment?: string }[];
    deadlines: { slaDueAt: string | null; expiresAt: string | null };
    reviewReasons: string[];
  } | null;
}

export function QuoteList() {
  const { t, lang } = useApp();
  const quotes = useLoad(() => api<{ quotes: QuoteSummary[] }>('/api/quotes'), []);
  if (quotes.missing) return <p className="banner">{t('apiMissing', { path: '/api/quotes' })}</p>;
  return (
    <main id="main">
      <h1>{t('quotes')}</h1>
      <ErrorBanner error={quotes.error} />
      {quotes.loading && !quotes.data && <Loading />}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">{t('colReference')}</th>
            <th scope="col">{t('colStatus')}</th>
            <th scope="col">{t('colQuantity')}</th>
            <th scope="col">{t('revision')}</th>
            <th scope="col">{t('colCreated')}</th>
          </tr>
        </thead>
        <tbody>
          {quotes.data?.quotes.map((q) => (
            <tr key={q.id}>
              <td>
                <Link to={`/quotes/${q.id}`}>{q.reference}</Link>
              </td>
              <td>
                <StatusPill status={q.status} />
              </td>
              <td>{q.quantity.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}</td>
              <td>{q.revision}</td>
              <td>
                <When at={q.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

export function Findings({ issues }: { issues: Issue[] }) {
  const { t } = useApp();
  if (!issues.length) return <p>{t('noFindings')}</p>;
  return (
    <table className="data findings">
      <thead>
        <tr>
          <th scope="col">{t('severity')}</th>
          <th scope="col">{t('code')}</th>
          <th scope="col">{t('message')}</th>
        </tr>
      </thead>
      <tbody>
        {issues.map((i, n) => (
          <tr key={n} className={`sev-${i.severity}`}>
            <td>
              <span className={`pill sev-${i.severity}`}>{i.severity}</span>
            </td>
            <td>
              <code>{i.code}</code>
            </td>
            <td>
              {i.message}
              {i.file ? <span className="hint"> · {i.file}</span> : null}
              {i.row ? <span className="hint"> · {t('row', { n: i.row })}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PriceBreakdown({ price }: { price: NonNullable<QuoteDetail['revisions'][number]['price']> }) {
  const { t, lang } = useApp();
  const money = (m: number) => formatMinor(m, price.currency, lang);
  return (
    <>
      <table className="data price">
        <thead>
          <tr>
            <th scope="col">{t('lineCode')}</th>
            <th scope="col">{t('lineDescription')}</th>
            <th scope="col">{t('lineQuantity')}</th>
            <th scope="col">{t('unitPrice', { currency: price.currency })}</th>
            <th scope="col">{t('lineTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {price.lineItems.map((l) => (
            <tr key={l.code}>
              <td>
                <code>{l.code}</code>
              </td>
              <td>{l.description}</td>
              <td>
                {l.quantity} {l.unit}
              </td>
              <td className="num">{money(l.unitPriceFen)}</td>
              <td className="num">{money(l.totalFen)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={4}>
              {t('total')}
            </th>
            <td className="num total">{money(price.totalMinor)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={4}>
              {t('perBoard')}
            </th>
            <td className="num">{money(price.perBoardMinor)}</td>
          </tr>
        </tfoot>
      </table>
      {price.quantityBreaks?.length > 0 && (
        <p>
          {t('quantityBreaks')}: {price.quantityBreaks.map((b) => `${b.quantity} → ${money(b.perBoardFen)}`).join(' · ')}
        </p>
      )}
      {price.validUntil && (
        <p>
          {t('validUntil')}: {price.validUntil}
        </p>
      )}
    </>
  );
}

/** The customer's (or sales') answer to an issued quote. */
function CustomerDecision({ quote, onDone }: { quote: QuoteDetail; onDone: () => void }) {
  const { t } = useApp();
  const [comment, setComment] = useState('');
  const [quantity, setQuantity] = useState('');
  const [files, setFiles] = useState<FileList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (decision: 'accept' | 'revise' | 'reject') => {
    setError(null);
    setFieldError(null);
    setBusy(true);
    try {
      if (decision === 'revise' && files?.length) {
        const form = new FormData();
        form.append('gerber', files[0]);
        if (comment.trim()) form.append('comment', comment.trim());
        if (quantity.trim()) form.append('quantity', quantity.trim());
        await upload(`/api/quotes/${quote.id}/revisions`, form, () => undefined);
      } else {
        const body: Record<string, unknown> = { decision };
        if (comment.trim()) body.comment = comment.trim();
        if (decision === 'revise' && quantity.trim()) body.quantity = Number(quantity);
        await api(`/api/quotes/${quote.id}/decision`, { body });
      }
      setSent(decision);
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.field) setFieldError({ field: e.field, message: e.message });
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (sent) return <p role="status" className="banner success">{t('decisionSent')}</p>;
  return (
    <Section title={t('yourDecision')}>
      <form onSubmit={(e) => e.preventDefault()} aria-label={t('yourDecision')}>
        <Field label={t('comment')} error={fieldError?.field === 'comment' ? fieldError.message : null}>
          {(p) => <textarea {...p} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />}
        </Field>
        <div className="row">
          <Field label={t('newQuantity')} error={fieldError?.field === 'quantity' ? fieldError.message : null}>
            {(p) => <input {...p} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} />}
          </Field>
          <Field label={t('rfqGerber')} error={fieldError?.field === 'gerber' ? fieldError.message : null}>
            {(p) => <input {...p} type="file" accept=".zip" onChange={(e) => setFiles(e.target.files)} />}
          </Field>
        </div>
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void decide('accept')}>
            {t('accept')}
          </button>
          <button type="button" disabled={busy} onClick={() => void decide('revise')}>
            {t('revise')}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void decide('reject')}>
            {t('rejectQuote')}
          </button>
        </div>
      </form>
    </Section>
  );
}

export function QuotePage() {
  const { id = '' } = useParams();
  const { t, lang, user } = useApp();
  const quote = useLoad(() => api<QuoteDetail>(`/api/quotes/${id}`), [id]);
  const tasks = useCaseTasks(id);
  // While the workflow analyses or issues, the page follows it without a manual refresh.
  const busyStage = !quote.data || ['analysing', 'issuing'].includes(quote.data.workflow?.stage ?? quote.data.status);
  const { reload: reloadQuote } = quote;
  const { reload: reloadTasks } = tasks;
  useEffect(() => {
    if (!busyStage) return;
    const timer = setInterval(() => {
      reloadQuote();
      reloadTasks();
    }, 1500);
    return () => clearInterval(timer);
  }, [busyStage, reloadQuote, reloadTasks]);
  if (quote.loading && !quote.data) return <Loading />;
  if (quote.missing) return <p className="banner">{t('notFound')}</p>;
  if (quote.error || !quote.data) return <ErrorBanner error={quote.error} />;
  const q = quote.data;
  const current = q.revisions.find((r) => r.revision === q.revision) ?? q.revisions[q.revisions.length - 1];
  const stage = q.workflow?.stage ?? q.status;
  const canDecide = stage === 'awaiting_customer' && (user?.role === 'customer' || user?.role === 'sales' || user?.role === 'sales_manager');
  // The workflow's own record names the person; once it has closed, the completed tasks still tell role and time.
  const decisions = q.workflow?.decisions?.length
    ? q.workflow.decisions.map((d) => ({ what: `${humanize(d.step)}: ${d.decision}`, who: `${d.by.email} (${d.by.role})`, at: d.at, comment: d.comment }))
    : (tasks.data ?? [])
        .filter((x) => x.status === 'completed')
        .map((x) => ({ what: `${x.title}: ${x.decision ?? ''}`, who: humanize(x.role), at: x.completedAt, comment: (x.data as { comment?: string } | null)?.comment }));
  const refresh = () => {
    quote.reload();
    tasks.reload();
  };
  return (
    <main id="main">
      <h1>
        {t('quote')} {q.reference} <StatusPill status={stage} />
      </h1>
      <div className="card">
        <WaitingOn tasks={tasks.data ?? []} />
        <KeyValues value={{ quantity: current?.quantity ?? q.quantity, revision: q.revision, currency: q.currency, validUntil: q.validUntil, created: new Date(q.createdAt).toLocaleString(), ...q.options }} />
      </div>
      {canDecide && <CustomerDecision quote={q} onDone={refresh} />}
      <Section title={t('files')}>
        <ul>
          {q.revisions.flatMap((r) =>
            r.files.map((f) => (
              <li key={`${r.revision}-${f.kind}`}>
                r{r.revision} · {f.kind}:{' '}
                <a href={f.download} download={f.name}>
                  {f.name}
                </a>{' '}
                <span className="hint">({(f.bytes / 1024).toFixed(0)} KiB, sha256 {f.sha256.slice(0, 12)}…)</span>
              </li>
            )),
          )}
          {q.revisions
            .filter((r) => r.pdf)
            .map((r) => (
              <li key={`pdf-${r.revision}`}>
                <a href={r.pdf as string} download>
                  {t('download')} PDF r{r.revision}
                </a>
              </li>
            ))}
        </ul>
      </Section>
      <Section title={t('analysis')}>
        {q.analysis ? (
          <>
            <KeyValues value={q.analysis.board} />
            <h3>{t('findings')}</h3>
            <Findings issues={q.analysis.issues} />
          </>
        ) : (
          <p className="hint">{t('loading')}</p>
        )}
      </Section>
      <Section title={t('priceBreakdown')}>
        {current?.price ? <PriceBreakdown price={current.price} /> : <p className="hint">—</p>}
        {current?.price?.reviewReasons?.length ? (
          <div className="banner warning">
            <strong>{t('reviewReasons')}:</strong>
            <ul>
              {current.price.reviewReasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {current?.totalMinor != null && !current.price && <p>{formatMinor(current.totalMinor, q.currency, lang)}</p>}
      </Section>
      <Decisions rows={decisions} />
      <Timeline workflowId={q.workflowId} casePathApi={`/api/quotes/${q.id}`} lines={taskLines(tasks.data ?? [], lang)} />
    </main>
  );
}
