/**
 * The board preview of a quote: top and bottom renders of the uploaded Gerbers (tracespace's pcb-stackup), as a
 * customer knows them from online PCB shops. Drawn by the quote workflow's activity once the files are analysed,
 * once per archive content, and kept as SVG files that the quote API serves (`infra/files/quote-files.ts` names
 * them); a board that cannot be drawn is remembered too. Bounded: archives over 10 MiB are not drawn and a render
 * over 4 MiB of SVG is dropped.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import whatsThatGerber from 'whats-that-gerber';
import { readZip } from '../../infra/files/archive';
import { boardPreviewPath, boardPreviewRefusedPath } from '../../infra/files/quote-files';

const MAX_ARCHIVE_BYTES = 10 * 1024 * 1024;
const MAX_SVG_BYTES = 4 * 1024 * 1024;
const DRAWN_TYPES = new Set(['copper', 'soldermask', 'silkscreen', 'solderpaste', 'drill', 'outline']);

/** Both sides' SVG, or null when the archive holds no drawable board. */
async function render(archivePath: string): Promise<{ top: string; bottom: string } | null> {
  const zip = await readFile(archivePath);
  if (zip.length > MAX_ARCHIVE_BYTES) return null;
  const files = await readZip(zip);
  const types = whatsThatGerber(files.map((f) => f.file));
  const layers = files
    .filter((f) => DRAWN_TYPES.has(types[f.file]?.type ?? ''))
    .map((f) => ({
      filename: f.file,
      gerber: Buffer.from(f.data).toString('latin1'),
      type: types[f.file].type,
      side: types[f.file].side,
    }));
  if (!layers.some((l) => l.type === 'copper')) return null;
  // Loaded when first needed: the renderer is large.
  const { default: pcbStackup } = await import('pcb-stackup');
  const stackup = await pcbStackup(layers as never);
  const { svg: top } = stackup.top;
  const { svg: bottom } = stackup.bottom;
  if (!top || !bottom || top.length > MAX_SVG_BYTES || bottom.length > MAX_SVG_BYTES) return null;
  return { top, bottom };
}

/** Writes a file whole or not at all (a reader never sees half an SVG). */
async function writeWhole(path: string, text: string): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, text);
  await rename(partial, path);
}

/**
 * Draws the archive's board into `previewsDir` unless it was drawn (or refused) before: idempotent, so a retried
 * activity finds its work done. `drawn` is false when the files cannot be drawn.
 */
export async function drawBoardPreview(
  previewsDir: string,
  archive: { path: string; sha256: string },
): Promise<{ drawn: boolean }> {
  if (existsSync(boardPreviewPath(previewsDir, archive.sha256, 'bottom'))) return { drawn: true };
  if (existsSync(boardPreviewRefusedPath(previewsDir, archive.sha256))) return { drawn: false };
  await mkdir(previewsDir, { recursive: true });
  const svg = await render(archive.path).catch(() => null);
  if (!svg) {
    await writeFile(boardPreviewRefusedPath(previewsDir, archive.sha256), '');
    return { drawn: false };
  }
  await writeWhole(boardPreviewPath(previewsDir, archive.sha256, 'top'), svg.top);
  await writeWhole(boardPreviewPath(previewsDir, archive.sha256, 'bottom'), svg.bottom);
  return { drawn: true };
}
