import type { AnalysedLayer } from './analyze';
import { missingFiles, type FileSetAnalysis, type FileSetRequest } from './file-set';

const layer = (type: AnalysedLayer['type'], side: AnalysedLayer['side']): AnalysedLayer => ({
  file: `${type}-${side}.gbr`,
  format: type === 'drill' ? 'drill' : 'gerber',
  type,
  side,
});
/** A complete two-sided board: copper, mask, silkscreen and paste on both sides, drill, outline. */
const fullBoard: AnalysedLayer[] = [
  ...(['top', 'bottom'] as const).flatMap((side) => [
    layer('copper', side),
    layer('soldermask', side),
    layer('silkscreen', side),
    layer('solderpaste', side),
  ]),
  layer('drill', 'all'),
  layer('outline', 'all'),
];
const without = (...drop: Array<[AnalysedLayer['type'], AnalysedLayer['side']]>) =>
  fullBoard.filter((l) => !drop.some(([t, s]) => l.type === t && l.side === s));
const bom = { lines: 3, uniqueParts: 3, placements: 5, dnp: 0 };
const topOnly = { smt: 5, tht: 0, top: 5, bottom: 0, sides: 1 };
const codes = (analysis: FileSetAnalysis, request: FileSetRequest) =>
  missingFiles(analysis, request).map((m) => (m.side ? `${m.code}:${m.side}` : m.code));

// Seed 001 §2.1: "The electronic file of standard circuit diagram shall include 4 layers: pad file, through-hole
// file, text surface file and solder mask file"; §2.2 the BOM "contains position coordinates"; §3 the customer may
// supply the "Empty PCB board" and the "Printed steel plate" (stencil).
describe('missingFiles (seed 001 file rules)', () => {
  it.each<[string, FileSetAnalysis, FileSetRequest, string[]]>([
    ['a complete bare board', { layers: fullBoard, bom: null, placement: null }, { assembly: false }, []],
    [
      'copper and outline only',
      {
        layers: [layer('copper', 'top'), layer('copper', 'bottom'), layer('outline', 'all')],
        bom: null,
        placement: null,
      },
      { assembly: false },
      [
        'files-drill-missing',
        'files-soldermask-missing:top',
        'files-silkscreen-missing:top',
        'files-soldermask-missing:bottom',
        'files-silkscreen-missing:bottom',
      ],
    ],
    [
      'no bottom copper',
      { layers: without(['copper', 'bottom']), bom: null, placement: null },
      { assembly: false },
      ['files-copper-missing:bottom'],
    ],
    [
      'a single-sided board declared so',
      {
        layers: without(['copper', 'bottom'], ['soldermask', 'bottom'], ['silkscreen', 'bottom']),
        bom: null,
        placement: null,
      },
      { assembly: false, absentLayers: ['copper-bottom'] },
      [],
    ],
    [
      'no bottom legend, declared absent',
      { layers: without(['silkscreen', 'bottom']), bom: null, placement: null },
      { assembly: false, absentLayers: ['silkscreen-bottom'] },
      [],
    ],
    [
      'no drill, declared absent',
      { layers: without(['drill', 'all']), bom: null, placement: null },
      { assembly: false, absentLayers: ['drill'] },
      [],
    ],
    [
      'an odd number of inner layers',
      { layers: [...fullBoard, layer('copper', 'inner')], bom: null, placement: null },
      { assembly: false },
      ['files-copper-missing'],
    ],
    [
      'Gerber only, service not stated',
      { layers: fullBoard, bom: null, placement: null },
      {},
      ['files-service-unstated'],
    ],
    [
      'assembly without BOM or placement',
      { layers: fullBoard, bom: null, placement: null },
      { assembly: true },
      ['files-bom-missing', 'files-placement-missing'],
    ],
    ['assembly with BOM and placement', { layers: fullBoard, bom, placement: topOnly }, { assembly: true }, []],
    [
      'assembly without paste: no stencil can be cut',
      { layers: without(['solderpaste', 'top'], ['solderpaste', 'bottom']), bom, placement: topOnly },
      {},
      ['files-paste-missing:top'],
    ],
    [
      'assembly without paste, stencil supplied by the customer',
      { layers: without(['solderpaste', 'top'], ['solderpaste', 'bottom']), bom, placement: topOnly },
      { stencilSuppliedBy: 'customer' },
      [],
    ],
    [
      'bottom parts without bottom paste',
      { layers: without(['solderpaste', 'bottom']), bom, placement: { smt: 6, tht: 0, top: 5, bottom: 1, sides: 2 } },
      {},
      ['files-paste-missing:bottom'],
    ],
    [
      'through-hole only: no paste needed',
      {
        layers: without(['solderpaste', 'top'], ['solderpaste', 'bottom']),
        bom,
        placement: { smt: 0, tht: 4, top: 4, bottom: 0, sides: 1 },
      },
      {},
      [],
    ],
    [
      'customer-supplied bare boards: only what assembly needs',
      { layers: [layer('solderpaste', 'top'), layer('outline', 'all')], bom, placement: topOnly },
      { pcbSuppliedBy: 'customer' },
      [],
    ],
    [
      'customer-supplied boards and no assembly',
      { layers: fullBoard, bom: null, placement: null },
      { assembly: false, pcbSuppliedBy: 'customer' },
      ['files-nothing-to-do'],
    ],
  ])('%s', (_name, analysis, request, expected) => {
    expect(codes(analysis, request)).toEqual(expected);
  });

  it('names what to send or declare in each finding', () => {
    const [finding] = missingFiles(
      { layers: without(['silkscreen', 'bottom']), bom: null, placement: null },
      { assembly: false },
    );
    expect(finding.message).toMatch(/bottom silkscreen.*declare it absent/);
  });
});
