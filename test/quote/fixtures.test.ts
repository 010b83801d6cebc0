/**
 * The quote engine against the shared fixtures: real open-hardware boards from several CAD tools and a
 * 27-placement assembly. The fixtures live beside the repository (../shared/fixtures) and are never
 * copied in; without them this suite skips, saying why.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../../activities/quote/analyze-files';

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures');
const present = existsSync(join(FIXTURES, 'boards')) && existsSync(join(FIXTURES, 'assembly'));
if (!present) {
  console.warn(
    `quote fixtures test skipped: ${FIXTURES} is absent (the shared fixtures live beside the repository, not in it)`,
  );
}
const describeFixtures = present ? describe : describe.skip;

interface ManifestLayer {
  name: string;
  format: string;
  side: string | null;
  type: string;
}
const boards = present
  ? readdirSync(join(FIXTURES, 'boards')).filter((d) => existsSync(join(FIXTURES, 'boards', d, 'manifest.json')))
  : [];
const assembly = (file: string) => join(FIXTURES, 'assembly', file);

describeFixtures('quote engine on the shared fixture boards', () => {
  it.each(boards)('identifies every layer of %s as its manifest says', async (board) => {
    const dir = join(FIXTURES, 'boards', board);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { layers: ManifestLayer[] };
    const analysis = await analyzeFiles({ gerbers: dir });
    for (const expected of manifest.layers) {
      expect({ file: expected.name, ...analysis.layers.find((l) => l.file === expected.name) }).toEqual({
        file: expected.name,
        format: expected.format,
        type: expected.type,
        side: expected.side,
      });
    }
    // Everything else in the folder (LICENSE, manifest.json) is not a layer.
    const named = new Set(manifest.layers.map((l) => l.name));
    for (const other of analysis.layers.filter((l) => !named.has(l.file))) {
      expect(other).toEqual({ file: other.file, format: 'unknown', type: 'unknown', side: null });
    }
    expect(analysis.board.sizeFrom).toBe('outline');
    expect(analysis.board.copperLayers).toBe(manifest.layers.filter((l) => l.type === 'copper').length);
    expect(analysis.drill.holes).toBeGreaterThan(0);
  });

  it('measures the Arduino Uno as 68.58 × 53.34 mm (2.7 × 2.1 in)', async () => {
    const { board, drill } = await analyzeFiles({ gerbers: join(FIXTURES, 'boards', 'arduino-uno') });
    expect(Math.abs(board.widthMm - 68.58)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(board.heightMm - 53.34)).toBeLessThanOrEqual(0.5);
    expect(drill).toMatchObject({ holes: 169, tools: 6, minDiameterMm: 0.61 });
  });

  // Sizes agree with tracespace's pcb-stackup on the same files (bench/quote-analyze.ts prints both).
  it.each([
    ['8bit-mixtape', 96.51, 39.12, 85],
    ['arduino-uno', 68.58, 53.34, 169],
    ['clockblock', 104.14, 106.68, 224],
    ['core', 20.32, 35.56, 92],
  ])('measures %s as %f × %f mm with %i holes', async (board, width, height, holes) => {
    const a = await analyzeFiles({ gerbers: join(FIXTURES, 'boards', board) });
    expect(a.board.widthMm).toBeCloseTo(width, 1);
    expect(a.board.heightMm).toBeCloseTo(height, 1);
    expect(a.drill.holes).toBe(holes);
  });

  it('reads plated and non-plated drill files of a KiCad board', async () => {
    const { drill } = await analyzeFiles({ gerbers: join(FIXTURES, 'boards', 'clockblock') });
    expect(drill).toMatchObject({ holes: 224, plated: 206, nonPlated: 18 });
  });

  it.each([
    ['sensor-node-bom-kicad.csv', 'sensor-node-cpl-jlc.csv'],
    ['sensor-node-bom-jlc.csv', 'sensor-node-cpl-jlc.csv'],
    ['sensor-node-bom-altium.csv', 'sensor-node-cpl-jlc.csv'],
    ['sensor-node-bom-kicad.csv', 'sensor-node-top-pos.csv'],
  ])('counts the sensor-node from %s + %s', async (bom, cpl) => {
    const a = await analyzeFiles({ gerbers: join(FIXTURES, 'boards', 'core'), bom: assembly(bom), cpl: assembly(cpl) });
    expect(a.bom).toEqual({ lines: 16, uniqueParts: 16, placements: 27, dnp: 0 });
    expect(a.placement).toEqual({ smt: 25, tht: 2, top: 23, bottom: 4, sides: 2 });
    expect(
      a.issues.filter(
        (i) => i.code.startsWith('bom-') || i.code.startsWith('cpl-') || i.code === 'placement-not-in-bom',
      ),
    ).toEqual([]);
  });

  it('names every problem of the broken BOM / CPL pair by designator and row', async () => {
    const a = await analyzeFiles({
      gerbers: join(FIXTURES, 'boards', 'core'),
      bom: assembly('broken-bom.csv'),
      cpl: assembly('broken-cpl.csv'),
    });
    const found = a.issues
      .filter((i) => i.file === 'broken-bom.csv' || i.file === 'broken-cpl.csv')
      .map((i) => ({ code: i.code, file: i.file, row: i.row, refs: i.refs }));
    expect(found).toEqual(
      expect.arrayContaining([
        { code: 'bom-designator-not-placed', file: 'broken-bom.csv', row: 2, refs: ['R8'] },
        { code: 'placement-not-in-bom', file: 'broken-cpl.csv', row: 5, refs: ['C11'] },
        { code: 'cpl-coordinate-missing', file: 'broken-cpl.csv', row: 3, refs: ['R2'] },
        { code: 'cpl-side-unknown', file: 'broken-cpl.csv', row: 4, refs: ['C1'] },
        { code: 'bom-row-blank', file: 'broken-bom.csv', row: 4, refs: undefined },
        { code: 'bom-row-short', file: 'broken-bom.csv', row: 5, refs: undefined },
      ]),
    );
    expect(found).toHaveLength(6);
    const message = (code: string) => a.issues.find((i) => i.code === code)!.message;
    expect(message('cpl-side-unknown')).toBe(
      'broken-cpl.csv row 4: C1 is on layer "Sideways", which is neither top nor bottom',
    );
    expect(message('cpl-coordinate-missing')).toBe('broken-cpl.csv row 3: R2 has no usable X ("") coordinate');
  });
});
