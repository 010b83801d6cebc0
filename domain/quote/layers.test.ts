import { measureGerber } from './gerber';
import { identifyLayers, outlinesForSize, sniffFormat, typeFromFileFunction } from './layers';
import { copperGerber, outlineGerber, platedDrill } from './test-support/test-boards';

const GERBER_NO_X2 = '%FSLAX24Y24*%\n%MOIN*%\n%ADD10C,0.01*%\nD10*\nX0Y0D02*\nX10000Y0D01*\nM02*';

describe('identifyLayers', () => {
  it.each([
    // Eagle
    ['board.cmp', 'copper', 'top'],
    ['board.sol', 'copper', 'bottom'],
    ['board.plc', 'silkscreen', 'top'],
    ['board.stc', 'soldermask', 'top'],
    // Protel / Altium
    ['board.GTL', 'copper', 'top'],
    ['board.GBS', 'soldermask', 'bottom'],
    ['board.GTP', 'solderpaste', 'top'],
    ['board.GKO', 'outline', 'all'],
    ['board.G1', 'copper', 'inner'],
    ['board.GM1', 'outline', 'all'],
    // KiCad
    ['board-F_Cu.gbr', 'copper', 'top'],
    ['board-B_SilkS.gbr', 'silkscreen', 'bottom'],
    ['board-Edge_Cuts.gbr', 'outline', 'all'],
    ['board-In1_Cu.gbr', 'copper', 'inner'],
    // EasyEDA
    ['Gerber_TopLayer.GTL', 'copper', 'top'],
    ['Gerber_BoardOutlineLayer.GKO', 'outline', 'all'],
  ])('identifies %s by name as %s / %s', (file, type, side) => {
    const [layer] = identifyLayers([{ file: `gerbers/${file}`, head: GERBER_NO_X2 }]);
    expect(layer).toMatchObject({ file: `gerbers/${file}`, format: 'gerber', type, side });
  });

  it('trusts X2 FileFunction over an ambiguous name', () => {
    const [layer] = identifyLayers([{ file: 'layer1.gbr', head: copperGerber('Bot') }]);
    expect(layer).toMatchObject({ type: 'copper', side: 'bottom', source: 'x2' });
  });

  it('identifies drill files by content whatever they are called, and text files as unknown', () => {
    const layers = identifyLayers([
      { file: 'holes.xyz', head: platedDrill() },
      { file: 'README.txt', head: 'Order notes: 1.6 mm FR4, green mask\n' },
      { file: 'board.gbrjob', head: '{ "Header": {} }' },
      { file: 'fab.pdf', head: '%PDF-1.4' },
    ]);
    expect(layers.map((l) => [l.format, l.type])).toEqual([
      ['drill', 'drill'],
      ['unknown', 'unknown'],
      ['unknown', 'unknown'],
      ['unknown', 'unknown'],
    ]);
    expect(layers.some((l) => l.namedAs)).toBe(false); // a readme is not suspicious
  });

  it('notes a file named like a layer whose content is not Gerber', () => {
    const [layer] = identifyLayers([{ file: 'board.GTL', head: '\u0000\u0001binary junk' }]);
    expect(layer).toMatchObject({ format: 'unknown', type: 'unknown', namedAs: 'copper' });
  });

  it('recognises an unnamed outline from what it draws, and flags other unnamed Gerbers', () => {
    const outlineText = outlineGerber(20, 10).replace('%TF.FileFunction,Profile,NP*%\n', '');
    const layers = identifyLayers([
      { file: 'layer7.gbr', head: outlineText, measure: measureGerber(outlineText) },
      {
        file: 'layer8.gbr',
        head: copperGerber('Top').replace(/%TF[^%]*%\n/, ''),
        measure: measureGerber(copperGerber('Top').replace(/%TF[^%]*%\n/, '')),
      },
    ]);
    expect(layers[0]).toMatchObject({ type: 'outline', side: 'all', source: 'content' });
    expect(layers[1]).toMatchObject({ format: 'gerber', type: 'drawing', unidentified: true }); // whats-that-gerber's catch-all for .gbr
  });

  it('reads the layer from a generator comment when the name says nothing', () => {
    const files = [
      ['G04 Layer: TopLayer*', 'copper', 'top'],
      ['G04 Layer: BottomSolderMaskLayer*', 'soldermask', 'bottom'],
      ['G04 Layer: BoardOutlineLayer*', 'outline', 'all'],
      ['G04 Layer: Inner1*', 'copper', 'inner'],
      ['G04 Layer: TopSilkscreenLayer*', 'silkscreen', 'top'],
      ['%LNBOTTOM SOLDER MASK*%', 'soldermask', 'bottom'],
      ['%LNTOP*%', 'copper', 'top'],
    ];
    for (const [comment, type, side] of files) {
      expect(identifyLayers([{ file: 'export-3.gbr', head: `${comment}\n${GERBER_NO_X2}` }])[0]).toMatchObject({
        type,
        side,
        source: 'content',
      });
    }
  });

  it('maps X2 functions', () => {
    expect(typeFromFileFunction('Copper,L3,Inr')).toEqual({ type: 'copper', side: 'inner' });
    expect(typeFromFileFunction('Legend,Top')).toEqual({ type: 'silkscreen', side: 'top' });
    expect(typeFromFileFunction('Paste,Bot')).toEqual({ type: 'solderpaste', side: 'bottom' });
    expect(typeFromFileFunction('NonPlated,1,2,NPTH')).toEqual({ type: 'drill', side: 'all' });
    expect(typeFromFileFunction('Drillmap')).toEqual({ type: 'drawing', side: null });
  });

  it('sniffs formats', () => {
    expect(sniffFormat(GERBER_NO_X2)).toBe('gerber');
    expect(sniffFormat('G04 old style*\nG54D10*\nX0Y0D02*')).toBe('gerber');
    expect(sniffFormat(platedDrill())).toBe('drill');
    expect(sniffFormat('Designator,Mid X\n')).toBe('unknown');
  });
});

describe('identifyLayers on more CAD conventions', () => {
  it.each([
    ['SOLDERMASK_TOP.art', 'soldermask', 'top'],
    ['SILKSCREEN_TOP.art', 'silkscreen', 'top'],
    ['PASTEMASK_TOP.art', 'solderpaste', 'top'],
    ['SMT.art', 'soldermask', 'top'],
    ['SSB.art', 'silkscreen', 'bottom'],
    ['CADCAM Top SMT Paste Mask.GBR', 'solderpaste', 'top'],
    ['CADCAM Top Solder Resist.GBR', 'soldermask', 'top'],
    ['b_silkTop.gto', 'silkscreen', 'top'],
    ['b.group3.gbr', 'copper', 'inner'],
    ['b-F_Fab.gbr', 'drawing', null],
    ['Gerber_DocumentLayer.GDL', 'drawing', null],
    ['Gerber_CustomLayer.GCL', 'drawing', null],
    ['b-Dwgs_User.gbr', 'drawing', null],
    ['b-F_Courtyard.gbr', 'drawing', null],
    ['b-B_Adhes.gbr', 'drawing', null],
    ['TopPaste.gbr', 'solderpaste', 'top'],
    ['b.topsilk.gbr', 'silkscreen', 'top'],
  ])('identifies %s as %s / %s', (file, type, side) => {
    expect(identifyLayers([{ file, head: GERBER_NO_X2 }])[0]).toMatchObject({ type, side });
  });

  it('measures the board by one outline when Altium exports several mechanical layers', () => {
    const pick = (files: string[]) =>
      outlinesForSize(identifyLayers(files.map((file) => ({ file, head: GERBER_NO_X2 })))).map((l) => l.file);
    expect(
      identifyLayers(['b.GM1', 'b.GM13'].map((file) => ({ file, head: GERBER_NO_X2 }))).map((l) => l.type),
    ).toEqual(['outline', 'outline']);
    expect(pick(['b.GM13', 'b.GM1'])).toEqual(['b.GM1']);
    expect(pick(['b.GKO', 'b.GM1'])).toEqual(['b.GKO']);
    expect(pick(['b.GM2', 'b.GTL'])).toEqual(['b.GM2']);
  });
});
