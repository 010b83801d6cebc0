import { boxSize } from './geometry';
import { measureGerber, ParseTimeoutError } from './gerber';
import { copperGerber, outlineGerber } from './test-support/test-boards';

describe('measureGerber', () => {
  it('measures a metric outline along its centre-line and with the line width', () => {
    const m = measureGerber(outlineGerber(50, 30, 10, 20));
    expect(boxSize(m.pathBox)).toEqual({ width: 50, height: 30 });
    expect(m.pathBox.minX).toBeCloseTo(10);
    expect(m.inkBox.maxY).toBeCloseTo(50.05);
    expect(m.units).toBe('mm');
    expect(m.fileFunction).toBe('Profile,NP');
    expect(m.draws).toBe(4);
  });

  it('reads inch coordinates with leading zeros omitted and records flashes with their apertures', () => {
    const m = measureGerber(copperGerber('Top'));
    expect(m.flashes).toHaveLength(3);
    const fid = m.flashes[0];
    expect(fid.xMm).toBeCloseTo(5, 1);
    expect(m.apertures.get(fid.aperture)).toMatchObject({ shape: 'C' });
    expect(m.apertures.get(fid.aperture)!.widthMm).toBeCloseTo(1, 2);
    expect(m.fileFunction).toBe('Copper,L1,Top');
  });

  it.each([
    ['T (trailing zeros omitted)', '%FSTAX24Y24*%', 'X01Y0005D03*', 25.4, 1.27],
    ['L (leading zeros omitted)', '%FSLAX24Y24*%', 'X10000Y500D03*', 25.4, 1.27],
    ['decimal point', '%FSLAX24Y24*%', 'X1.0Y0.05D03*', 25.4, 1.27],
  ])('parses the %s coordinate format', (_name, fs, flash, x, y) => {
    const m = measureGerber(`${fs}\n%MOIN*%\n%ADD10C,0.01*%\nD10*\n${flash}\nM02*`);
    expect(m.pathBox.maxX).toBeCloseTo(x, 3);
    expect(m.pathBox.maxY).toBeCloseTo(y, 3);
  });

  it('includes the extremes of a full-circle arc (G75 multi-quadrant)', () => {
    // Circle of radius 10 mm centred at (20, 20), starting at (30, 20).
    const m = measureGerber(
      '%FSLAX33Y33*%\n%MOMM*%\n%ADD10C,0.1*%\nD10*\nG75*\nX30000Y20000D02*\nG02X30000Y20000I-10000J0D01*\nM02*',
    );
    expect(m.pathBox).toEqual({ minX: 10, minY: 10, maxX: 30, maxY: 30 });
    expect(m.arcs).toBe(1);
  });

  it('keeps a quarter arc inside its quadrant', () => {
    // Counter-clockwise from (10,0) to (0,10) around the origin: extremes (10,0)..(0,10), not the full circle.
    const m = measureGerber(
      '%FSLAX33Y33*%\n%MOMM*%\n%ADD10C,0.1*%\nD10*\nG75*\nX10000Y0D02*\nG03X0Y10000I-10000J0D01*\nM02*',
    );
    expect(m.pathBox.minX).toBeCloseTo(0);
    expect(m.pathBox.minY).toBeCloseTo(0);
    expect(m.pathBox.maxX).toBeCloseTo(10);
    expect(m.pathBox.maxY).toBeCloseTo(10);
  });

  it('grows the extents by a step-and-repeat block', () => {
    const m = measureGerber('%FSLAX33Y33*%\n%MOMM*%\n%ADD10C,1*%\n%SRX3Y2I20.0J15.0*%\nD10*\nX0Y0D03*\n%SR*%\nM02*');
    expect(boxSize(m.pathBox)).toEqual({ width: 40, height: 15 });
  });

  it('sizes KiCad RoundRect macro pads from their corners (X2 attributes and macro bodies ignored)', () => {
    const m = measureGerber(
      [
        '%TF.GenerationSoftware,KiCad,Pcbnew,8.0.3*%',
        '%TF.FileFunction,Copper,L1,Top*%',
        '%FSLAX46Y46*%',
        '%MOMM*%',
        '%LPD*%',
        'G01*',
        '%AMRoundRect*',
        '0 Rectangle with rounded corners*',
        '4,1,4,$2,$3,$4,$5,$6,$7,$8,$9,$2,$3,0*',
        '1,1,$1+$1,$2,$3*',
        '20,1,$1+$1,$2,$3,$4,$5,0*%',
        '%TA.AperFunction,SMDPad,CuDef*%',
        '%ADD10RoundRect,0.250000X-0.450000X0.300000X-0.450000X-0.300000X0.450000X-0.300000X0.450000X0.300000X0*%',
        '%TD*%',
        '%TO.P,R1,1*%',
        'D10*',
        'X10000000Y-5000000D03*',
        '%TD*%',
        'M02*',
      ].join('\n'),
    );
    expect(m.fileFunction).toBe('Copper,L1,Top');
    expect(m.apertures.get(10)).toMatchObject({ isMacro: true, widthMm: 1.4, heightMm: 1.1 });
    expect(m.inkBox.minX).toBeCloseTo(9.3);
    expect(m.inkBox.maxY).toBeCloseTo(-4.45);
    expect(m.warnings).toEqual([]);
  });

  it('flags RS-274D (no format statement, no apertures)', () => {
    const m = measureGerber('G54D10*\nX001000Y002000D02*\nX003000Y002000D01*\nM02*');
    expect(m.rs274d).toBe(true);
  });

  it('reads KiCad 5 X2 attributes written as comments', () => {
    const m = measureGerber('G04 #@! TF.FileFunction,Soldermask,Bot*\n%FSLAX46Y46*%\n%MOMM*%\nM02*');
    expect(m.fileFunction).toBe('Soldermask,Bot');
  });

  it('stops a file that exceeds its parse time budget', () => {
    let t = 0;
    const body = Array.from({ length: 10_000 }, (_, i) => `X${i}Y${i}D01*`).join('\n');
    const text = `%FSLAX33Y33*%\n%MOMM*%\n%ADD10C,1*%\nD10*\n${body}\nM02*`;
    expect(() => measureGerber(text, { timeLimitMs: 50, file: 'big.gbr', now: () => (t += 100) })).toThrow(
      ParseTimeoutError,
    );
  });
});
