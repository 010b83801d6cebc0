/**
 * The material kit as a table: one row per part, prefilled from the order's BOM — the quoted BOM lines the kitting
 * task carries (`payload.bom`: part number, per board, spare, designators; the same lines the API checks the kit
 * against, which is why the bare board is not a kit line then) — each in stock, to purchase with a lead time, or
 * consigned (arrived with the quantity received from the customer). A line's quantity is per board × boards plus
 * the quoted spare. Without a quoted BOM (a bare-board order) the kit is the board and any priced parts.
 */
import { useEffect, useState } from 'react';
import { api, type Task } from '../../api';
import { useApp } from '../../context';
import type { KitRequirement } from '../../../../domain/order/kitting';
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
  /** Consigned and arrived: how many the customer's shipment held. */
  received: string;
  /** Where the part goes on the board (shown, not sent). */
  designators: string[];
}

interface OrderRef {
  quoteId: string | null;
  quantity: number;
}
interface QuoteForKit {
  revision: number;
  options?: { sourcing?: string };
  revisions: { revision: number; price: { lineItems: Pick<LineItem, 'code' | 'quantity'>[] } | null }[];
}

const emptyRow = (): KitRow => ({
  partNumber: '',
  quantity: '',
  source: 'in_stock',
  leadTimeDays: '',
  arrived: false,
  received: '',
  designators: [],
});

/** The kit rows the order suggests: each quoted BOM line, else the board and each priced part. */
async function suggestedRows(task: Task): Promise<KitRow[]> {
  const order = await api<OrderRef>(`/api/orders/${task.caseId}`);
  const board: KitRow = { ...emptyRow(), partNumber: 'PCB', quantity: String(order.quantity) };
  const quote = order.quoteId ? await api<QuoteForKit>(`/api/quotes/${order.quoteId}`).catch(() => null) : null;
  const source: Source = quote?.options?.sourcing === 'consigned' ? 'consigned' : 'in_stock';
  const payload = task.payload as { bom?: KitRequirement[]; boards?: number };
  if (Array.isArray(payload.bom) && payload.bom.length) {
    const boards = Number(payload.boards ?? order.quantity);
    return [
      ...payload.bom.map((l): KitRow => ({
        ...emptyRow(),
        partNumber: l.partNumber,
        quantity: String(l.perBoard * boards + l.spare),
        source,
        designators: l.designators ?? [],
      })),
    ];
  }
  const revision = quote?.revisions.find((r) => r.revision === quote.revision);
  const parts = (revision?.price?.lineItems ?? [])
    .filter((l) => l.code.startsWith('part:'))
    .map((l): KitRow => ({ ...emptyRow(), partNumber: l.code.slice(5), quantity: String(l.quantity), source }));
  return [board, ...parts];
}

const SOURCES: Source[] = ['in_stock', 'purchase', 'consigned'];

export function KittingForm({ task, kind, onDone }: FormProps) {
  const { t, value } = useApp();
  const suggested = useLoad(() => suggestedRows(task).catch(() => [] as KitRow[]), [task.id]);
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
      if (!/^\d+$/.test(r.quantity.trim()) || Number(r.quantity) < 1)
        throw new FieldValueError(`qty-${i}`, t('mustBeWhole'));
      const source =
        r.source === 'purchase'
          ? (() => {
              if (!/^\d+$/.test(r.leadTimeDays.trim())) throw new FieldValueError(`lead-${i}`, t('mustBeWhole'));
              return { kind: 'purchase', leadTimeDays: Number(r.leadTimeDays), arrived: r.arrived };
            })()
          : r.source === 'consigned'
            ? { kind: 'consigned', arrived: r.arrived }
            : { kind: 'in_stock' };
      const consignedArrived = r.source === 'consigned' && r.arrived;
      if (consignedArrived && !/^\d+$/.test(r.received.trim()))
        throw new FieldValueError(`received-${i}`, t('mustBeWhole'));
      return {
        partNumber: r.partNumber.trim(),
        quantity: Number(r.quantity),
        source,
        ...(consignedArrived ? { receivedQuantity: Number(r.received) } : {}),
      };
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
              <span className="sr-only">{t('removeLine')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td data-label={t('rmaPartNumber')}>
                <Field label={`${t('rmaPartNumber')} ${i + 1}`} error={c.fieldErrors[`part-${i}`]}>
                  {(p) => (
                    <input {...p} value={r.partNumber} onChange={(e) => update(i, { partNumber: e.target.value })} />
                  )}
                </Field>
              </td>
              <td data-label={t('kitDesignators')} className="designators" translate="no">
                {r.designators.length ? r.designators.join(', ') : '—'}
              </td>
              <td data-label={t('colQuantity')}>
                <Field label={`${t('colQuantity')} ${i + 1}`} error={c.fieldErrors[`qty-${i}`]}>
                  {(p) => (
                    <input
                      {...p}
                      inputMode="numeric"
                      value={r.quantity}
                      onChange={(e) => update(i, { quantity: e.target.value })}
                    />
                  )}
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
                    {(p) => (
                      <input
                        {...p}
                        inputMode="numeric"
                        value={r.leadTimeDays}
                        onChange={(e) => update(i, { leadTimeDays: e.target.value })}
                      />
                    )}
                  </Field>
                ) : (
                  '—'
                )}
              </td>
              <td data-label={t('kitArrived')}>
                {r.source === 'in_stock' ? (
                  '—'
                ) : (
                  <>
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={r.arrived}
                        onChange={(e) => update(i, { arrived: e.target.checked })}
                      />
                      {t('kitArrived')} {i + 1}
                    </label>
                    {r.source === 'consigned' && r.arrived && (
                      <Field label={`${t('kitReceived')} ${i + 1}`} error={c.fieldErrors[`received-${i}`]}>
                        {(p) => (
                          <input
                            {...p}
                            inputMode="numeric"
                            value={r.received}
                            onChange={(e) => update(i, { received: e.target.value })}
                          />
                        )}
                      </Field>
                    )}
                  </>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="danger"
                  disabled={rows.length === 1}
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                  aria-label={`${t('removeLine')} ${i + 1}${r.partNumber ? ` (${r.partNumber})` : ''}`}
                >
                  {t('removeLine')}
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
        {(p) => (
          <textarea {...p} rows={2} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
        )}
      </Field>
    </TaskFormFrame>
  );
}
