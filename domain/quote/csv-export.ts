/**
 * CSV export that is safe to open in a spreadsheet: cells starting with `=`, `+`, `-`, `@` (or a tab /
 * carriage return) are prefixed with `'` so they are not run as formulas (CSV injection), and every
 * cell is quoted as RFC 4180 requires when it holds a delimiter, quote or line break.
 */

/** Escapes one cell. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  if (/[",\r\n]/.test(text) || text.startsWith("'")) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** Builds a CSV document (CRLF line ends) from a header and rows. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
