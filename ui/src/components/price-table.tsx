/**
 * A quote's price lines as one table, used by the quote page (read only) and the engineer's review (unit
 * prices editable): description and quantity in the reader's language, unit price, line total, and the
 * totals underneath. The line type is the pricing's own (`domain/quote/pricing.ts`).
 */
import type { ReactNode } from 'react';
import type { LineItem } from '../../../domain/quote/pricing';
import { useApp } from '../context';
import { lineDescription, unitWord } from '../i18n/server-texts';

export type { LineItem };

/** One row under the lines: a label and its amount. */
export interface PriceTableFooter {
  label: string;
  amount: ReactNode;
  className?: string;
  testId?: string;
}

export function PriceTable({
  lines,
  currency,
  unitPrice,
  totalOf = (line) => line.totalFen,
  rowClass,
  lineNote,
  footer,
  className = 'data price cards',
}: {
  lines: LineItem[];
  currency: string;
  /** The unit price cell; by default the priced amount. */
  unitPrice?: (line: LineItem) => ReactNode;
  /** A line's total in fen, or null when it cannot be worked out (what is typed is not an amount). */
  totalOf?: (line: LineItem) => number | null;
  rowClass?: (line: LineItem) => string | undefined;
  /** Said after a line's total (e.g. "adjusted"). */
  lineNote?: (line: LineItem) => ReactNode;
  footer: PriceTableFooter[];
  className?: string;
}) {
  const { t, lang, money } = useApp();
  return (
    <table className={className}>
      <thead>
        <tr>
          <th scope="col">{t('lineDescription')}</th>
          <th scope="col">{t('lineQuantity')}</th>
          <th scope="col">{t('unitPriceYuan')}</th>
          <th scope="col">{t('lineTotal')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => {
          const total = totalOf(line);
          return (
            <tr key={line.code} className={rowClass?.(line)}>
              <td data-label={t('lineDescription')}>{lineDescription(line, lang)}</td>
              <td data-label={t('lineQuantity')} className="num">
                {line.quantity.toLocaleString()} {unitWord(line.unit, lang)}
              </td>
              <td data-label={t('unitPriceYuan')} className={unitPrice ? undefined : 'num'}>
                {unitPrice ? unitPrice(line) : money(line.unitPriceFen, currency)}
              </td>
              <td data-label={t('lineTotal')} className="num" aria-live={unitPrice ? 'polite' : undefined}>
                {total === null ? '—' : money(total, currency)}
                {lineNote?.(line)}
              </td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        {footer.map((f) => (
          <tr key={f.label}>
            <th scope="row" colSpan={3}>
              {f.label}
            </th>
            <td
              className={`num${f.className ? ` ${f.className}` : ''}`}
              data-testid={f.testId}
              aria-live={f.testId ? 'polite' : undefined}
            >
              {f.amount}
            </td>
          </tr>
        ))}
      </tfoot>
    </table>
  );
}
