import { looksLikeExcellon, parseExcellon } from './excellon';
import { nonPlatedDrill, platedDrill } from './test-support/test-boards';

describe('parseExcellon', () => {
  it('reads metric decimal coordinates, tools and the KiCad plating attribute', () => {
    const d = parseExcellon(platedDrill());
    expect(d.units).toBe('mm');
    expect(d.filePlated).toBe(true);
    expect([...d.tools.values()].map((t) => t.diameterMm)).toEqual([0.3, 1]);
    expect(d.hits.map((h) => [h.xMm, h.yMm, h.tool])).toEqual([
      [12, 12, '1'],
      [18, 12, '1'],
      [25, 15, '2'],
    ]);
  });

  it('reads inch TZ (leading zeros omitted) with the default 2:4 format', () => {
    const d = parseExcellon(nonPlatedDrill());
    expect(d.hits[0].xMm).toBeCloseTo(40, 2);
    expect(d.hits[0].yMm).toBeCloseTo(10, 2);
    expect(d.tools.get('3')!.diameterMm).toBeCloseTo(3.2, 2);
  });

  it('reads inch LZ (trailing zeros omitted): X001 means 0.1 in', () => {
    const d = parseExcellon('M48\nINCH,LZ\nT1C0.040\n%\nT1\nX001Y00015\nM30');
    expect(d.hits[0].xMm).toBeCloseTo(2.54, 3);
    expect(d.hits[0].yMm).toBeCloseTo(0.381, 3);
  });

  it('reads metric LZ with an explicit 3:3 format and keeps modal coordinates', () => {
    const d = parseExcellon('M48\n;FILE_FORMAT=3:3\nMETRIC,LZ\nT01C0.8\n%\nT01\nX012Y005\nY010\nM30');
    expect(d.hits.map((h) => [h.xMm, h.yMm])).toEqual([
      [12, 5],
      [12, 10],
    ]);
  });

  it('reads the format given after the zero suppression (INCH,LZ,00.00000)', () => {
    const d = parseExcellon('M48\nINCH,LZ,00.00000\nT1C0.040\n%\nT1\nX015Y0155\nM30');
    expect(d.hits[0].xMm).toBeCloseTo(1.5 * 25.4, 3);
    expect(d.hits[0].yMm).toBeCloseTo(1.55 * 25.4, 3);
  });

  it("reads Fritzing's plating by tool number", () => {
    const d = parseExcellon(
      '; NON-PLATED HOLES START AT T1\n; THROUGH (PLATED) HOLES START AT T100\nM48\nINCH\nT1C0.125\nT100C0.038\n%\nT1\nX0.1Y0.1\nT100\nX0.5Y0.5\nM30',
    );
    expect(d.filePlated).toBeNull();
    expect(d.tools.get('1')!.plated).toBe(false);
    expect(d.tools.get('100')!.plated).toBe(true);
  });

  it('expands repeat codes (R)', () => {
    const d = parseExcellon('M48\nMETRIC\nT1C1.0\n%\nT1\nX1.0Y1.0\nR3X2.0\nM30');
    expect(d.hits.map((h) => h.xMm)).toEqual([1, 3, 5, 7]);
  });

  it('counts a G85 slot once and reads Altium plating and per-tool attributes', () => {
    const d = parseExcellon('M48\n;TYPE=NON_PLATED\nMETRIC\nT1C1.0\n%\nT1\nX1.0Y1.0G85X3.0Y1.0\nM30');
    expect(d.filePlated).toBe(false);
    expect(d.hits).toEqual([{ xMm: 1, yMm: 1, tool: '1', slot: true }]);
    const k = parseExcellon(
      'M48\nMETRIC\n; #@! TA.AperFunction,NonPlated,NPTH,ComponentDrill\nT1C3.0\n; #@! TA.AperFunction,Plated,PTH,ViaDrill\nT2C0.3\n%\nT1\nX1.0Y1.0\nM30',
    );
    expect(k.tools.get('1')!.plated).toBe(false);
    expect(k.tools.get('2')!.plated).toBe(true);
  });

  it('is told apart from Gerber and text', () => {
    expect(looksLikeExcellon(platedDrill())).toBe(true);
    expect(looksLikeExcellon('T01C0.0240\nX16910Y10810\n')).toBe(true);
    expect(looksLikeExcellon('%FSLAX24Y24*%\nX0Y0D02*')).toBe(false);
    expect(looksLikeExcellon('This archive contains the Gerber files.\n')).toBe(false);
  });
});
