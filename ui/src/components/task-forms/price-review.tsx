/**
 * The engineer's review: the price's line items with editable unit prices, each line's total and the grand
 * total following what is typed; changed lines go as adjustments.
 */
import { useState } from 'react';
import { api } from '../../api';
import { useApp } from '../../context';
import { parseAmountToFen } from '../../lib/money';
import { FieldValueError } from '../../lib/schema-form';
import { lineDescription, reviewReason } from '../../i18n/server-texts';
import { ErrorBanner, Field, Loading, useLoad } from '../common';
import { PriceTable, type LineItem } from '../price-table';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

interface QuoteDetail {
  id: string;
  reference: string;
  currency: string;
  revision: number;
  revisions: {
    revision: number;
    price: { currency: string; lineItems: LineItem[]; totalFen: number; reviewReasons: string[] } | null;
  }[];
}

/** Why the pricing sent the quote to an engineer, in the reader's language. */
export function ReviewReasons({ reasons }: { reasons: string[] }) {
  const { t, lang } = useApp();
  if (!reasons.length) return null;
  return (
    <div className="banner warning">
      <strong>
        {t('reviewReasons')}
        {t('colon')}
      </strong>
      <ul>
        {reasons.map((r) => (
          <li key={r}>{reviewReason(r, lang)}</li>
        ))}
      </ul>
    </div>
  );
}

export function PriceReviewForm({ task, kind, onDone }: FormProps) {
  const { t, lang, money } = useApp();
  const quote = useLoad(() => api<QuoteDetail>(`/api/quotes/${task.caseId}`), [task.caseId]);
  const [prices, setPrices] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const c = useCompletion(task, ['comment', 'adjustments'], onDone);
  const revision =
    quote.data?.revisions.find((r) => r.revision === quote.data?.revision) ??
    quote.data?.revisions[quote.data.revisions.length - 1];
  const lines = revision?.price?.lineItems ?? [];
  const currency = revision?.price?.currency ?? quote.data?.currency ?? 'CNY';
  /** The unit price in force for a line: what is typed when it reads as an amount, else the priced one. */
  const unitOf = (line: LineItem) => {
    const typed = prices[line.code];
    if (typed === undefined || typed.trim() === '') return line.unitPriceFen;
    return parseAmountToFen(typed);
  };
  const totalOf = (line: LineItem) => {
    const unit = unitOf(line);
    return unit === null ? null : unit * line.quantity;
  };
  const totals = lines.map(totalOf);
  const grand = totals.some((x) => x === null) ? null : totals.reduce<number>((n, x) => n + (x ?? 0), 0);
  const priced = revision?.price?.totalFen ?? null;
  const build = () => {
    const adjustments = [];
    for (const line of lines) {
      const minor = unitOf(line);
      if (minor === null) throw new FieldValueError(`price-${line.code}`, t('mustBeAmount'));
      if (minor !== line.unitPriceFen) adjustments.push({ code: line.code, unitPriceFen: minor });
    }
    const data: Record<string, unknown> = {};
    if (comment.trim()) data.comment = comment.trim();
    if (adjustments.length) data.adjustments = adjustments;
    return data;
  };
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={build}>
      <h3>{t('priceReview')}</h3>
      {quote.loading && !quote.data && <Loading />}
      <ErrorBanner error={quote.error} />
      <ReviewReasons reasons={revision?.price?.reviewReasons ?? []} />
      {lines.length > 0 && (
        <PriceTable
          lines={lines}
          currency={currency}
          totalOf={totalOf}
          rowClass={(line) => (unitOf(line) !== line.unitPriceFen ? 'adjusted' : undefined)}
          lineNote={(line) =>
            unitOf(line) !== line.unitPriceFen && <span className="pill warning">{t('lineAdjusted')}</span>
          }
          unitPrice={(line) => (
            <Field
              label={t('unitPriceOf', { line: lineDescription(line, lang) })}
              error={c.fieldErrors[`price-${line.code}`]}
            >
              {(p) => (
                <input
                  {...p}
                  className="money"
                  inputMode="decimal"
                  value={prices[line.code] ?? (line.unitPriceFen / 100).toFixed(2)}
                  onChange={(e) => setPrices({ ...prices, [line.code]: e.target.value })}
                />
              )}
            </Field>
          )}
          className="data cards"
          footer={[
            {
              label: t('total'),
              className: 'total',
              testId: 'review-total',
              amount: (
                <>
                  {money(grand, currency)}
                  {grand !== null && priced !== null && grand !== priced && (
                    <span className="hint"> ({t('wasAmount', { amount: money(priced, currency) })})</span>
                  )}
                </>
              ),
            },
          ]}
        />
      )}
      {c.fieldErrors.adjustments && (
        <p className="field-error" role="alert">
          {c.fieldErrors.adjustments}
        </p>
      )}
      <Field label={t('comment')} error={c.fieldErrors.comment}>
        {(p) => (
          <textarea {...p} value={comment} maxLength={2000} rows={3} onChange={(e) => setComment(e.target.value)} />
        )}
      </Field>
    </TaskFormFrame>
  );
}
