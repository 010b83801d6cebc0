import { analyzeUpload, platingFromName } from './analyze';
import { readTextTable } from './table';
import {
  copperGerber,
  maskGerber,
  nonPlatedDrill,
  outlineGerber,
  pasteGerber,
  platedDrill,
} from './test-support/test-boards';

const board = (overrides: Record<string, string | null> = {}) => {
  const files: Record<string, string | null> = {
    'gerber/b-F_Cu.gbr': copperGerber('Top'),
    'gerber/b-B_Cu.gbr': copperGerber('Bot', false),
    'gerber/b-F_Mask.gbr': maskGerber('Top'),
    'gerber/b-B_Mask.gbr': maskGerber('Bot'),
    'gerber/b-F_Paste.gbr': pasteGerber('Top'),
    'gerber/b-Edge_Cuts.gbr': outlineGerber(50, 30),
    'gerber/b-PTH.drl': platedDrill(),
    'gerber/b-NPTH.drl': nonPlatedDrill(),
    'gerber/README.txt': 'Board b, 1.6 mm FR4\n',
    ...overrides,
  };
  return Object.entries(files)
    .filter(([, v]) => v !== null)
    .map(([file, data]) => ({ file, data: Buffer.from(data!) }));
};
const table = (file: string, text: string) => ({ file, rows: readTextTable(text, 5000) });
const codes = (a: ReturnType<typeof analyzeUpload>) => a.issues.map((i) => i.code);

describe('analyzeUpload', () => {
  it('identifies, measures and counts a small two-layer board', () => {
    const a = analyzeUpload({ files: board() });
    expect(a.layers).toEqual([
      { file: 'gerber/b-F_Cu.gbr', format: 'gerber', type: 'copper', side: 'top' },
      { file: 'gerber/b-B_Cu.gbr', format: 'gerber', type: 'copper', side: 'bottom' },
      { file: 'gerber/b-F_Mask.gbr', format: 'gerber', type: 'soldermask', side: 'top' },
      { file: 'gerber/b-B_Mask.gbr', format: 'gerber', type: 'soldermask', side: 'bottom' },
      { file: 'gerber/b-F_Paste.gbr', format: 'gerber', type: 'solderpaste', side: 'top' },
      { file: 'gerber/b-Edge_Cuts.gbr', format: 'gerber', type: 'outline', side: 'all' },
      { file: 'gerber/b-PTH.drl', format: 'drill', type: 'drill', side: 'all' },
      { file: 'gerber/b-NPTH.drl', format: 'drill', type: 'drill', side: 'all' },
      { file: 'gerber/README.txt', format: 'unknown', type: 'unknown', side: null },
    ]);
    expect(a.board).toEqual({ widthMm: 50, heightMm: 30, areaCm2: 15, copperLayers: 2, sizeFrom: 'outline' });
    expect(a.drill).toEqual({ holes: 4, tools: 3, minDiameterMm: 0.3, plated: 3, nonPlated: 1, slots: 0 });
    expect(a.bom).toBeNull();
    expect(a.placement).toBeNull();
    // Seed 001 fiducials: two 1 mm pads with 3 mm mask openings on top; the 1.7 mm pad has a hole and a tight opening.
    expect(a.assembly.fiducials).toEqual({ top: 2, bottom: 0 });
    expect(codes(a)).toEqual(['fiducials-found', 'panel-rails-absent', 'locating-holes-absent']);
  });

  it('falls back to the copper extents without an outline, ignoring art that is on one layer only', () => {
    // Top copper also carries a logo 30 mm off the board, as Eagle boards often do.
    const withLogo = copperGerber('Top').replace('M02*', 'D12*\nX-11811Y-11811D02*\nX-9843Y-11811D01*\nM02*');
    const a = analyzeUpload({
      files: board({
        'gerber/b-Edge_Cuts.gbr': null,
        'gerber/b-F_Cu.gbr': withLogo,
        'gerber/b-B_Cu.gbr': copperGerber('Bot'),
      }),
    });
    expect(a.board.sizeFrom).toBe('copper');
    expect(a.board.widthMm).toBeCloseTo(41, 0); // fiducial edges 4.5 .. 45.5 mm
    expect(a.board.heightMm).toBeCloseTo(21, 0);
    expect(a.issues[0]).toMatchObject({ severity: 'warning', code: 'outline-missing' });
  });

  it('reports missing paste, drill, fiducials and RS-274D files', () => {
    const a = analyzeUpload({
      files: board({
        'gerber/b-F_Paste.gbr': null,
        'gerber/b-PTH.drl': null,
        'gerber/b-NPTH.drl': null,
        'gerber/b-F_Cu.gbr': copperGerber('Top', false),
        'gerber/old.GTO': 'G54D10*\nX001000Y002000D02*\nX003000Y002000D01*\nM02*\n',
        'gerber/b.GBO': 'PK\u0003\u0004 not a Gerber',
        'gerber/export7.gbr': copperGerber('Top').replace(/%TF[^%]*%\n/, ''),
      }),
      bom: table('bom.csv', 'Designator,Value,Footprint\nR1,10k,R_0402\n'),
      cpl: table('cpl.csv', 'Designator,Mid X,Mid Y,Layer,Rotation\nR1,1,1,Top,0\n'),
    });
    expect(codes(a)).toEqual(
      expect.arrayContaining([
        'gerber-rs274d-unsupported',
        'drill-missing',
        'paste-missing',
        'fiducials-missing',
        'layer-unreadable',
      ]),
    );
    expect(a.issues.find((i) => i.code === 'layer-unidentified')!.message).toMatch(
      /^gerber\/export7.gbr: .* \(taken as a drawing, not fabricated\)/,
    );
    expect(a.issues.find((i) => i.code === 'layer-unreadable')!.message).toBe(
      'gerber/b.GBO is named like a silkscreen layer but is neither Gerber nor Excellon; it was ignored',
    );
    expect(a.issues.find((i) => i.code === 'gerber-rs274d-unsupported')).toMatchObject({
      severity: 'error',
      refs: ['gerber/old.GTO'],
    });
    expect(a.issues.find((i) => i.code === 'fiducials-missing')!.refs).toEqual(['top']);
  });

  it('cross-checks BOM and placement and counts SMT / THT per side', () => {
    const a = analyzeUpload({
      files: board(),
      bom: table(
        'bom.csv',
        'Designator,Value,Footprint\n"R1,R2,R3",10k,R_0402\nJ1,Conn,PinHeader_1x02_P2.54mm_Vertical\nU1,MCU,SOIC-8\nC9,1u,C_0402\n',
      ),
      cpl: table(
        'cpl.csv',
        'Designator,Mid X,Mid Y,Layer,Rotation\nR1,1,1,Top,0\nR2,2,1,Bottom,0\nR3,3,1,Top,0\nU1,4,4,Top,0\nX7,9,9,Top,0\n',
      ),
    });
    expect(a.bom).toEqual({ lines: 4, uniqueParts: 4, placements: 6, dnp: 0 });
    expect(a.placement).toEqual({ smt: 5, tht: 1, top: 5, bottom: 1, sides: 2 });
    expect(a.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.refs, i.row])).toEqual([
      ['bom-designator-not-placed', ['C9'], 5],
      ['placement-not-in-bom', ['X7'], 6],
    ]);
    expect(a.issues.find((i) => i.code === 'tht-not-in-placement')!.refs).toEqual(['J1']);
    // A bottom-side SMT part needs a bottom paste layer.
    expect(a.issues.find((i) => i.code === 'paste-missing')!.refs).toEqual(['bottom']);
    expect(a.assembly).toMatchObject({ smtJoints: 3 * 2 + 8 + 2, thtJoints: 2, uniqueSmtParts: 3, uniqueThtParts: 1 });
  });

  // Seed 001: "10 mm rails on the panel edges, locating holes, fiducials (1 mm solid pads, 3 mm clear ring)".
  it.each([
    [
      'a single board',
      outlineGerber(50, 30),
      nonPlatedDrill(),
      [
        ['panel-rails-absent', 'info'],
        ['locating-holes-absent', 'info'],
      ],
    ],
    [
      'a panel with rails and two locating holes',
      outlineGerber(70, 50, -10, -10),
      'M48\nMETRIC\nT1C3.0\n%\nT1\nX-5.0Y-5.0\nX55.0Y35.0\nM30\n',
      [],
    ],
    [
      'a panel with rails but one locating hole',
      outlineGerber(70, 50, -10, -10),
      'M48\nMETRIC\nT1C3.0\n%\nT1\nX-5.0Y-5.0\nM30\n',
      [['locating-holes-absent', 'warning']],
    ],
  ])('checks rails and locating holes on %s', (_case, outline, npth, expected) => {
    const a = analyzeUpload({ files: board({ 'gerber/b-Edge_Cuts.gbr': outline, 'gerber/b-NPTH.drl': npth }) });
    expect(
      a.issues
        .filter((i) => ['panel-rails-absent', 'locating-holes-absent'].includes(i.code))
        .map((i) => [i.code, i.severity]),
    ).toEqual(expected);
  });

  it('counts holes of drill data exported as Gerber X2', () => {
    const npthGerber = [
      '%FSLAX46Y46*%',
      '%MOMM*%',
      '%TF.FileFunction,NonPlated,1,2,NPTH,Drill*%',
      '%ADD10C,3.200000*%',
      'D10*',
      'X5000000Y5000000D03*',
      'X45000000Y5000000D03*',
      'M02*',
    ].join('\n');
    const a = analyzeUpload({ files: board({ 'gerber/b-NPTH.drl': null, 'gerber/b-NPTH-drl.gbr': npthGerber }) });
    expect(a.layers.find((l) => l.file === 'gerber/b-NPTH-drl.gbr')).toMatchObject({
      format: 'gerber',
      type: 'drill',
      side: 'all',
    });
    expect(a.drill).toMatchObject({ holes: 5, plated: 3, nonPlated: 2 });
  });

  it('reads plating from drill file names', () => {
    expect(platingFromName('board-NPTH.drl')).toBe(false);
    expect(platingFromName('Drill_NPTH_Through.DRL')).toBe(false);
    expect(platingFromName('Drill_PTH_Through.DRL')).toBe(true);
    expect(platingFromName('board.drl')).toBeNull();
  });
});
