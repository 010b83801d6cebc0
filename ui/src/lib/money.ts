/** Money in integer minor units (fen, cents), as every API returns it. */

/** "CNY 1,234.50" from 123450 minor units. */
export function formatMinor(minor: number | null | undefined, currency = 'CNY', locale = 'en'): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—';
  const value = (minor / 100).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${currency} ${value}`;
}

/** Parses "1234.5" or "1,234.50" typed by a person into minor units; null when it is not an amount. */
export function parseAmountToMinor(text: string): number | null {
  const cleaned = text.replace(/[,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
