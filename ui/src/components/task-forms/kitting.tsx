/**
 * The material kit as a table: one row per part, prefilled from the order's BOM (the quote's analysed BOM: each
 * fitted line with its part number and designators) after the bare board, each in stock, to purchase with a
 * lead time, or consigned. A part's quantity is what the quote priced for it (spares included) or, when it was
 * not priced (consigned parts), its quantity per board times the order's boards.
 */
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { useApp } from '../../context';
import { FieldValueError } from '../../lib/schema-form';
import { Field, Loading, useLoad } from '../common';
import type { LineItem } from '../price-table';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

type Source = 'in_stock' | 'purchase' | 'consigned';

interface KitRow {
  partNumber: string;
  quantity: string;
  source: Source;
  leadTimeDays: string;
  arrived: boolean;
  /** Where the part goes on the board (shown, not sent). */
  designators: string[];
}

interface OrderRef {
  quoteId: string | null;
  quantity: number;
}
/** A fitted BOM line as the quote API gives it. */
interface BomPart {
  partNumber: string;
  designators: string[];
  quantityPerBoard: number;
}
interface QuoteForKit {
  revision: number;
  options?: { sourcing?: string };
  analysis: { parts?: BomPart[] } | null;
  revisions: { revision: number; price: { lineItems: Pick<LineItem, 'code' | 'quantity'>[] } | null }[];
}

const emptyRow = (): KitRow => ({ partNumber: '', quantity: '', source: 'in_stock', leadTimeDays: '', arrived: false, designators: [] });

/** The kit rows an order suggests: the board, then each fitted BOM line; priced parts not in the BOM last. */
export async function suggestedRows(orderId: string): Promise<KitRow[]> {
  const order = await api<OrderRef>(`/api/orders/${orderId}`);
  const board: KitRow = { ...emptyRow(), partNumber: 'PCB', quantity: String(order.quantity) };
  if (!order.quoteId) return [board];
  const quote = await api<QuoteForKit>(`/api/quotes/${order.quoteId}`).catch(() => null);
  const revision = quote?.revisions.find((r) => r.revision === quote.revision);
  const source: Source = quote?.options?.sourcing === 'consigned' ? 'consigned' : 'in_stock';
  const priced = new Map((revision?.price?.lineItems ?? []).filter((l) => l.code.startsWith('part:')).map((l) => [l.code.slice(5).toUpperCase(), l.quantity]));
  const rows = (quote?.analysis?.parts ?? []).map((p): KitRow => {
    const quantity = priced.get(p.partNumber.toUpperCase()) ?? p.quantityPerBoard * order.quantity;
    priced.delete(p.partNumber.toUpperCase());
    return { ...emptyRow(), partNumber: p.partNumber, quantity: String(quantity), source, designators: p.designators };
  });
  const pricedOnly = [...priced].map(([partNumber, quantity]): KitRow => ({ ...emptyRow(), partNumber, quantity: String(quantity), source }));
  return [board, ...rows, ...pricedOnly];
}

const SOURCES: Source[] = ['in_stock', 'purchase', 'consigned'];

export function KittingForm({ task, kind, onDone }: FormProps) {
  const { t, value } = useApp();
  const suggested = useLoad(() => suggestedRows(task.caseId).catch(() => [] as KitRow[]), [task.caseId]);
  const [rows, setRows] = useState<KitRow[]>([]);
  const [comment, setComment] = useState('');
  useEffect(() => {
    if (suggested.data) setRows(suggested.data.length ? suggested.data : [emptyRow()]);
  }, [suggested.data]);
  const c = useCompletion(task, ['lines', 'comment'], onDone);
  const update = (i: number, patch: Partial<KitRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const build = () => ({
    lines: rows.map((r, i) => {
      if (!r.partNumber.trim()) throw new FieldValueError(`part-${i}`, t('required'));
      if (!/^\d+$/.test(r.quantity.trim()) || Number(r.quantity) < 1) throw new FieldValueError(`qty-${i}`, t('mustBeWhole'));
      const source =
        r.source === 'purchase'
          ? (() => {
              if (!/^\d+$/.test(r.leadTimeDays.trim())) throw new FieldValueError(`lead-${i}`, t('mustBeWhole'));
              return { kind: 'purchase', leadTimeDays: Number(r.leadTimeDays), arrived: r.arrived };
            })()
          : r.source === 'consigned'
            ? { kind: 'consigned', arrived: r.arrived }
            : { kind: 'in_stock' };
      return { partNumber: r.partNumber.trim(), quantity: Number(r.quantity), source };
    }),
    ...(comment.trim() ? { comment: comment.trim() } : {}),
  });
  return (
    <TaskFormFrame task={task} kind={kind} completion={c} build={build}>
      <h3>{t('kitLines')}</h3>
      {suggested.loading && <Loading />}
      {c.fieldErrors.lines && (
        <p className="field-error" role="alert">
          {c.fieldErrors.lines}
        </p>
      )}
      <table className="data cards kit">
        <thead>
          <tr>
            <th scope="col">{t('rmaPartNumber')}</th>
            <th scope="col">{t('kitDesignators')}</th>
            <th scope="col">{t('colQuantity')}</th>
            <th scope="col">{t('kitSource')}</th>
            <th scope="col">{t('kitLeadDays')}</th>
            <th scope="col">{t('kitArrived')}</th>
            <th scope="col">
              <span className="sr-only">{t('removeUnit')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td data-label={t('rmaPartNumber')}>
                <Field label={`${t('rmaPartNumber')} ${i + 1}`} error={c.fieldErrors[`part-${i}`]}>
                  {(p) => <input {...p} value={r.partNumber} onChange={(e) => update(i, { partNumber: e.target.value })} />}
                </Field>
              </td>
              <td data-label={t('kitDesignators')} className="designators" translate="no">
                {r.designators.length ? r.designators.join(', ') : '—'}
              </td>
              <td data-label={t('colQuantity')}>
                <Field label={`${t('colQuantity')} ${i + 1}`} error={c.fieldErrors[`qty-${i}`]}>
                  {(p) => <input {...p} inputMode="numeric" value={r.quantity} onChange={(e) => update(i, { quantity: e.target.value })} />}
                </Field>
              </td>
              <td data-label={t('kitSource')}>
                <Field label={`${t('kitSource')} ${i + 1}`}>
                  {(p) => (
                    <select {...p} value={r.source} onChange={(e) => update(i, { source: e.target.value as Source })}>
                      {SOURCES.map((s) => (
                        <option key={s} value={s}>
                          {value(s)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </td>
              <td data-label={t('kitLeadDays')}>
                {r.source === 'purchase' ? (
                  <Field label={`${t('kitLeadDays')} ${i + 1}`} error={c.fieldErrors[`lead-${i}`]}>
                    {(p) => <input {...p} inputMode="numeric" value={r.leadTimeDays} onChange={(e) => update(i, { leadTimeDays: e.target.value })} />}
                  </Field>
                ) : (
                  '—'
                )}
              </td>
              <td data-label={t('kitArrived')}>
                {r.source === 'in_stock' ? (
                  '—'
                ) : (
                  <label className="checkbox">
                    <input type="checkbox" checked={r.arrived} onChange={(e) => update(i, { arrived: e.target.checked })} />
                    {t('kitArrived')} {i + 1}
                  </label>
                )}
              </td>
              <td>
                <button type="button" className="danger" disabled={rows.length === 1} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  {t('removeUnit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setRows([...rows, emptyRow()])}>
        {t('addKitLine')}
      </button>
      <Field label={t('comment')} error={c.fieldErrors.comment}>
        {(p) => <textarea {...p} rows={2} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />}
      </Field>
    </TaskFormFrame>
  );
}
