/**
 * Benchmark of the quote analysis on the shared fixture boards: median wall time per board of
 * `analyzeFiles` (read the folder, hash every file, identify, measure, count, check), next to peers run on
 * the same boards in the same process: tracespace's pcb-stackup (parse + plot + render, the usual way to
 * get a board's size in JavaScript) and gerber-parser's synchronous parse alone (no geometry at all).
 * Target: ≤ 300 ms median per board and faster than pcb-stackup.
 *
 *   npx tsx bench/quote-analyze.ts [runs]     (default 7 runs per board, after one warm-up)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import gerberParser from 'gerber-parser';
import pcbStackup from 'pcb-stackup';
import { analyzeFiles } from '../activities/quote/analyze-files';

const FIXTURES = join(__dirname, '..', '..', 'shared', 'fixtures', 'boards');
const RUNS = Number(process.argv[2] ?? 7);

interface ManifestLayer {
  name: string;
  type: string;
  side: string;
  options?: Record<string, unknown>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function time(fn: () => Promise<unknown> | unknown): Promise<number[]> {
  await fn(); // warm-up (JIT, file cache)
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  if (!existsSync(FIXTURES)) {
    console.log(`skipped: ${FIXTURES} is absent (the shared fixtures live beside the repository)`);
    return;
  }
  console.log(
    `quote analysis benchmark — Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${RUNS} runs per board, median ms`,
  );
  const rows: string[][] = [
    ['board', 'files', 'KiB', 'ours ms', 'board mm', 'pcb-stackup ms', 'its mm', 'ratio', 'gerber-parser ms'],
  ];
  const ours: number[] = [];
  for (const board of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, board);
    const manifestPath = join(dir, 'manifest.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { layers: ManifestLayer[] };
    const texts = manifest.layers.map((l) => ({ ...l, text: readFileSync(join(dir, l.name), 'utf8') }));
    const kib = texts.reduce((n, t) => n + t.text.length, 0) / 1024;

    let size = '';
    const oursMs = median(
      await time(async () => {
        const a = await analyzeFiles({ gerbers: dir });
        size = `${a.board.widthMm}×${a.board.heightMm}`;
      }),
    );
    let peerSize = '';
    const peerMs = median(
      await time(async () => {
        // pcb-stackup is given the manifest's own layer types: it does no identification work of its own.
        const stackup = await pcbStackup(
          texts.map((t) => ({
            filename: t.name,
            gerber: t.text,
            side: t.side as never,
            type: t.type as never,
            options: t.options as never,
          })),
        );
        const f = stackup.top.units === 'in' ? 25.4 : 1;
        peerSize = `${(stackup.top.width * f).toFixed(2)}×${(stackup.top.height * f).toFixed(2)}`;
      }),
    );
    const parserMs = median(
      await time(() => {
        for (const t of texts)
          (
            gerberParser({ filetype: t.type === 'drill' ? 'drill' : 'gerber' }) as unknown as {
              parseSync(text: string): unknown[];
            }
          ).parseSync(t.text);
      }),
    );
    ours.push(oursMs);
    rows.push([
      board,
      String(texts.length),
      kib.toFixed(0),
      oursMs.toFixed(1),
      size,
      peerMs.toFixed(1),
      peerSize,
      `${(peerMs / oursMs).toFixed(1)}× faster`,
      parserMs.toFixed(1),
    ]);
  }
  console.log(
    `load average after the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (other jobs share the cores)`,
  );
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  const worst = Math.max(...ours);
  console.log(`\nworst median ${worst.toFixed(1)} ms per board: ${worst <= 300 ? 'within' : 'OVER'} the 300 ms target`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
