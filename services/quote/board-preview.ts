/**
 * The board preview of a quote: top and bottom renders of the uploaded Gerbers (tracespace's pcb-stackup), as a
 * customer knows them from online PCB shops. Drawn once per archive content and cached as SVG files under
 * `DATA_DIR/previews/<sha256>.<side>.svg` (a board that cannot be drawn is remembered too, so it is not tried
 * again on every page view). Bounded: archives over 10 MiB are not drawn and a render over 4 MiB of SVG is
 * dropped; one render at a time per archive.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import whatsThatGerber from 'whats-that-gerber';
import { readZip } from '../../infra/files/archive';

export type PreviewSide = 'top' | 'bottom';

const MAX_ARCHIVE_BYTES = 10 * 1024 * 1024;
const MAX_SVG_BYTES = 4 * 1024 * 1024;
const DRAWN_TYPES = new Set(['copper', 'soldermask', 'silkscreen', 'solderpaste', 'drill', 'outline']);

const rendering = new Map<string, Promise<boolean>>();

/** The directory of cached previews. */
export function previewDir(dataDir: string): string {
  return join(dataDir, 'previews');
}

async function render(dir: string, archivePath: string, sha256: string): Promise<boolean> {
  const zip = await readFile(archivePath);
  if (zip.length > MAX_ARCHIVE_BYTES) return false;
  const files = await readZip(zip);
  const types = whatsThatGerber(files.map((f) => f.file));
  const layers = files
    .filter((f) => DRAWN_TYPES.has(types[f.file]?.type ?? ''))
    .map((f) => ({ filename: f.file, gerber: Buffer.from(f.data).toString('latin1'), type: types[f.file].type, side: types[f.file].side }));
  if (!layers.some((l) => l.type === 'copper')) return false;
  // Loaded when first needed: the renderer is large and most requests never draw a board.
  const { default: pcbStackup } = await import('pcb-stackup');
  const stackup = await pcbStackup(layers as never);
  const top = stackup.top.svg;
  const bottom = stackup.bottom.svg;
  if (!top || !bottom || top.length > MAX_SVG_BYTES || bottom.length > MAX_SVG_BYTES) return false;
  await writeFile(join(dir, `${sha256}.top.svg`), top);
  await writeFile(join(dir, `${sha256}.bottom.svg`), bottom);
  return true;
}

/**
 * The path of the side's SVG for a stored Gerber archive, drawing it first when needed; null when the files
 * cannot be drawn (no copper layer, unreadable Gerbers, too large).
 */
export async function boardPreview(dataDir: string, archive: { path: string; sha256: string }, side: PreviewSide): Promise<string | null> {
  const dir = previewDir(dataDir);
  const svg = join(dir, `${archive.sha256}.${side}.svg`);
  if (existsSync(svg)) return svg;
  const failed = join(dir, `${archive.sha256}.none`);
  if (existsSync(failed)) return null;
  let job = rendering.get(archive.sha256);
  if (!job) {
    job = (async () => {
      await mkdir(dir, { recursive: true });
      const drawn = await render(dir, archive.path, archive.sha256).catch(() => false);
      if (!drawn) await writeFile(failed, '');
      return drawn;
    })().finally(() => rendering.delete(archive.sha256));
    rendering.set(archive.sha256, job);
  }
  return (await job) ? svg : null;
}
