/**
 * Tiny but complete boards written inline, for the quote engine's own tests (a fresh clone tests itself
 * without the shared fixtures). Units and numbers are chosen so the expected answers are easy to check.
 */

/** A rectangular outline `w` × `h` mm drawn in mm with 0.1 mm lines, optional origin offset. */
export function outlineGerber(w: number, h: number, ox = 0, oy = 0): string {
  const c = (v: number) => Math.round(v * 1e6).toString(); // FSLAX46Y46: 6 decimals
  return [
    '%FSLAX46Y46*%',
    '%MOMM*%',
    '%TF.FileFunction,Profile,NP*%',
    '%ADD10C,0.100000*%',
    'D10*',
    `X${c(ox)}Y${c(oy)}D02*`,
    `X${c(ox + w)}Y${c(oy)}D01*`,
    `X${c(ox + w)}Y${c(oy + h)}D01*`,
    `X${c(ox)}Y${c(oy + h)}D01*`,
    `X${c(ox)}Y${c(oy)}D01*`,
    'M02*',
    '',
  ].join('\n');
}

/**
 * Copper (inch, 2.4 leading-zero-omitted) with two 1 mm fiducials at (5,5) and (45,25) mm, a 1.7 mm THT
 * pad at (25,15) mm and a track. `fiducials: false` leaves the fiducials out.
 */
export function copperGerber(side: 'Top' | 'Bot', fiducials = true): string {
  const inch = (mm: number) => Math.round((mm / 25.4) * 1e4).toString();
  return [
    'G04 test copper*',
    '%FSLAX24Y24*%',
    '%MOIN*%',
    `%TF.FileFunction,Copper,${side === 'Top' ? 'L1' : 'L2'},${side}*%`,
    `%ADD10C,${(1 / 25.4).toFixed(4)}*%`,
    `%ADD11C,${(1.7 / 25.4).toFixed(4)}*%`,
    '%ADD12C,0.0100*%',
    ...(fiducials ? ['D10*', `X${inch(5)}Y${inch(5)}D03*`, `X${inch(45)}Y${inch(25)}D03*`] : []),
    'D11*',
    `X${inch(25)}Y${inch(15)}D03*`,
    'D12*',
    `X${inch(10)}Y${inch(10)}D02*`,
    `X${inch(20)}Y${inch(10)}D01*`,
    'M02*',
    '',
  ].join('\n');
}

/** Solder mask with 3 mm openings over the fiducials and 1.9 mm over the THT pad. */
export function maskGerber(side: 'Top' | 'Bot'): string {
  return [
    '%FSLAX35Y35*%',
    '%MOMM*%',
    `%TF.FileFunction,Soldermask,${side}*%`,
    '%ADD10C,3.0*%',
    '%ADD11C,1.9*%',
    'D10*',
    'X500000Y500000D03*',
    'X4500000Y2500000D03*',
    'D11*',
    'X2500000Y1500000D03*',
    'M02*',
    '',
  ].join('\n');
}

/** A paste layer with one pad. */
export function pasteGerber(side: 'Top' | 'Bot'): string {
  return [
    '%FSLAX35Y35*%',
    '%MOMM*%',
    `%TF.FileFunction,Paste,${side}*%`,
    '%ADD10R,1.0X0.6*%',
    'D10*',
    'X1000000Y2000000D03*',
    'M02*',
    '',
  ].join('\n');
}

/** Plated drill: the THT pad (1.0 mm) and two vias (0.3 mm), metric, decimal coordinates. */
export function platedDrill(): string {
  return [
    'M48',
    '; #@! TF.FileFunction,Plated,1,2,PTH',
    'METRIC,TZ',
    'T1C0.300',
    'T2C1.000',
    '%',
    'G90',
    'G05',
    'T1',
    'X12.0Y12.0',
    'X18.0Y12.0',
    'T2',
    'X25.0Y15.0',
    'T0',
    'M30',
    '',
  ].join('\n');
}

/** Non-plated drill: one 3.2 mm mounting hole, inch with trailing zeros kept (leading omitted), 2:4. */
export function nonPlatedDrill(): string {
  return ['M48', 'INCH,TZ', 'T3C0.1260', '%', 'T3', 'X15748Y3937', 'M30', ''].join('\n');
}

/** A silkscreen (legend) layer with one line of text-like strokes. */
export function silkscreenGerber(side: 'Top' | 'Bot'): string {
  return [
    '%FSLAX35Y35*%',
    '%MOMM*%',
    `%TF.FileFunction,Legend,${side}*%`,
    '%ADD10C,0.15*%',
    'D10*',
    'X1000000Y1000000D02*',
    'X1500000Y1000000D01*',
    'M02*',
    '',
  ].join('\n');
}

/**
 * Every file seed 001 asks for, for a two-sided board `w` × `h` mm: copper, solder mask, silkscreen and paste on
 * both sides, plated drill and outline (KiCad names), ready for `makeZip`.
 */
export function completeBoardFiles(w = 50, h = 30): Array<{ name: string; data: string }> {
  return [
    { name: 'b-Edge_Cuts.gbr', data: outlineGerber(w, h) },
    ...(['Top', 'Bot'] as const).flatMap((side) => {
      const k = side === 'Top' ? 'F' : 'B';
      return [
        { name: `b-${k}_Cu.gbr`, data: copperGerber(side) },
        { name: `b-${k}_Mask.gbr`, data: maskGerber(side) },
        { name: `b-${k}_Silkscreen.gbr`, data: silkscreenGerber(side) },
        { name: `b-${k}_Paste.gbr`, data: pasteGerber(side) },
      ];
    }),
    { name: 'b-PTH.drl', data: platedDrill() },
  ];
}
