/** Quote pages: the list, and one quote with its analysis, checklist findings, price, tasks, decisions, timeline. */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, upload } from '../api';
import { useApp } from '../context';
import { CHECKLIST, FILE_KINDS, SEVERITY, stepWords, wordsOf } from '../i18n/codes';
import { ReviewReasons } from '../components/task-forms/price-review';
import { PriceTable, type LineItem } from '../components/price-table';
import {
  ErrorBanner,
  Field,
  FileInput,
  Loading,
  notReady,
  Section,
  StatusPill,
  When,
  useLoad,
} from '../components/common';
import { CaseHeading, CaseSummary, Decisions, Timeline, taskLines, useCaseTasks } from '../components/case-parts';

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

interface QuoteDetail extends QuoteSummary {
  workflowId: string | null;
  options: Record<string, unknown>;
  analysis: {
    revision: number;
    board: {
      widthMm: number;
      heightMm: number;
      areaCm2: number;
      copperLayers: number;
      sizeFrom?: string | null;
    } | null;
    drill: Record<string, unknown> | null;
    bom: Record<string, unknown> | null;
    placement: Record<string, unknown> | null;
    issues: Issue[];
    refused: unknown;
  } | null;
  revisions: {
    revision: number;
    quantity: number;
    totalFen: number | null;
    autoQuoteAllowed: boolean | null;
    note: string | null;
    price: {
      currency: string;
      lineItems: LineItem[];
      subtotals: Record<string, number>;
      totalFen: number;
      perBoardFen: number;
      quantityBreaks: { quantity: number; totalFen: number; perBoardFen: number }[];
      reviewReasons: string[];
      validUntil: string;
    } | null;
    files: { id: string; download: string; kind: string; name: string; sha256: string; bytes: number }[];
    pdf: string | null;
  }[];
  workflow: {
    stage: string;
    decisions: {
      step: string;
      revision: number;
      decision: string;
      by: { email: string; role: string };
      at: string;
      comment?: string;
    }[];
    deadlines: { slaDueAt: string | null; expiresAt: string | null };
    reviewReasons: string[];
  } | null;
}

export function QuoteList() {
  const { t, lang } = useApp();
  const quotes = useLoad(() => api<{ quotes: QuoteSummary[] }>('/api/quotes'), []);
  return (
    <main id="main">
      <h1>{t('quotes')}</h1>
      <ErrorBanner error={quotes.error} />
      {quotes.loading && !quotes.data && <Loading />}
      {quotes.data && quotes.data.quotes.length === 0 && <p className="empty">{t('noQuotes')}</p>}
      {quotes.data && quotes.data.quotes.length > 0 && (
        <table className="data cards">
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
            {quotes.data.quotes.map((q) => (
              <tr key={q.id}>
                <td data-label={t('colReference')}>
                  <Link to={`/quotes/${q.id}`}>{q.reference}</Link>
                </td>
                <td data-label={t('colStatus')}>
                  <StatusPill status={q.status} />
                </td>
                <td data-label={t('colQuantity')}>{q.quantity.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}</td>
                <td data-label={t('revision')}>{q.revision}</td>
                <td data-label={t('colCreated')}>
                  <When at={q.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/** The checklist findings: severity and what the code means, with where (designator, file, row). */
export function Findings({ issues }: { issues: Issue[] }) {
  const { t, lang } = useApp();
  if (!issues.length) return <p>{t('noFindings')}</p>;
  return (
    <ul className="findings">
      {issues.map((i, n) => (
        <li key={n} className={`sev-${i.severity}`}>
          <span className={`pill sev-${i.severity}`}>{wordsOf(SEVERITY, i.severity, lang)}</span>{' '}
          <strong>{wordsOf(CHECKLIST, i.code, lang)}</strong>
          {lang === 'en' && i.message ? <span> — {i.message}</span> : null}
          {i.designator ? <span className="hint"> · {i.designator}</span> : null}
          {i.file ? <span className="hint"> · {i.file}</span> : null}
          {i.row ? <span className="hint"> · {t('row', { n: i.row })}</span> : null}
        </li>
      ))}
    </ul>
  );
}

type Price = NonNullable<QuoteDetail['revisions'][number]['price']>;

function PriceBreakdown({ price }: { price: Price }) {
  const { t, money, date } = useApp();
  const m = (x: number) => money(x, price.currency);
  return (
    <>
      <PriceTable
        lines={price.lineItems}
        currency={price.currency}
        footer={[
          { label: t('total'), amount: m(price.totalFen), className: 'total' },
          { label: t('perBoard'), amount: m(price.perBoardFen) },
        ]}
      />
      {price.quantityBreaks?.length > 0 && (
        <p>
          {t('quantityBreaks')}
          {t('colon')}
          {price.quantityBreaks
            .map((b) => t('breakPerBoard', { n: b.quantity.toLocaleString(), price: m(b.perBoardFen) }))
            .join(' · ')}
        </p>
      )}
      {price.validUntil && (
        <p>
          {t('validUntil')}
          {t('colon')}
          {date(price.validUntil)}
        </p>
      )}
    </>
  );
}

/**
 * Top and bottom of the board drawn from its Gerbers by the API (cached there; `version` is the archive's hash,
 * so new files are drawn anew); a side that cannot be drawn says so instead. The workflow draws the board right
 * after the analysis, so while it is still `drawing` a missing drawing is "not yet", not "cannot" (the page
 * mounts the preview again when the workflow moves on, which asks once more).
 */
function BoardPreview({ quoteId, version, drawing }: { quoteId: string; version: string; drawing: boolean }) {
  const { t } = useApp();
  const [failed, setFailed] = useState<Record<string, boolean>>({});
  const sides = ['top', 'bottom'] as const;
  if (sides.every((side) => failed[side]))
    return <p className="hint preview-none">{t(drawing ? 'previewPending' : 'previewUnavailable')}</p>;
  return (
    <div className="board-preview" role="group" aria-label={t('boardPreview')}>
      {sides.map((side) =>
        failed[side] ? null : (
          <figure key={side}>
            <img
              src={`/api/quotes/${quoteId}/preview/${side}?v=${version.slice(0, 16)}`}
              alt={t(side === 'top' ? 'previewTop' : 'previewBottom')}
              onError={() => setFailed((f) => ({ ...f, [side]: true }))}
            />
            <figcaption>{t(side === 'top' ? 'previewTop' : 'previewBottom')}</figcaption>
          </figure>
        ),
      )}
    </div>
  );
}

/** The headline of an issued quote: total, per board, quantity and validity, big enough to decide on. */
function PriceSummary({ price, quantity }: { price: Price; quantity: number }) {
  const { t, money, date } = useApp();
  return (
    <div className="price-summary" data-testid="price-summary">
      <p className="big-total">
        <span>{t('total')}</span> <strong>{money(price.totalFen, price.currency)}</strong>
      </p>
      <p>
        {t('perBoardOf', { price: money(price.perBoardFen, price.currency), n: quantity.toLocaleString() })}
        {price.validUntil ? ` · ${t('validUntil')} ${date(price.validUntil)}` : ''}
      </p>
    </div>
  );
}

/** The customer's (or sales') answer to an issued quote; rejecting asks for a reason and a confirmation. */
function CustomerDecision({
  quote,
  price,
  quantity,
  onDone,
}: {
  quote: QuoteDetail;
  price: Price | null;
  quantity: number;
  onDone: () => void;
}) {
  const { t } = useApp();
  const [comment, setComment] = useState('');
  const [newQuantity, setNewQuantity] = useState('');
  const [files, setFiles] = useState<FileList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const decide = async (decision: 'accept' | 'revise' | 'reject') => {
    setError(null);
    setFieldError(null);
    const text = decision === 'reject' ? [reason.trim(), comment.trim()].filter(Boolean).join('\n') : comment.trim();
    if (decision === 'reject' && !reason.trim()) {
      setFieldError({ field: 'reason', message: t('reasonRequired') });
      return;
    }
    setBusy(true);
    try {
      if (decision === 'revise' && files?.length) {
        const form = new FormData();
        form.append('gerber', files[0]);
        if (text) form.append('comment', text);
        if (newQuantity.trim()) form.append('quantity', newQuantity.trim());
        await upload(`/api/quotes/${quote.id}/revisions`, form, () => undefined);
      } else {
        const body: Record<string, unknown> = { decision };
        if (text) body.comment = text;
        if (decision === 'revise' && newQuantity.trim()) body.quantity = Number(newQuantity);
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
  if (sent)
    return (
      <p role="status" className="banner success">
        {t('decisionSent')}
      </p>
    );
  return (
    <Section title={t('yourDecision')}>
      {price && <PriceSummary price={price} quantity={quantity} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && !rejecting) void decide('accept');
        }}
        aria-label={t('yourDecision')}
      >
        <Field label={t('comment')} error={fieldError?.field === 'comment' ? fieldError.message : null}>
          {(p) => <textarea {...p} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />}
        </Field>
        {rejecting ? (
          <div className="confirm card" role="group" aria-label={t('confirmRefusal', { decision: t('rejectQuote') })}>
            <p>
              <strong>{t('confirmRejectQuote')}</strong>
            </p>
            <Field
              label={`${t('reason')}${t('requiredMark')}`}
              error={fieldError?.field === 'reason' ? fieldError.message : null}
            >
              {(p) => <textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <ErrorBanner error={error} />
            <div className="actions">
              <button type="button" className="danger" disabled={busy} onClick={() => void decide('reject')}>
                {t('confirmDecision', { decision: t('rejectQuote') })}
              </button>
              <button type="button" disabled={busy} onClick={() => setRejecting(false)}>
                {t('back')}
              </button>
            </div>
          </div>
        ) : (
          <>
            <details>
              <summary>{t('reviseDetails')}</summary>
              <div className="row">
                <Field label={t('newQuantity')} error={fieldError?.field === 'quantity' ? fieldError.message : null}>
                  {(p) => (
                    <input
                      {...p}
                      inputMode="numeric"
                      value={newQuantity}
                      onChange={(e) => setNewQuantity(e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('rfqGerber')} error={fieldError?.field === 'gerber' ? fieldError.message : null}>
                  {(p) => (
                    <FileInput
                      {...p}
                      accept=".zip"
                      chosen={[...(files ?? [])]}
                      onChange={(e) => setFiles(e.target.files)}
                    />
                  )}
                </Field>
              </div>
            </details>
            <ErrorBanner error={error} />
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                {t('accept')}
              </button>
              <button type="button" disabled={busy} onClick={() => void decide('revise')}>
                {t('revise')}
              </button>
              <button type="button" className="danger" disabled={busy} onClick={() => setRejecting(true)}>
                {t('rejectQuote')}
              </button>
            </div>
          </>
        )}
      </form>
    </Section>
  );
}

/** Board figures with their units. */
function BoardFacts({ board }: { board: NonNullable<NonNullable<QuoteDetail['analysis']>['board']> }) {
  const { t } = useApp();
  return (
    <dl className="kv">
      <div>
        <dt>{t('boardSize')}</dt>
        <dd>
          {board.widthMm} × {board.heightMm} mm
        </dd>
      </div>
      <div>
        <dt>{t('boardArea')}</dt>
        <dd>{board.areaCm2} cm²</dd>
      </div>
      <div>
        <dt>{t('copperLayers')}</dt>
        <dd>{board.copperLayers}</dd>
      </div>
    </dl>
  );
}

export function QuotePage() {
  const { id = '' } = useParams();
  const { t, lang, user, money, roleName, decision: decisionWords, taskTitle } = useApp();
  const quote = useLoad(() => api<QuoteDetail>(`/api/quotes/${id}`), [id]);
  const tasks = useCaseTasks(id);
  // While the workflow analyses or issues, the page follows it; a missing quote or a refused request is final.
  const stage = quote.data ? (quote.data.workflow?.stage ?? quote.data.status) : null;
  const following = !quote.error && (stage === null || ['analysing', 'issuing'].includes(stage));
  const { reload: reloadQuote } = quote;
  const { reload: reloadTasks } = tasks;
  useEffect(() => {
    if (!following) return;
    const timer = setInterval(() => {
      reloadQuote();
      reloadTasks();
    }, 1500);
    return () => clearInterval(timer);
  }, [following, reloadQuote, reloadTasks]);
  const gate = notReady(quote);
  if (gate || !quote.data) return gate;
  const q = quote.data;
  const current = q.revisions.find((r) => r.revision === q.revision) ?? q.revisions[q.revisions.length - 1];
  const currentStage = q.workflow?.stage ?? q.status;
  const canDecide =
    currentStage === 'awaiting_customer' &&
    (user?.role === 'customer' || user?.role === 'sales' || user?.role === 'sales_manager');
  // The workflow's own record names the person; once it has closed, the completed tasks still tell role and time.
  const decisions = q.workflow?.decisions?.length
    ? q.workflow.decisions.map((d) => ({
        what: `${stepWords(d.step, lang)}${t('colon')}${decisionWords(d.decision)}`,
        who: d.by.email ? `${d.by.email} (${roleName(d.by.role)})` : roleName(d.by.role),
        at: d.at,
        comment: d.comment,
      }))
    : (tasks.data ?? [])
        .filter((x) => x.status === 'completed')
        .map((x) => ({
          what: `${taskTitle(x)}${t('colon')}${x.decision ? decisionWords(x.decision) : ''}`,
          who: roleName(x.role),
          at: x.answeredAt ?? x.completedAt,
          comment: (x.data as { comment?: string } | null)?.comment,
        }));
  const refresh = () => {
    quote.reload();
    tasks.reload();
  };
  const quantity = current?.quantity ?? q.quantity;
  const gerber = [...q.revisions].reverse().flatMap((r) => r.files.filter((f) => f.kind === 'gerber'))[0];
  return (
    <main id="main">
      <CaseHeading what={t('quote')} name={q.reference} status={currentStage} />
      {canDecide && <CustomerDecision quote={q} price={current?.price ?? null} quantity={quantity} onDone={refresh} />}
      {!canDecide && current?.price && ['awaiting_customer', 'accepted'].includes(currentStage) && (
        <div className="card">
          <PriceSummary price={current.price} quantity={quantity} />
        </div>
      )}
      <CaseSummary
        tasks={tasks.data ?? []}
        loading={tasks.loading && !tasks.data}
        facts={{ quantity, revision: q.revision, validUntil: q.validUntil, created: q.createdAt, ...q.options }}
      />
      <Section title={t('analysis')}>
        {q.analysis ? (
          <div className="analysis">
            {q.analysis.board && <BoardFacts board={q.analysis.board} />}
            <div className={gerber ? 'preview-and-findings' : undefined}>
              {gerber && (
                <BoardPreview
                  key={`${gerber.sha256}-${currentStage === 'analysing'}`}
                  quoteId={q.id}
                  version={gerber.sha256}
                  drawing={currentStage === 'analysing'}
                />
              )}
              <div>
                <h3>{t('findings')}</h3>
                <Findings issues={q.analysis.issues} />
              </div>
            </div>
          </div>
        ) : (
          <p className="hint">{currentStage === 'analysing' ? t('analysing') : '—'}</p>
        )}
      </Section>
      <Section title={t('priceBreakdown')}>
        {current?.price ? (
          <PriceBreakdown price={current.price} />
        ) : (
          <p className="hint">{currentStage === 'analysing' || currentStage === 'issuing' ? t('pricing') : '—'}</p>
        )}
        {user?.role !== 'customer' && <ReviewReasons reasons={current?.price?.reviewReasons ?? []} />}
        {current?.totalFen != null && !current.price && <p>{money(current.totalFen, q.currency)}</p>}
      </Section>
      <Section title={t('files')}>
        <ul>
          {q.revisions.flatMap((r) =>
            r.files.map((f) => (
              <li key={`${r.revision}-${f.kind}`}>
                {t('revisionN', { n: r.revision })} · {wordsOf(FILE_KINDS, f.kind, lang)}
                {t('colon')}
                <a href={f.download} download={f.name} title={f.sha256}>
                  {f.name}
                </a>{' '}
                <span className="hint">({(f.bytes / 1024).toFixed(0)} KiB)</span>
              </li>
            )),
          )}
          {q.revisions
            .filter((r) => r.pdf)
            .map((r) => (
              <li key={`pdf-${r.revision}`}>
                <a href={r.pdf as string} download>
                  {t('quotePdf')} · {t('revisionN', { n: r.revision })}
                </a>
              </li>
            ))}
        </ul>
      </Section>
      <Decisions rows={decisions} />
      <Timeline
        workflowId={q.workflowId}
        casePathApi={`/api/quotes/${q.id}`}
        lines={taskLines(tasks.data ?? [], lang)}
      />
    </main>
  );
}
