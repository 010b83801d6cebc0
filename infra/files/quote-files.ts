/**
 * Where a quote's files live under DATA_DIR: the customer's uploads (content-addressed by sha256) and the issued
 * PDFs, named after the quote number. The quote activities write them, the quote API reads them: both name them here.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

/** Where a revision's file of this content and name is kept; the same bytes land on the same path. */
async function quoteFilePath(
  dataDir: string,
  quoteId: string,
  revision: number,
  name: string,
  sha256: string,
): Promise<string> {
  const dir = join(dataDir, 'uploads', 'quotes', quoteId, `r${revision}`);
  await mkdir(dir, { recursive: true });
  return join(dir, `${sha256.slice(0, 16)}-${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-100)}`);
}

/** Stores one file held in memory for a revision. */
export async function storeQuoteFile(
  dataDir: string,
  quoteId: string,
  revision: number,
  name: string,
  data: Buffer,
): Promise<{ path: string; sha256: string; size: number }> {
  const sha256 = createHash('sha256').update(data).digest('hex');
  const path = await quoteFilePath(dataDir, quoteId, revision, name, sha256);
  await writeFile(path, data);
  return { path, sha256, size: data.length };
}

/** Keeps an upload received on disk (under DATA_DIR, so it is moved, not copied) as a revision's file. */
export async function keepUploadedQuoteFile(
  dataDir: string,
  quoteId: string,
  revision: number,
  name: string,
  upload: { path: string; sha256: string; bytes: number },
): Promise<{ path: string; sha256: string; size: number }> {
  const path = await quoteFilePath(dataDir, quoteId, revision, name, upload.sha256);
  await rename(upload.path, path);
  return { path, sha256: upload.sha256, size: upload.bytes };
}

/**
 * Removes files a refused request kept (moved into a revision's folder before it was refused), and their revision
 * folder when nothing else is in it, so a refused request leaves the upload folder as it found it.
 */
export async function discardQuoteFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
  for (const dir of new Set(paths.map((path) => dirname(path)))) await rmdir(dir).catch(() => undefined); // not empty (another request's file) or already gone: leave it
}

/** Folder of board previews (SVG renders of a Gerber archive, named by the archive's sha256). */
export function boardPreviewsDir(dataDir: string): string {
  return join(dataDir, 'previews');
}

export type PreviewSide = 'top' | 'bottom';

/** The SVG of one side of an archive's board, once drawn. */
export function boardPreviewPath(previewsDir: string, archiveSha256: string, side: PreviewSide): string {
  return join(previewsDir, `${archiveSha256}.${side}.svg`);
}

/** Marks an archive that cannot be drawn (no copper layer, unreadable, too large), so it is not tried again. */
export function boardPreviewRefusedPath(previewsDir: string, archiveSha256: string): string {
  return join(previewsDir, `${archiveSha256}.none`);
}
