/**
 * Money as people read it, from integer minor units (fen for yuan, cents for dollars). Task titles, emails and the
 * PDF use these, and the browser's `formatMoney` (ui/src/lib/format.ts) calls this one. Pure: workflows use it.
 */

/** Formats minor units as `1,234.56`: thousands grouped, two decimals. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Chinese names of the currencies customers are invoiced in besides yuan. */
const ZH_CURRENCY: Record<string, string> = { USD: '美元', EUR: '欧元', HKD: '港元', JPY: '日元' };

/**
 * An amount with its currency: yuan as `¥1,234.56` in English and `1,234.56 元` in Chinese; other currencies
 * with their code (`USD 12.00` / `12.00 美元`).
 */
export function formatMoney(fen: number, currency = 'CNY', lang: 'en' | 'zh' = 'en'): string {
  const sign = fen < 0 ? '-' : '';
  const value = formatFen(Math.abs(fen));
  const code = currency.toUpperCase();
  if (code === 'CNY' || code === 'RMB') return lang === 'zh' ? `${sign}${value} 元` : `${sign}¥${value}`;
  return lang === 'zh' ? `${sign}${value} ${ZH_CURRENCY[code] ?? code}` : `${sign}${code} ${value}`;
}
