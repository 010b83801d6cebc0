/** Money typed by people, into the integer minor units (fen, cents) every API takes. Shown with lib/format's formatMoney. */

/** Parses "1234.5" or "1,234.50" typed by a person into minor units; null when it is not an amount. */
export function parseAmountToFen(text: string): number | null {
  const cleaned = text.replace(/[,\s¥元]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
