/**
 * The files of a quote request and of its revisions: the multipart form (a Gerber zip and the optional BOM and
 * placement tables), its checks, and moving the uploads into the revision's folder with their rows.
 */
import type { DbOrTrx } from '../../infra/db/database';
import { addQuoteFile } from '../../infra/db/repositories/quotes';
import type { ReceivedFile } from '../../infra/http/uploads';
import { ValidationError } from '../../infra/http/errors';
import type { StoredQuoteFile } from '../../domain/quote/contract';
import { inspectZipFile, ArchiveRejectedError } from '../../infra/files/archive';
import { keepUploadedQuoteFile } from '../../infra/files/quote-files';

const MAX_TABLE_BYTES = 10 * 1024 * 1024;
const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;

/** The form of a quote request: a Gerber zip and the optional BOM and placement tables, streamed to disk. */
export const QUOTE_FORM = {
  fileFields: { gerber: 1, bom: 1, placement: 1 },
  maxFileBytes: MAX_ARCHIVE_BYTES,
  maxFields: 10,
  maxFieldBytes: 8 * 1024,
  maxRequestBytes: MAX_ARCHIVE_BYTES + 2 * MAX_TABLE_BYTES + 1024 * 1024,
  fileTooLarge: (field: string) => `${field}: file is larger than ${MAX_ARCHIVE_BYTES} bytes`,
  tooManyFiles: (field: string) => `${field}: one file per field (gerber, bom, placement)`,
};

export function filesOf(req: { uploads?: ReceivedFile[] }) {
  const byField = (field: string) => req.uploads?.find((f) => f.field === field);
  return { gerber: byField('gerber'), bom: byField('bom'), placement: byField('placement') };
}

/** Refuses a Gerber upload that is not a bounded zip, and BOM / placement files above the table limit. */
export async function checkFiles(files: ReturnType<typeof filesOf>, gerberRequired: boolean): Promise<void> {
  if (!files.gerber && gerberRequired)
    throw new ValidationError('gerber: a zip archive of the Gerber and drill files is required', 'gerber');
  if (files.gerber) {
    try {
      await inspectZipFile(files.gerber.path);
    } catch (error) {
      if (error instanceof ArchiveRejectedError) throw new ValidationError(`gerber: ${error.message}`, 'gerber');
      throw new ValidationError('gerber: not a readable zip archive', 'gerber');
    }
  }
  for (const field of ['bom', 'placement'] as const) {
    const f = files[field];
    if (f && f.bytes > MAX_TABLE_BYTES)
      throw new ValidationError(`${field}: file is larger than ${MAX_TABLE_BYTES} bytes`, field);
    if (f && f.bytes === 0) throw new ValidationError(`${field}: file is empty`, field);
  }
}

/** Moves the uploads into the revision's folder, with their rows; `moved` collects the paths (for a rollback). */
export async function storeFiles(
  dataDir: string,
  quoteId: string,
  revision: number,
  files: ReturnType<typeof filesOf>,
  into: DbOrTrx,
  moved: string[] = [],
) {
  const stored: Partial<Record<'gerber' | 'bom' | 'cpl', StoredQuoteFile>> = {};
  for (const [field, kind] of [
    ['gerber', 'gerber'],
    ['bom', 'bom'],
    ['placement', 'cpl'],
  ] as const) {
    const f = files[field];
    if (!f) continue;
    const name = f.name || `${field}.bin`;
    const saved = await keepUploadedQuoteFile(dataDir, quoteId, revision, name, f);
    moved.push(saved.path);
    await addQuoteFile(into, {
      quote_id: quoteId,
      revision,
      kind,
      filename: name,
      content_hash: saved.sha256,
      size_bytes: saved.size,
      storage_path: saved.path,
    });
    stored[kind] = { name, path: saved.path, sha256: saved.sha256 };
  }
  return stored;
}
