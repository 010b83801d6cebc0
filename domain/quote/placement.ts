/**
 * Placement (pick-and-place / CPL) files: KiCad `.pos` (ASCII and CSV), Altium pick-and-place (CSV or
 * quoted text with a preamble), JLC CPL. Units mm / mil / inch from the header, preamble or value suffix;
 * sides from every spelling seen (Top, T, TopLayer, F.Cu, front...). SMT vs through-hole comes from a
 * Type column when present, otherwise from the footprint name (here or in the BOM).
 */
import { designatorKey } from './designators';
import { isThroughHole } from './footprint';
import { findColumn, isBlank, QuoteIssue, TableRow } from './table';

/** One placed part. Coordinates are null when the file left them empty or unreadable. */
export interface Placement {
  row: number;
  designator: string;
  xMm: number | null;
  yMm: number | null;
  rotation: number | null;
  side: 'top' | 'bottom' | null;
  footprint: string;
  value: string;
  /** From a Type column (SMD/THT); null when the file does not say. */
  throughHole: boolean | null;
}

/** A parsed placement file. */
export interface ParsedPlacement {
  file: string;
  placements: Placement[];
  units: 'mm' | 'mil' | 'in';
  issues: QuoteIssue[];
}

/** Header names per column. */
export const CPL_COLUMNS = {
  designator: ['Designator', 'Ref', 'Reference', 'RefDes', 'Ref Des', 'Part', 'Component', 'Name'],
  x: [
    'Mid X',
    'PosX',
    'Pos X',
    'Center-X(mm)',
    'Center-X(mil)',
    'Center-X',
    'Center X',
    'X',
    'Ref X',
    'Ref-X(mm)',
    'Ref-X(mil)',
    'Ref-X',
    'Pos-X',
    'X (mm)',
    'LocationX',
    'Location X',
  ],
  y: [
    'Mid Y',
    'PosY',
    'Pos Y',
    'Center-Y(mm)',
    'Center-Y(mil)',
    'Center-Y',
    'Center Y',
    'Y',
    'Ref Y',
    'Ref-Y(mm)',
    'Ref-Y(mil)',
    'Ref-Y',
    'Pos-Y',
    'Y (mm)',
    'LocationY',
    'Location Y',
  ],
  rotation: ['Rotation', 'Rot', 'Angle', 'Orientation'],
  side: ['Layer', 'Side', 'TB', 'Top/Bottom', 'Placement Side', 'Mirror'],
  footprint: ['Footprint', 'Package', 'Pattern', 'Case'],
  value: ['Val', 'Value', 'Comment'],
  type: ['Type', 'Mount', 'Mount Type', 'Technology'],
} as const;

/** Normalises a side cell; null when it is not a known spelling. */
export function normaliseSide(cell: string): 'top' | 'bottom' | null {
  const k = cell
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]/g, '');
  if (['top', 't', 'toplayer', 'front', 'f', 'fcu', 'component', 'componentside', 'tops', 'topside'].includes(k))
    return 'top';
  if (['bottom', 'b', 'bot', 'bottomlayer', 'back', 'bcu', 'solder', 'solderside', 'bottomside'].includes(k))
    return 'bottom';
  return null;
}

/** Unit factor to mm from a unit word. */
function unitFactor(unit: string): number | null {
  const u = unit.toLowerCase();
  if (u === 'mm') return 1;
  if (u === 'mil' || u === 'mils') return 0.0254;
  if (u === 'in' || u === 'inch' || u === 'inches' || u === '"') return 25.4;
  return null;
}

/** Reads a coordinate cell (`12.5`, `12.5mm`, `492mil`) in mm; null when empty or unreadable. */
export function parseLength(cell: string, defaultFactor: number): number | null {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*(mm|mils?|in|inch|")?\s*$/i.exec(cell);
  if (!m) return null;
  const factor = m[2] ? (unitFactor(m[2]) ?? defaultFactor) : defaultFactor;
  return Number(m[1]) * factor;
}

/** Options for placement reading. */
export interface PlacementOptions {
  file?: string;
  maxRows?: number;
}

/** Reads placement rows (text table or spreadsheet) into placements and findings. */
export function parsePlacement(rows: TableRow[], options: PlacementOptions = {}): ParsedPlacement {
  const file = options.file ?? 'CPL';
  const maxRows = options.maxRows ?? 5000;
  const issues: QuoteIssue[] = [];
  // KiCad ASCII: `# Ref Val Package PosX PosY Rot Side` is the header, comment-prefixed.
  const asHeader = (cells: string[]): string[] =>
    cells.length === 1 && cells[0].startsWith('#') ? cells[0].replace(/^#+/, '').trim().split(/\s+/) : cells;
  const headerIndex = rows.slice(0, 40).findIndex((r) => {
    const h = asHeader(r.cells);
    return (
      findColumn(h, CPL_COLUMNS.designator, false) >= 0 &&
      findColumn(h, CPL_COLUMNS.x) >= 0 &&
      findColumn(h, CPL_COLUMNS.y) >= 0
    );
  });
  if (headerIndex < 0) {
    issues.push({
      severity: 'error',
      code: 'cpl-header-missing',
      file,
      message: `${file}: no header row with designator and X/Y columns was found in the first 40 rows`,
    });
    return { file, placements: [], units: 'mm', issues };
  }
  const header = asHeader(rows[headerIndex].cells);
  const col = Object.fromEntries(
    Object.entries(CPL_COLUMNS).map(([key, names]) => [key, findColumn(header, names, key !== 'designator')]),
  ) as Record<keyof typeof CPL_COLUMNS, number>;

  // Units: header `(mil)`, a preamble line (`Units used: mm`, `## Unit = mm`), else mm.
  const preamble = rows
    .slice(0, headerIndex)
    .map((r) => r.cells.join(' '))
    .join('\n');
  const headerUnits =
    /\((mm|mils?|in|inch)\)/i.exec(header[col.x] ?? '') ??
    /units?\s*(?:used)?\s*[:=]\s*(mm|mils?|in|inch)/i.exec(preamble);
  const units: 'mm' | 'mil' | 'in' = headerUnits
    ? /^mil/i.test(headerUnits[1])
      ? 'mil'
      : /^in/i.test(headerUnits[1])
        ? 'in'
        : 'mm'
    : 'mm';
  const factor = unitFactor(units) ?? 1;
  const width = header.filter((c) => c.trim() !== '').length;
  const cell = (cells: string[], i: number): string => (i >= 0 ? (cells[i] ?? '').trim() : '');
  const kicadAscii = rows[headerIndex].cells.length === 1;

  const placements: Placement[] = [];
  const dataRows = rows.slice(headerIndex + 1).filter((r) => !(r.cells.length === 1 && r.cells[0].startsWith('#')));
  if (dataRows.length > maxRows) {
    issues.push({
      severity: 'error',
      code: 'cpl-too-many-rows',
      file,
      message: `${file}: ${dataRows.length} rows, more than the ${maxRows} accepted; only the first ${maxRows} were read`,
    });
  }
  if (col.side < 0) {
    issues.push({
      severity: 'warning',
      code: 'cpl-side-column-missing',
      file,
      message: `${file}: no Layer/Side column; every part is taken as top side`,
    });
  }
  for (const { row, cells: raw } of dataRows.slice(0, maxRows)) {
    if (isBlank(raw)) {
      if (dataRows.some((r) => r.row > row && !isBlank(r.cells))) {
        issues.push({
          severity: 'warning',
          code: 'cpl-row-blank',
          file,
          row,
          message: `${file} row ${row}: blank row (ignored)`,
        });
      }
      continue;
    }
    // KiCad ASCII values may hold spaces: Ref first, the last four fields fixed, the rest value + package.
    const cells =
      kicadAscii && raw.length > width
        ? [raw[0], raw.slice(1, raw.length - 5).join(' '), ...raw.slice(raw.length - 5)]
        : raw;
    if (cells.length < width) {
      issues.push({
        severity: 'error',
        code: 'cpl-row-short',
        file,
        row,
        message: `${file} row ${row}: ${cells.length} of ${width} columns ("${cells.join(',').slice(0, 40)}"); the row was not read`,
      });
      continue;
    }
    const designator = cell(cells, col.designator);
    if (!designator) {
      issues.push({
        severity: 'error',
        code: 'cpl-designator-missing',
        file,
        row,
        message: `${file} row ${row}: no designator`,
      });
      continue;
    }
    const xText = cell(cells, col.x);
    const yText = cell(cells, col.y);
    const xMm = parseLength(xText, factor);
    const yMm = parseLength(yText, factor);
    if (xMm === null || yMm === null) {
      const missing = [xMm === null ? `X ("${xText}")` : '', yMm === null ? `Y ("${yText}")` : '']
        .filter(Boolean)
        .join(' and ');
      issues.push({
        severity: 'error',
        code: 'cpl-coordinate-missing',
        file,
        row,
        refs: [designator],
        message: `${file} row ${row}: ${designator} has no usable ${missing} coordinate`,
      });
    }
    const sideText = cell(cells, col.side);
    let side: 'top' | 'bottom' | null = col.side < 0 ? 'top' : normaliseSide(sideText);
    if (col.side >= 0 && /mirror/i.test(header[col.side]))
      side = /^(yes|y|1|true|mirrored)$/i.test(sideText) ? 'bottom' : 'top';
    if (side === null) {
      issues.push({
        severity: 'error',
        code: 'cpl-side-unknown',
        file,
        row,
        refs: [designator],
        message: `${file} row ${row}: ${designator} is on layer "${sideText}", which is neither top nor bottom`,
      });
    }
    const typeText = cell(cells, col.type);
    const rotation = Number(cell(cells, col.rotation));
    placements.push({
      row,
      designator,
      xMm,
      yMm,
      rotation: cell(cells, col.rotation) !== '' && Number.isFinite(rotation) ? rotation : null,
      side,
      footprint: cell(cells, col.footprint),
      value: cell(cells, col.value),
      throughHole: /^(tht|th|pth|through[\s-]?hole|dip)$/i.test(typeText)
        ? true
        : /^(smd|smt)$/i.test(typeText)
          ? false
          : null,
    });
  }
  const seen = new Map<string, number[]>();
  for (const p of placements)
    seen.set(designatorKey(p.designator), [...(seen.get(designatorKey(p.designator)) ?? []), p.row]);
  for (const [designator, at] of seen) {
    if (at.length > 1) {
      issues.push({
        severity: 'error',
        code: 'cpl-designator-duplicate',
        file,
        row: at[1],
        refs: [designator],
        message: `${file}: ${designator} is placed ${at.length} times (rows ${at.join(', ')})`,
      });
    }
  }
  return { file, placements, units, issues };
}

/** Whether a placement is through-hole: its Type column, else its footprint, else the BOM's footprint. */
export function placementIsThroughHole(p: Placement, bomFootprint?: string): boolean {
  if (p.throughHole !== null) return p.throughHole;
  if (p.footprint) return isThroughHole(p.footprint);
  return isThroughHole(bomFootprint);
}
