/**
 * Bill of materials: column detection for KiCad, Altium, JLC and PCBWay styles, grouped designators and
 * ranges, DNP, and the row-level findings (blank, short, no designator, quantity ≠ designators, duplicates).
 */
import { designatorKey, expandDesignators } from './designators';
import { isThroughHole } from './footprint';
import { findColumn, isBlank, QuoteIssue, TableRow } from './table';

/** One BOM line as read. */
export interface BomLine {
  row: number;
  designators: string[];
  quantity: number | null;
  value: string;
  footprint: string;
  description: string;
  mpn: string;
  manufacturer: string;
  /** Distributor part number (LCSC `C1525`, Digi-Key, Mouser...). */
  supplierPart: string;
  dnp: boolean;
  throughHole: boolean;
}

/** Summary printed in the analysis. */
export interface BomSummary {
  lines: number;
  uniqueParts: number;
  placements: number;
  dnp: number;
}

/** A parsed BOM with its findings. */
export interface ParsedBom {
  file: string;
  lines: BomLine[];
  summary: BomSummary;
  issues: QuoteIssue[];
}

/** Header names per column, covering the CAD tools' and assembly houses' spellings. */
export const BOM_COLUMNS = {
  designator: [
    'Designator',
    'Designators',
    'Reference',
    'References',
    'Ref',
    'Refs',
    'RefDes',
    'Reference Designator',
    'Reference Designators',
    'Ref Des',
    'Part Reference',
    'Parts',
    'Position',
    'Location',
    'Designator(s)',
  ],
  quantity: ['Quantity', 'Qty', 'Quantity Per PCB', 'Qty per board', 'Count', 'Amount', 'Number'],
  value: [
    'Value',
    'Comment',
    'Val',
    'Part Value',
    'Values',
    'Description / Value',
    'Value/Description',
    'Value / Description',
  ],
  footprint: [
    'Footprint',
    'Package',
    'Pattern',
    'Footprint/Package',
    'Package/Case',
    'Case',
    'PCB Footprint',
    'Case/Package',
  ],
  description: ['Description', 'Desc', 'Part Description'],
  mpn: [
    'MPN',
    'Manufacturer Part Number',
    'Manufacturer Part #',
    'Manufacturer_Part_Number',
    'Mfr Part Number',
    'Mfr. Part #',
    'Mfr Part #',
    'MFR PN',
    'MfrPN',
    'Mfg Part Number',
    'Mfg Part #',
    'Mfg. Part #',
    'Mfg Part',
    'Mfr.#',
    'Mfr #',
    'Manufacturer PN',
    'Part Number',
    'PartNumber',
    'Manufacturer Part',
  ],
  manufacturer: ['Manufacturer', 'Manufacturer Name', 'Mfr', 'Mfr.', 'Mfg', 'Manufacturer_Name', 'Vendor'],
  supplierPart: [
    'LCSC Part #',
    'LCSC Part',
    'LCSC',
    'LCSC Part Number',
    'JLCPCB Part #',
    'JLC Part',
    'Supplier Part',
    'Supplier Part Number',
    'Supplier PN',
    'Digikey Part Number',
    'Digi-Key Part Number',
    'Mouser Part Number',
    'Supplier 1 Part Number',
    'SPN',
  ],
  dnp: [
    'DNP',
    'DNF',
    'Do Not Populate',
    'Do Not Place',
    'Fitted',
    'Populate',
    'Mount',
    'Not Fitted',
    'Exclude from board',
    'Exclude From BOM',
  ],
} as const;

/** Values that mean "do not place" in a DNP-type column or the value field. */
const DNP_WORDS = /^(dnp|dnf|dni|yes|y|true|1|x|not fitted|no fit|do not (place|populate|fit)|excluded?|nc)$/i;
/** Values in a Fitted/Populate/Mount column that mean the part is not placed. */
const NOT_FITTED_WORDS = /^(no|n|false|0|not fitted|dnp|dnf|unfitted)$/i;

/** Options for BOM reading. */
export interface BomOptions {
  file?: string;
  maxRows?: number;
}

/** Default BOM row limit: far above any real board, low enough to bound the work. */
export const DEFAULT_MAX_BOM_ROWS = 5000;

/** Reads BOM rows (from CSV/TSV text or a spreadsheet) into lines, a summary and findings. */
export function parseBom(rows: TableRow[], options: BomOptions = {}): ParsedBom {
  const file = options.file ?? 'BOM';
  const maxRows = options.maxRows ?? DEFAULT_MAX_BOM_ROWS;
  const issues: QuoteIssue[] = [];
  const headerIndex = rows
    .slice(0, 30)
    .findIndex(
      (r) =>
        findColumn(r.cells, [...BOM_COLUMNS.designator]) >= 0 &&
        [BOM_COLUMNS.value, BOM_COLUMNS.footprint, BOM_COLUMNS.quantity, BOM_COLUMNS.mpn].some(
          (names) => findColumn(r.cells, [...names]) >= 0,
        ),
    );
  if (headerIndex < 0) {
    issues.push({
      severity: 'error',
      code: 'bom-header-missing',
      file,
      message: `${file}: no header row with a designator column (e.g. Designator, Reference) was found in the first 30 rows`,
    });
    return { file, lines: [], summary: { lines: 0, uniqueParts: 0, placements: 0, dnp: 0 }, issues };
  }
  const header = rows[headerIndex].cells;
  const col = Object.fromEntries(
    Object.entries(BOM_COLUMNS).map(([key, names]) => [
      key,
      findColumn(header, names, key !== 'manufacturer' && key !== 'dnp'),
    ]),
  ) as Record<keyof typeof BOM_COLUMNS, number>;
  const dnpHeader = col.dnp >= 0 ? header[col.dnp].toLowerCase() : '';
  const dnpMeansFitted = /fitted|populate|mount/.test(dnpHeader) && !/not fitted|do not/.test(dnpHeader);
  const width = header.filter((c) => c.trim() !== '').length;
  const cell = (cells: string[], i: number): string => (i >= 0 ? (cells[i] ?? '').trim() : '');

  const lines: BomLine[] = [];
  const dataRows = rows.slice(headerIndex + 1);
  if (dataRows.length > maxRows) {
    issues.push({
      severity: 'error',
      code: 'bom-too-many-rows',
      file,
      message: `${file}: ${dataRows.length} rows, more than the ${maxRows} accepted; only the first ${maxRows} were read`,
    });
  }
  for (const { row, cells } of dataRows.slice(0, maxRows)) {
    if (isBlank(cells)) {
      // Trailing empty lines are normal at the end of a file; only blank rows between data are reported.
      if (dataRows.some((r) => r.row > row && !isBlank(r.cells))) {
        issues.push({
          severity: 'warning',
          code: 'bom-row-blank',
          file,
          row,
          message: `${file} row ${row}: blank row (ignored)`,
        });
      }
      continue;
    }
    if (cells.length < width) {
      issues.push({
        severity: 'error',
        code: 'bom-row-short',
        file,
        row,
        message: `${file} row ${row}: ${cells.length} of ${width} columns ("${cells.join(',').slice(0, 40)}"); the row was not read`,
      });
      continue;
    }
    const designatorCell = cell(cells, col.designator);
    const { designators, invalid } = expandDesignators(designatorCell);
    const value = cell(cells, col.value);
    const dnpCell = cell(cells, col.dnp);
    const dnp =
      (col.dnp >= 0 && dnpCell !== '' && (dnpMeansFitted ? NOT_FITTED_WORDS.test(dnpCell) : DNP_WORDS.test(dnpCell))) ||
      /^(dnp|dnf|do not (place|populate))$/i.test(value);
    if (invalid.length) {
      issues.push({
        severity: 'error',
        code: 'bom-designator-invalid',
        file,
        row,
        refs: invalid,
        message: `${file} row ${row}: unreadable designator(s) ${invalid.join(', ')}`,
      });
    }
    if (designators.length === 0) {
      issues.push({
        severity: 'error',
        code: 'bom-designator-missing',
        file,
        row,
        message: `${file} row ${row}: no designator ("${cells.join(',').slice(0, 40)}")`,
      });
      continue;
    }
    const qtyText = cell(cells, col.quantity);
    const quantity = qtyText === '' ? null : Number(qtyText);
    if (quantity !== null && (!Number.isFinite(quantity) || quantity !== designators.length) && !dnp) {
      issues.push({
        severity: 'error',
        code: 'bom-quantity-mismatch',
        file,
        row,
        refs: designators,
        message: `${file} row ${row}: quantity ${qtyText} but ${designators.length} designator(s) (${designators.join(', ')})`,
      });
    }
    const footprint = cell(cells, col.footprint);
    lines.push({
      row,
      designators,
      quantity: quantity !== null && Number.isFinite(quantity) ? quantity : null,
      value,
      footprint,
      description: cell(cells, col.description),
      mpn: cell(cells, col.mpn),
      manufacturer: cell(cells, col.manufacturer),
      supplierPart: cell(cells, col.supplierPart),
      dnp,
      throughHole: isThroughHole(footprint) || isThroughHole(cell(cells, col.description)),
    });
  }

  // Duplicates across (and within) lines.
  const seen = new Map<string, number[]>();
  for (const line of lines)
    for (const d of line.designators) {
      const k = designatorKey(d);
      seen.set(k, [...(seen.get(k) ?? []), line.row]);
    }
  for (const [designator, at] of seen) {
    if (at.length > 1) {
      issues.push({
        severity: 'error',
        code: 'bom-designator-duplicate',
        file,
        row: at[1],
        refs: [designator],
        message: `${file}: designator ${designator} appears ${at.length} times (rows ${at.join(', ')})`,
      });
    }
  }
  return { file, lines, summary: summariseBom(lines), issues };
}

/** Identity of a part for counting unique parts (feeder loading): MPN, supplier number, else value + footprint. */
export function partKey(line: Pick<BomLine, 'mpn' | 'supplierPart' | 'value' | 'footprint'>): string {
  if (line.mpn) return `mpn:${line.mpn.toUpperCase()}`;
  if (line.supplierPart) return `spn:${line.supplierPart.toUpperCase()}`;
  return `vf:${line.value.toUpperCase()}|${line.footprint.toUpperCase()}`;
}

/** Counts lines, unique parts, placed designators and DNP designators. */
export function summariseBom(lines: BomLine[]): BomSummary {
  const fitted = lines.filter((l) => !l.dnp);
  return {
    lines: lines.length,
    uniqueParts: new Set(fitted.map(partKey)).size,
    placements: fitted.reduce((n, l) => n + l.designators.length, 0),
    dnp: lines.filter((l) => l.dnp).reduce((n, l) => n + l.designators.length, 0),
  };
}
