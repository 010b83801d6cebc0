/**
 * Tables from BOM and placement files: CSV / TSV / semicolon text, whitespace-aligned text (KiCad ASCII
 * `.pos`, Altium `.txt`), or rows already read from a spreadsheet. Every row keeps its 1-based line number
 * in the source so that findings can name it.
 */
import { parse } from 'csv-parse/sync';

/** One row of a table and where it came from (1-based line / sheet row number). */
export interface TableRow {
  row: number;
  cells: string[];
}

/** Issue shape shared by the whole analysis. */
export interface QuoteIssue {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  refs?: string[];
  /** File the finding is about (path inside the upload or the BOM/CPL file name). */
  file?: string;
  /** 1-based row in that file. */
  row?: number;
}

/** Thrown for input that cannot be read at all (not a table, too many rows). */
export class InputRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputRejectedError';
  }
}

/** Picks the delimiter of a text table from its first lines. */
export function detectDelimiter(text: string): ',' | '\t' | ';' | 'whitespace' {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.startsWith('#'))
    .slice(0, 10);
  const count = (ch: string) => lines.reduce((n, l) => n + l.split(ch).length - 1, 0);
  const tabs = count('\t');
  const commas = count(',');
  const semis = count(';');
  if (tabs >= commas && tabs >= semis && tabs > 0) return '\t';
  if (commas >= semis && commas > 0) return ',';
  if (semis > 0) return ';';
  return 'whitespace';
}

/** Splits a whitespace-aligned line, honouring double quotes (Altium's text pick-and-place). */
export function splitWhitespace(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2]);
  return out;
}

/**
 * Reads a text table. Comment lines starting with `#` are returned too (with a single cell) so that the
 * caller can read units from them; `maxRows` bounds the work.
 */
export function readTextTable(text: string, maxRows: number, file = 'the table'): TableRow[] {
  const clean = text.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(clean);
  const lineCount = clean.split(/\r\n|\n|\r/).length;
  if (lineCount > maxRows + 50) {
    throw new InputRejectedError(
      'too-many-rows',
      `${file} has ${lineCount} lines; at most ${maxRows} rows are accepted`,
    );
  }
  if (delimiter === 'whitespace') {
    return clean.split(/\r\n|\n|\r/).map((line, i) => ({
      row: i + 1,
      cells: line.trim().startsWith('#') ? [line.trim()] : splitWhitespace(line),
    }));
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseDelimited(clean, delimiter);
  } catch (err) {
    // Unbalanced quotes and the like: refuse with csv-parse's own description, which names the line.
    throw new InputRejectedError(
      'table-unreadable',
      `${file} cannot be read as ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${(err as Error).message}`,
    );
  }
  return records.map(({ record, info }) => ({ row: info.lines, cells: record.map((c) => String(c ?? '')) }));
}

function parseDelimited(clean: string, delimiter: string): Array<{ record: string[]; info: { lines: number } }> {
  return parse(clean, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    trim: true,
    info: true,
    bom: true,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
}

/** Lower-case, alphanumeric-only form of a header cell for matching. */
export function headerKey(cell: string): string {
  return cell.toLowerCase().replace(/[^a-z0-9#]/g, '');
}

/** Finds the column whose header matches one of the names (exact normalised match first, then prefix). */
export function findColumn(header: string[], names: readonly string[], allowPrefix = true): number {
  const keys = header.map(headerKey);
  for (const name of names) {
    const i = keys.indexOf(headerKey(name));
    if (i >= 0) return i;
  }
  if (!allowPrefix) return -1;
  for (const name of names) {
    const k = headerKey(name);
    if (k.length < 3) continue;
    const i = keys.findIndex((h) => h.startsWith(k));
    if (i >= 0) return i;
  }
  return -1;
}

/** True when every cell is empty. */
export function isBlank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}
