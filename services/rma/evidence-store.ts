/**
 * Evidence files of an RMA (photos, signed site-visit reports) under DATA_DIR. Each upload gets its own id; the
 * bytes and a small JSON description (original name, sha256, who) sit side by side, so no table is needed.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Upload limits of POST /api/rmas/:id/evidence. */
export const EVIDENCE_LIMITS = { files: 10, fileBytes: 10 * 1024 * 1024 } as const;

/** Path parameters of one evidence file. */
export const RmaEvidenceParams = z.object({
  id: z.uuid({ error: 'must be an RMA id (uuid)' }),
  evidenceId: z.uuid({ error: 'must be an evidence id (uuid)' }),
});
export type RmaEvidenceParams = z.infer<typeof RmaEvidenceParams>;

/** What is known about one stored evidence file. */
export const StoredEvidence = z.object({
  id: z.uuid(),
  name: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
});
export type StoredEvidence = z.infer<typeof StoredEvidence>;

function evidenceDir(dataDir: string, rmaId: string): string {
  return join(dataDir, 'uploads', 'rmas', rmaId, 'evidence');
}

/** Keeps one evidence file of an RMA, received on disk under DATA_DIR (so moved, not copied), under a new id. */
export async function storeEvidence(
  dataDir: string,
  rmaId: string,
  name: string,
  upload: { path: string; sha256: string; bytes: number },
  uploadedBy: string,
): Promise<StoredEvidence> {
  const dir = evidenceDir(dataDir, rmaId);
  await mkdir(dir, { recursive: true });
  const evidence: StoredEvidence = {
    id: randomUUID(),
    name,
    sha256: upload.sha256,
    bytes: upload.bytes,
    uploadedBy,
    uploadedAt: new Date().toISOString(),
  };
  await rename(upload.path, join(dir, `${evidence.id}.bin`));
  // The description last: a file without one is not found, so a half-written upload is never served.
  await writeFile(join(dir, `${evidence.id}.json`), JSON.stringify(evidence));
  return evidence;
}

/** One evidence file of the RMA with its path, or null when the RMA has no such file. */
export async function findEvidence(
  dataDir: string,
  rmaId: string,
  evidenceId: string,
): Promise<(StoredEvidence & { path: string }) | null> {
  const dir = evidenceDir(dataDir, rmaId);
  let text: string;
  try {
    text = await readFile(join(dir, `${evidenceId}.json`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { ...StoredEvidence.parse(JSON.parse(text)), path: join(dir, `${evidenceId}.bin`) };
}
