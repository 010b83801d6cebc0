/** Where uploaded quote files and issued PDFs live under DATA_DIR; uploads are content-addressed (sha256). */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Folder of issued quote PDFs (the quote activities write there, the API reads). */
export function quoteDocumentsDir(dataDir: string): string {
  return join(dataDir, 'documents', 'quotes');
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
