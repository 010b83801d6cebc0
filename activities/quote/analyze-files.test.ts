import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import {
  copperGerber,
  maskGerber,
  nonPlatedDrill,
  outlineGerber,
  pasteGerber,
  platedDrill,
} from '../../domain/quote/test-support/test-boards';
import { InputRejectedError } from '../../domain/quote/table';
import { analyzeFiles, readTable, sha256 } from './analyze-files';
import { ArchiveRejectedError, DEFAULT_ARCHIVE_LIMITS } from '../../infra/files/archive';
import { makeZip } from './test-support/make-zip';

const boardZip = () =>
  makeZip([
    { name: 'out/board-F_Cu.gbr', data: copperGerber('Top') },
    { name: 'out/board-B_Cu.gbr', data: copperGerber('Bot', false) },
    { name: 'out/board-F_Mask.gbr', data: maskGerber('Top') },
    { name: 'out/board-F_Paste.gbr', data: pasteGerber('Top') },
    { name: 'out/board-Edge_Cuts.gbr', data: outlineGerber(50, 30) },
    { name: 'out/board-PTH.drl', data: platedDrill() },
    { name: 'out/board-NPTH.drl', data: nonPlatedDrill() },
  ]);

async function bomXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('BOM');
  ws.addRow(['Project sensor', '', '']); // a title row before the header, as Altium writes
  ws.addRow(['Designator', 'Comment', 'Footprint', 'Quantity']);
  ws.addRow(['R1, R2', '10k', 'R_0402', 2]);
  ws.addRow(['U1', 'MCU', 'SOIC-8', 2]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('analyzeFiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quote-analyze-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('analyses a zip with an XLSX BOM and a CSV placement, naming rows as the spreadsheet numbers them', async () => {
    const zip = join(dir, 'board.zip');
    await writeFile(zip, boardZip());
    await writeFile(join(dir, 'bom.xlsx'), await bomXlsx());
    await writeFile(
      join(dir, 'cpl.csv'),
      'Designator,Mid X,Mid Y,Layer,Rotation\nR1,1,1,Top,0\nR2,2,2,Top,0\nU1,3,3,Top,0\n',
    );
    const a = await analyzeFiles({ gerbers: zip, bom: join(dir, 'bom.xlsx'), cpl: join(dir, 'cpl.csv') });
    expect(a.board).toMatchObject({ widthMm: 50, heightMm: 30, copperLayers: 2 });
    expect(a.drill).toMatchObject({ holes: 4, plated: 3, nonPlated: 1 });
    expect(a.bom).toEqual({ lines: 2, uniqueParts: 2, placements: 3, dnp: 0 });
    expect(a.placement).toEqual({ smt: 3, tht: 0, top: 3, bottom: 0, sides: 1 });
    expect(a.issues.find((i) => i.code === 'bom-quantity-mismatch')).toMatchObject({
      row: 4,
      refs: ['U1'],
      file: 'bom.xlsx',
    });
    // Every input is hashed: the archive, each entry, the BOM and the CPL.
    expect(a.inputs.map((i) => `${i.role}:${i.file}`)).toEqual([
      'gerber:board.zip',
      'gerber:out/board-F_Cu.gbr',
      'gerber:out/board-B_Cu.gbr',
      'gerber:out/board-F_Mask.gbr',
      'gerber:out/board-F_Paste.gbr',
      'gerber:out/board-Edge_Cuts.gbr',
      'gerber:out/board-PTH.drl',
      'gerber:out/board-NPTH.drl',
      'bom:bom.xlsx',
      'cpl:cpl.csv',
    ]);
    expect(a.inputs[0].sha256).toBe(sha256(await readFile(zip)));
    // Same inputs, same result (idempotent activity).
    const again = await analyzeFiles({ gerbers: zip, bom: join(dir, 'bom.xlsx'), cpl: join(dir, 'cpl.csv') });
    expect(again).toEqual(a);
  });

  it('accepts buffers (an HTTP upload) and changes the input hash when a file changes', async () => {
    const a = await analyzeFiles({ gerbers: { name: 'up.zip', data: boardZip() } });
    const b = await analyzeFiles({
      gerbers: { name: 'up.zip', data: makeZip([{ name: 'board-F_Cu.gbr', data: copperGerber('Top', false) }]) },
    });
    expect(a.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.inputHash).not.toBe(a.inputHash);
  });

  it('refuses an upload that is not a zip, and a BOM that is not a table', async () => {
    await expect(
      analyzeFiles({ gerbers: { name: 'board.rar', data: Buffer.from('Rar!\x1a\x07\x00') } }),
    ).rejects.toThrow(ArchiveRejectedError);
    await expect(readTable('bom.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]))).rejects.toThrow(
      InputRejectedError,
    );
  });

  it('uses a BOM and a placement file found in the archive when none is given separately', async () => {
    const zip = makeZip([
      { name: 'gerber/board-F_Cu.gbr', data: copperGerber('Top') },
      { name: 'gerber/board-Edge_Cuts.gbr', data: outlineGerber(50, 30) },
      { name: 'assembly/board-BOM.csv', data: 'Designator,Comment,Footprint\nR1,10k,R_0402\n' },
      { name: 'assembly/board-top-pos.csv', data: 'Ref,Val,Package,PosX,PosY,Rot,Side\nR1,10k,R_0402,1,1,0,top\n' },
    ]);
    const a = await analyzeFiles({ gerbers: { name: 'all.zip', data: zip } });
    expect(a.bom).toEqual({ lines: 1, uniqueParts: 1, placements: 1, dnp: 0 });
    expect(a.placement).toMatchObject({ smt: 1, top: 1 });
    expect(a.issues.filter((i) => i.code.endsWith('-from-archive')).map((i) => i.file)).toEqual([
      'assembly/board-BOM.csv',
      'assembly/board-top-pos.csv',
    ]);
    const two = makeZip([
      { name: 'a-top-pos.csv', data: 'Ref,PosX,PosY,Rot,Side\nR1,1,1,0,top\n' },
      { name: 'a-bottom-pos.csv', data: 'Ref,PosX,PosY,Rot,Side\nR2,1,1,0,bottom\n' },
    ]);
    const b = await analyzeFiles({ gerbers: { name: 'two.zip', data: two } });
    expect(b.placement).toBeNull();
    expect(b.issues.find((i) => i.code === 'cpl-ambiguous-in-archive')!.refs).toEqual([
      'a-top-pos.csv',
      'a-bottom-pos.csv',
    ]);
  });

  it('reads BOMs saved by Chinese Excel (GB18030) and as Unicode text (UTF-16)', async () => {
    const gbk = Buffer.concat([
      Buffer.from('Designator,Comment\nR1,'),
      Buffer.from([0xb5, 0xe7, 0xd7, 0xe8]),
      Buffer.from('\n'),
    ]); // 电阻
    expect((await readTable('bom.csv', gbk)).rows[1].cells).toEqual(['R1', '电阻']);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Designator\tComment\r\nC1\t电容\r\n', 'utf16le'),
    ]);
    expect((await readTable('bom.txt', utf16)).rows[1].cells).toEqual(['C1', '电容']);
  });

  it('refuses a CSV with an unclosed quote, naming the file and line', async () => {
    const err = await readTable('bom.csv', Buffer.from('Designator,Value\n"R1,R2,10k\n')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputRejectedError);
    expect((err as InputRejectedError).message).toMatch(/^bom.csv cannot be read as CSV: Quote Not Closed.*line 2/);
  });

  it('bounds the rows of a BOM', async () => {
    const text = `Designator,Value\n${Array.from({ length: 200 }, (_, i) => `R${i},1k`).join('\n')}\n`;
    const limits = {
      archive: DEFAULT_ARCHIVE_LIMITS,
      analysis: { parseTimeMs: 2000, maxRows: 100 },
      maxTableBytes: 1e6,
    };
    const err = await readTable('big.csv', Buffer.from(text), limits).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputRejectedError);
    expect((err as InputRejectedError).message).toMatch(/big.csv has 202 lines; at most 100 rows/);
  });
});
