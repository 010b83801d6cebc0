import { normaliseSide, parseLength, parsePlacement } from './placement';
import { readTextTable } from './table';

const rows = (text: string) => readTextTable(text, 5000);

describe('parsePlacement', () => {
  it('reads a KiCad ASCII .pos file with spaces in values', () => {
    const text = [
      '### Module positions - created on 2026-11-24 ###',
      '## Unit = mm, Angle = deg.',
      '## Side : All',
      '# Ref     Val              Package                PosX       PosY       Rot  Side',
      'C1        100nF            C_0402_1005Metric     3.3238    -3.1508     0.0  top',
      'D1        LED green        LED_0603_1608Metric   8.6252   -18.4751   270.0  bottom',
      '## End',
      '',
    ].join('\n');
    const p = parsePlacement(rows(text), { file: 'b.pos' });
    expect(p.issues).toEqual([]);
    expect(p.placements.map((x) => [x.designator, x.value, x.footprint, x.xMm, x.yMm, x.rotation, x.side])).toEqual([
      ['C1', '100nF', 'C_0402_1005Metric', 3.3238, -3.1508, 0, 'top'],
      ['D1', 'LED green', 'LED_0603_1608Metric', 8.6252, -18.4751, 270, 'bottom'],
    ]);
  });

  it('reads an Altium pick-and-place with a preamble and mil units', () => {
    const text = [
      'Altium Designer Pick and Place Locations',
      'Units used:       mil',
      '',
      '"Designator","Footprint","Center-X(mil)","Center-Y(mil)","Layer","Rotation","Comment"',
      '"U1","SOIC-8","1000","500","TopLayer","90","NE555"',
      '"J1","PinHeader_1x02_P2.54mm_Vertical","2000","500","BottomLayer","0","Conn"',
      '',
    ].join('\n');
    const p = parsePlacement(rows(text));
    expect(p.units).toBe('mil');
    expect(p.placements[0]).toMatchObject({ designator: 'U1', xMm: 25.4, yMm: 12.7, side: 'top', footprint: 'SOIC-8' });
    expect(p.placements[1].side).toBe('bottom');
  });

  it('reads a JLC CPL with unit suffixes and names the bad rows', () => {
    const text =
      'Designator,Mid X,Mid Y,Layer,Rotation\nR1,1.0mm,2.0mm,Top,0\nR2,,2.0mm,Top,0\nC1,3mm,4mm,Sideways,0\nC2,100mil,0.1in,B,0\n';
    const p = parsePlacement(rows(text), { file: 'cpl.csv' });
    expect(p.issues.map((i) => [i.code, i.row, i.refs])).toEqual([
      ['cpl-coordinate-missing', 3, ['R2']],
      ['cpl-side-unknown', 4, ['C1']],
    ]);
    expect(p.placements[3]).toMatchObject({ xMm: 2.54, yMm: 2.54, side: 'bottom' });
  });

  it('takes SMT / THT from a Type column and reports duplicates', () => {
    const p = parsePlacement(
      rows('Ref,PosX,PosY,Rot,Side,Type\nJ1,1,1,0,top,THT\nU1,2,2,0,top,SMD\nU1,3,3,0,top,SMD\n'),
    );
    expect(p.placements.map((x) => x.throughHole)).toEqual([true, false, false]);
    expect(p.issues.map((i) => [i.code, i.refs])).toEqual([['cpl-designator-duplicate', ['U1']]]);
  });

  it('normalises sides and lengths', () => {
    expect(['Top', 'T', 'TopLayer', 'F.Cu', 'front'].map(normaliseSide)).toEqual(['top', 'top', 'top', 'top', 'top']);
    expect(['Bottom', 'B', 'BottomLayer', 'B.Cu', 'back', 'bot'].map(normaliseSide)).toEqual(Array(6).fill('bottom'));
    expect(normaliseSide('Sideways')).toBeNull();
    expect(parseLength('1000mil', 1)).toBeCloseTo(25.4);
    expect(parseLength('', 1)).toBeNull();
    expect(parseLength('abc', 1)).toBeNull();
  });
});
