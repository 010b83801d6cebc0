/**
 * Where a quote's files live under DATA_DIR: the customer's uploads (content-addressed by sha256) and the issued
 * PDFs, named after the quote number. The quote activities write them, the quote API reads them: both name them here.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Folder of issued quote PDFs. */
export function quoteDocumentsDir(dataDir: string): string {
  return join(dataDir, 'documents', 'quotes');
}

/** File name of a quote document: the quote number made safe for any file system, `.pdf`. */
export function quoteDocumentName(quoteNumber: string): string {
  return `${quoteNumber.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`;
}

/** Full path of an issued revision's PDF (its quote number is `<reference>-r<revision>`). */
export function quotePdfPath(documentsDir: string, reference: string, revision: number): string {
  return join(documentsDir, quoteDocumentName(`${reference}-r${revision}`));
}

/** Stores one uploaded file for a revision; the same bytes land on the same path. */
export async function storeQuoteFile(dataDir: string, quoteId: string, revision: number, name: string, data: Buffer): Promise<{ path: string; sha256: string; size: number }> {
  const sha256 = createHash('sha256').update(data).digest('hex');
  const dir = join(dataDir, 'uploads', 'quotes', quoteId, `r${revision}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${sha256.slice(0, 16)}-${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-100)}`);
  await writeFile(path, data);
  return { path, sha256, size: data.length };
}
