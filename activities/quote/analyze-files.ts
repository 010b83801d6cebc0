/**
 * The analysis activity: reads the Gerber zip or folder and the BOM / placement files (CSV, TSV, text or
 * XLSX), hashes every input so that the quote, the build and a later RMA refer to the exact same files,
 * and runs the pure analysis. Idempotent: the same inputs give the same result.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import {
  analyzeUpload,
  AnalysisLimits,
  DEFAULT_ANALYSIS_LIMITS,
  QuoteAnalysis,
  TableInput,
  UploadedFile,
} from '../../domain/quote/analyze';
import { baseName, sniffFormat } from '../../domain/quote/layers';
import { InputRejectedError, QuoteIssue, readTextTable, TableRow } from '../../domain/quote/table';
import {
  ArchiveLimits,
  ArchiveRejectedError,
  DEFAULT_ARCHIVE_LIMITS,
  inspectZip,
  readFolder,
  readZip,
} from '../../infra/files/archive';

/** A hashed input file. */
export interface HashedInput {
  role: 'gerber' | 'bom' | 'cpl';
  file: string;
  bytes: number;
  sha256: string;
}

/** Analysis plus the hashes of what was analysed. */
export interface AnalyzedUpload extends QuoteAnalysis {
  inputs: HashedInput[];
  /** SHA-256 over the sorted input hashes: one identifier for the whole file set. */
  inputHash: string;
}

/** Where the inputs are: paths on disk, or buffers already received (e.g. an HTTP upload). */
export interface AnalyzeFilesInput {
  /** A zip archive or a folder of Gerber / drill files. */
  gerbers: string | { name: string; data: Buffer };
  bom?: string | { name: string; data: Buffer } | null;
  cpl?: string | { name: string; data: Buffer } | null;
}

/** Limits for one analysis. */
export interface AnalyzeLimits {
  archive: ArchiveLimits;
  analysis: AnalysisLimits;
  /** Largest BOM / placement file accepted, bytes. */
  maxTableBytes: number;
}

export const DEFAULT_LIMITS: AnalyzeLimits = {
  archive: DEFAULT_ARCHIVE_LIMITS,
  analysis: DEFAULT_ANALYSIS_LIMITS,
  maxTableBytes: 10 * 1024 * 1024,
};

const TABLE_FILE = /\.(csv|tsv|txt|xlsx|pos)$/i;
const BOM_NAME = /(^|[^a-z])(bom|bill[_ -]?of[_ -]?materials?)([^a-z]|$)/i;
const CPL_NAME = /(^|[^a-z])(cpl|pos|pnp|pick[_ -]?(and|n|&)?[_ -]?place|centroid|placement|positions?)([^a-z]|$)/i;

/** SHA-256 of bytes, hex. */
export function sha256(data: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const isZip = (data: Buffer) => data.length >= 4 && data.readUInt32LE(0) === 0x04034b50;

async function loadSource(
  source: string | { name: string; data: Buffer },
  maxBytes: number,
): Promise<{ name: string; data: Buffer }> {
  if (typeof source !== 'string') return source;
  const info = await stat(source);
  if (info.size > maxBytes)
    throw new InputRejectedError(
      'file-too-large',
      `${basename(source)} is ${info.size} bytes; at most ${maxBytes} are accepted`,
    );
  return { name: basename(source), data: await readFile(source) };
}

/** Reads a BOM or placement file into rows: XLSX through exceljs (after zip checks), text otherwise. */
export async function readTable(
  name: string,
  data: Buffer,
  limits: AnalyzeLimits = DEFAULT_LIMITS,
): Promise<TableInput> {
  const maxRows = limits.analysis.maxRows;
  if (isZip(data)) {
    await inspectZip(data, limits.archive); // an XLSX is a zip: refuse bombs before exceljs inflates it
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(data as unknown as ArrayBuffer);
    } catch (err) {
      throw new InputRejectedError(
        'table-unreadable',
        `${name} is not a readable XLSX workbook: ${(err as Error).message}`,
      );
    }
    const sheet = workbook.worksheets.find((ws) => ws.rowCount > 0);
    if (!sheet) throw new InputRejectedError('table-empty', `${name}: the workbook has no rows`);
    if (sheet.rowCount > maxRows + 50)
      throw new InputRejectedError('too-many-rows', `${name}: ${sheet.rowCount} rows; at most ${maxRows} are accepted`);
    const rows: TableRow[] = [];
    for (let r = 1; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= Math.max(row.cellCount, 0); c++) cells.push(row.getCell(c).text.trim());
      rows.push({ row: r, cells });
    }
    return { file: name, rows };
  }
  return { file: name, rows: readTextTable(decodeText(name, data), maxRows, name) };
}

/**
 * Decodes a text table: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text" export) and, when the
 * bytes are not valid UTF-8, GB18030 — what Chinese Excel writes for "CSV".
 */
export function decodeText(name: string, data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  if (data.subarray(0, 4096).includes(0)) {
    throw new InputRejectedError(
      'table-unreadable',
      `${name}: a binary file, not CSV / TSV / text or XLSX (old .xls files must be saved as .xlsx or .csv)`,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('gb18030').decode(data);
  }
}

/** Reads, hashes and analyses one upload. Throws ArchiveRejectedError / InputRejectedError for refused input. */
export async function analyzeFiles(
  input: AnalyzeFilesInput,
  limits: AnalyzeLimits = DEFAULT_LIMITS,
): Promise<AnalyzedUpload> {
  const inputs: HashedInput[] = [];
  let files: UploadedFile[];
  if (typeof input.gerbers === 'string' && (await stat(input.gerbers)).isDirectory()) {
    files = await readFolder(input.gerbers, limits.archive);
  } else {
    const src = await loadSource(input.gerbers, limits.archive.maxArchiveBytes);
    if (!isZip(src.data)) {
      throw new ArchiveRejectedError(
        'archive-not-zip',
        `${src.name} is not a zip archive (give a .zip of the Gerber and drill files, or a folder)`,
      );
    }
    inputs.push({ role: 'gerber', file: src.name, bytes: src.data.length, sha256: sha256(src.data) });
    files = await readZip(src.data, limits.archive);
  }
  for (const f of files) {
    inputs.push({ role: 'gerber', file: f.file, bytes: f.data.length, sha256: sha256(f.data as Buffer) });
  }
  const tables: { bom: TableInput | null; cpl: TableInput | null } = { bom: null, cpl: null };
  for (const role of ['bom', 'cpl'] as const) {
    const source = input[role];
    if (!source) continue;
    const { name, data } = await loadSource(source, limits.maxTableBytes);
    if (data.length > limits.maxTableBytes)
      throw new InputRejectedError(
        'file-too-large',
        `${name} is ${data.length} bytes; at most ${limits.maxTableBytes} are accepted`,
      );
    inputs.push({ role, file: name, bytes: data.length, sha256: sha256(data) });
    tables[role] = await readTable(name, data, limits);
  }
  // BOM / placement files sent inside the Gerber archive are used when none was given separately.
  const found: QuoteIssue[] = [];
  for (const role of ['bom', 'cpl'] as const) {
    if (tables[role]) continue;
    const candidates = files.filter(
      (f) =>
        TABLE_FILE.test(f.file) &&
        (role === 'bom' ? BOM_NAME : CPL_NAME).test(baseName(f.file)) &&
        sniffFormat(Buffer.from(f.data).subarray(0, 4096).toString('latin1')) === 'unknown',
    );
    if (candidates.length === 1) {
      const [c] = candidates;
      try {
        tables[role] = await readTable(c.file, Buffer.from(c.data), limits);
      } catch (err) {
        if (!(err instanceof InputRejectedError)) throw err;
        // The customer did not send it as the BOM / CPL: a note, not a refusal of the whole upload.
        found.push({
          severity: 'warning',
          code: `${role}-unreadable-in-archive`,
          file: c.file,
          refs: [c.file],
          message: `${err.message}; it was not used`,
        });
        continue;
      }
      found.push({
        severity: 'info',
        code: `${role}-from-archive`,
        file: c.file,
        refs: [c.file],
        message: `No ${role === 'bom' ? 'BOM' : 'placement'} file was given; ${c.file} from the archive was used`,
      });
    } else if (candidates.length > 1) {
      found.push({
        severity: 'info',
        code: `${role}-ambiguous-in-archive`,
        refs: candidates.map((c) => c.file),
        message: `The archive holds several ${role === 'bom' ? 'BOM' : 'placement'} files (${candidates.map((c) => c.file).join(', ')}); none was used: give one separately`,
      });
    }
  }
  const analysis = analyzeUpload({ files, bom: tables.bom, cpl: tables.cpl }, limits.analysis);
  analysis.issues.push(...found);
  const inputHash = sha256(
    inputs
      .map((i) => `${i.role}:${i.file}:${i.sha256}`)
      .sort()
      .join('\n'),
  );
  return { ...analysis, inputs, inputHash };
}
