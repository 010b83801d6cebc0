/**
 * `smt quote analyze` / `smt quote price` as a user runs them: a real child process through bin/smt.
 * Inputs are built here (tiny boards), so this suite does not need the shared fixtures.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import {
  copperGerber,
  maskGerber,
  outlineGerber,
  pasteGerber,
  platedDrill,
  silkscreenGerber,
} from '../../domain/quote/test-support/test-boards';

const run = promisify(execFile);
const SMT = join(__dirname, '..', '..', 'bin', 'smt');
const smt = (args: string[]) =>
  run(process.execPath, [SMT, ...args], { cwd: join(__dirname, '..', '..') }).then(
    (r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => e,
  );

describe('smt quote (command line)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quote-cli-'));
    await writeFile(
      join(dir, 'board.zip'),
      makeZip([
        { name: 'gerber/b.GTL', data: copperGerber('Top') },
        { name: 'gerber/b.GTS', data: maskGerber('Top') },
        { name: 'gerber/b.GTP', data: pasteGerber('Top') },
        { name: 'gerber/b.GTO', data: silkscreenGerber('Top') },
        { name: 'gerber/b.GKO', data: outlineGerber(50, 30) },
        { name: 'gerber/b.TXT', data: platedDrill() },
        { name: 'readme.pdf', data: '%PDF-1.4 fab notes' },
      ]),
    );
    await writeFile(join(dir, 'bom.csv'), 'Designator,Comment,Footprint\n"R1,R2",=cmd|calc,R_0402\n');
    await writeFile(join(dir, 'cpl.csv'), 'Designator,Mid X,Mid Y,Layer,Rotation\nR1,1,1,Top,0\nR3,2,2,Top,0\n');
    await writeFile(join(dir, 'evil.zip'), makeZip([{ name: '../../etc/cron.d/x', data: 'x' }]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints exactly the analysis JSON on stdout with --json', async () => {
    const { stdout, code } = await smt([
      'quote',
      'analyze',
      join(dir, 'board.zip'),
      '--bom',
      join(dir, 'bom.csv'),
      '--cpl',
      join(dir, 'cpl.csv'),
      '--json',
    ]);
    expect(code).toBe(0);
    const a = JSON.parse(stdout);
    expect(Object.keys(a).slice(0, 6)).toEqual(['layers', 'board', 'drill', 'bom', 'placement', 'issues']);
    expect(a.layers).toEqual([
      { file: 'gerber/b.GTL', format: 'gerber', type: 'copper', side: 'top' },
      { file: 'gerber/b.GTS', format: 'gerber', type: 'soldermask', side: 'top' },
      { file: 'gerber/b.GTP', format: 'gerber', type: 'solderpaste', side: 'top' },
      { file: 'gerber/b.GTO', format: 'gerber', type: 'silkscreen', side: 'top' },
      { file: 'gerber/b.GKO', format: 'gerber', type: 'outline', side: 'all' },
      { file: 'gerber/b.TXT', format: 'drill', type: 'drill', side: 'all' },
      { file: 'readme.pdf', format: 'unknown', type: 'unknown', side: null },
    ]);
    expect(a.board).toMatchObject({ widthMm: 50, heightMm: 30, areaCm2: 15, copperLayers: 1 });
    expect(a.drill).toMatchObject({ holes: 3, tools: 2, minDiameterMm: 0.3 });
    expect(a.bom).toEqual({ lines: 1, uniqueParts: 1, placements: 2, dnp: 0 });
    expect(a.placement).toEqual({ smt: 2, tht: 0, top: 2, bottom: 0, sides: 1 });
    for (const issue of a.issues) {
      expect(['error', 'warning', 'info']).toContain(issue.severity);
      expect(typeof issue.code).toBe('string');
      expect(typeof issue.message).toBe('string');
    }
    expect(
      a.issues
        .filter((i: { severity: string }) => i.severity === 'error')
        .map((i: { code: string; refs: string[] }) => [i.code, i.refs]),
    ).toEqual([
      ['bom-designator-not-placed', ['R2']],
      ['placement-not-in-bom', ['R3']],
    ]);
  }, 90_000);

  it('writes the checklist as formula-safe CSV and prints a readable summary without --json', async () => {
    const csv = join(dir, 'issues.csv');
    const { stdout, code } = await smt([
      'quote',
      'analyze',
      join(dir, 'board.zip'),
      '--bom',
      join(dir, 'bom.csv'),
      '--cpl',
      join(dir, 'cpl.csv'),
      '--csv',
      csv,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Board {5}50 × 30 mm, 15 cm², 1 copper layer/);
    expect(stdout).toContain(
      'ERROR   placement-not-in-bom: R3 (cpl.csv row 3) is placed but has no BOM line in bom.csv',
    );
    const text = await readFile(csv, 'utf8');
    expect(text.split('\r\n')[0]).toBe('severity,code,file,row,refs,message');
    expect(text).toContain('error,placement-not-in-bom,cpl.csv,3,R3,');
  }, 90_000);

  it('prices and renders a PDF', async () => {
    const pdf = join(dir, 'quote.pdf');
    const csv = join(dir, 'price.csv');
    const { stdout, code } = await smt([
      'quote',
      'price',
      join(dir, 'board.zip'),
      '-q',
      '20',
      '--date',
      '2026-11-24',
      '--absent',
      'copper-bottom',
      '--pdf',
      pdf,
      '--csv',
      csv,
      '--json',
    ]);
    expect(code).toBe(0);
    const { quote, pdf: written } = JSON.parse(stdout);
    expect(quote).toMatchObject({ quantity: 20, currency: 'CNY', validUntil: '2026-12-09', status: 'quoted' });
    expect(written.path).toBe(pdf);
    expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    const lines = (await readFile(csv, 'utf8')).split('\r\n');
    expect(lines[0]).toBe('category,code,description,quantity,unit,unit_price_cny,total_cny');
    expect(lines[1]).toBe('pcb,pcb-engineering,"PCB engineering (CAM), 1 layers",1,order,30.00,30.00');
    expect(lines).toContain(`total,,"20 boards, quoted",,,,${(JSON.parse(stdout).quote.totalFen / 100).toFixed(2)}`);
  }, 90_000);

  it('refuses a hostile archive with exit code 2, a clear message and nothing on stdout', async () => {
    const { stdout, stderr, code } = await smt(['quote', 'analyze', join(dir, 'evil.zip'), '--json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'rejected (archive-path-unsafe): entry "../../etc/cron.d/x" climbs out of the archive with ".."',
    );
  }, 90_000);
});
