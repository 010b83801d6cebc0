/**
 * A small RS-274X reader that measures a layer instead of rendering it: extents (centre-line and with
 * aperture size), flashed pads (for fiducials), X2 file attributes and what the layer draws. It is a single
 * pass over the text, which is what keeps analysis far below the time budget (see bench/quote-analyze.ts).
 */
import { Box, emptyBox, extendBox, isEmptyBox } from './geometry';

/** An aperture as defined by %ADD: shape letter (C, R, O, P) or a macro name, sizes in mm. */
export interface Aperture {
  shape: string;
  /** Width (diameter for circles/polygons) and height in mm; 0 when unknown (macros). */
  widthMm: number;
  heightMm: number;
  isMacro: boolean;
}

/** One flashed pad (D03), in mm. */
export interface Flash {
  xMm: number;
  yMm: number;
  aperture: number;
}

/** What a Gerber layer contains, measured in mm. */
export interface GerberMeasure {
  /** RS-274D: coordinates but no embedded format/apertures. Such a file cannot be measured. */
  rs274d: boolean;
  units: 'mm' | 'in' | null;
  /** Box of the drawn centre-lines, flash centres and region vertices. */
  pathBox: Box;
  /** Box including each aperture's size. */
  inkBox: Box;
  /** X2 `%TF.FileFunction` (or KiCad's `G04 #@! TF.FileFunction` comment form), e.g. `Copper,L1,Top`. */
  fileFunction: string | null;
  filePolarity: string | null;
  apertures: Map<number, Aperture>;
  flashes: Flash[];
  draws: number;
  arcs: number;
  regions: number;
  /** Distinct apertures used for draws (not flashes). */
  drawApertures: Set<number>;
  warnings: string[];
}

/** Thrown when a file exceeds its parse time budget. */
export class ParseTimeoutError extends Error {
  constructor(
    readonly file: string,
    readonly limitMs: number,
  ) {
    super(`parsing ${file} took longer than ${limitMs} ms`);
    this.name = 'ParseTimeoutError';
  }
}

interface CoordFormat {
  integer: number;
  decimal: number;
  /** 'L': leading zeros omitted (numbers right-aligned), 'T': trailing zeros omitted. */
  zeros: 'L' | 'T';
  incremental: boolean;
}

const INCH_MM = 25.4;

/** Parses one coordinate value in the file's format into file units. */
function parseCoordinate(raw: string, format: CoordFormat): number {
  if (raw.includes('.')) return Number(raw);
  let sign = 1;
  let digits = raw;
  if (digits[0] === '-' || digits[0] === '+') {
    if (digits[0] === '-') sign = -1;
    digits = digits.slice(1);
  }
  if (format.zeros === 'T') digits = digits.padEnd(format.integer + format.decimal, '0');
  return (sign * Number(digits)) / 10 ** format.decimal;
}

/** Options bounding the work done on one file. */
export interface ParseLimits {
  /** Wall-clock budget for this file, ms. */
  timeLimitMs?: number;
  /** Name used in error messages. */
  file?: string;
  /** Injected clock (tests); defaults to Date.now. */
  now?: () => number;
}

/** Measures one RS-274X file. Never throws on malformed content (it records warnings), only on timeout. */
export function measureGerber(text: string, limits: ParseLimits = {}): GerberMeasure {
  const now = limits.now ?? Date.now;
  const deadline = limits.timeLimitMs ? now() + limits.timeLimitMs : Infinity;
  const result: GerberMeasure = {
    rs274d: false,
    units: null,
    pathBox: emptyBox(),
    inkBox: emptyBox(),
    fileFunction: null,
    filePolarity: null,
    apertures: new Map(),
    flashes: [],
    draws: 0,
    arcs: 0,
    regions: 0,
    drawApertures: new Set(),
    warnings: [],
  };
  let format: CoordFormat | null = null;
  let scale = 1; // file units → mm
  let x = 0;
  let y = 0;
  let interpolation: 1 | 2 | 3 = 1;
  let multiQuadrant = false;
  let inRegion = false;
  let currentAperture = -1;
  let lastOperation = 0;
  let sawCoordinates = false;
  let sawApertureDefinition = false;
  // Step and repeat: extents of the repeated block, grown by the repeat offsets when the block closes.
  let stepRepeat: { nx: number; ny: number; dx: number; dy: number; path: Box; ink: Box } | null = null;
  let ended = false;
  let blocks = 0;

  const touch = (px: number, py: number, halfW: number, halfH: number): void => {
    extendBox(result.pathBox, px, py);
    extendBox(result.inkBox, px - halfW, py - halfH);
    extendBox(result.inkBox, px + halfW, py + halfH);
    if (stepRepeat) {
      extendBox(stepRepeat.path, px, py);
      extendBox(stepRepeat.ink, px - halfW, py - halfH);
      extendBox(stepRepeat.ink, px + halfW, py + halfH);
    }
  };
  const closeStepRepeat = (): void => {
    if (!stepRepeat) return;
    const sr = stepRepeat;
    stepRepeat = null;
    for (const [src, dst] of [
      [sr.path, result.pathBox],
      [sr.ink, result.inkBox],
    ] as const) {
      if (isEmptyBox(src)) continue;
      extendBox(dst, src.maxX + (sr.nx - 1) * sr.dx, src.maxY + (sr.ny - 1) * sr.dy);
    }
  };
  const apertureHalf = (): [number, number] => {
    const ap = result.apertures.get(currentAperture);
    return ap ? [ap.widthMm / 2, ap.heightMm / 2] : [0, 0];
  };

  const handleParameter = (block: string): void => {
    const code = block.slice(0, 2);
    if (code === 'FS') {
      const m = /^FS([LTD]?)([AI]?)(?:N\d)?(?:G\d)?X(\d)(\d)Y(\d)(\d)/.exec(block);
      if (m) {
        format = {
          zeros: m[1] === 'T' ? 'T' : 'L',
          incremental: m[2] === 'I',
          integer: Number(m[3]),
          decimal: Number(m[4]),
        };
      } else result.warnings.push(`unreadable format statement %${block}%`);
    } else if (code === 'MO') {
      if (block.startsWith('MOIN')) {
        result.units = 'in';
        scale = INCH_MM;
      } else if (block.startsWith('MOMM')) {
        result.units = 'mm';
        scale = 1;
      }
    } else if (code === 'AD') {
      sawApertureDefinition = true;
      const m = /^ADD(\d+)([A-Za-z_.$][A-Za-z0-9_.$\-]*),?(.*)$/.exec(block);
      if (!m) {
        result.warnings.push(`unreadable aperture definition %${block}%`);
        return;
      }
      const shape = m[2];
      const params = m[3] ? m[3].split('X').map(Number) : [];
      const isMacro = !['C', 'R', 'O', 'P'].includes(shape);
      let w = 0;
      let h = 0;
      if (!isMacro) {
        w = (params[0] || 0) * scale;
        h = shape === 'R' || shape === 'O' ? (params[1] || 0) * scale : w;
      } else if (/^RoundRect$/i.test(shape) && params.length >= 9) {
        // KiCad's rounded rectangle: $1 corner radius, $2..$9 the four inner corners.
        const xs = [params[1], params[3], params[5], params[7]].map(Math.abs);
        const ys = [params[2], params[4], params[6], params[8]].map(Math.abs);
        w = (2 * Math.max(...xs) + 2 * params[0]) * scale;
        h = (2 * Math.max(...ys) + 2 * params[0]) * scale;
      } else {
        // Other macros are not evaluated; most pad macros take their size as the first parameter.
        w = h = (params[0] || 0) * scale;
      }
      result.apertures.set(Number(m[1]), { shape, widthMm: w, heightMm: h, isMacro });
    } else if (code === 'TF') {
      const m = /^TF\.(File(?:Function|Polarity)),(.*)$/.exec(block);
      if (m?.[1] === 'FileFunction') result.fileFunction = m[2];
      else if (m?.[1] === 'FilePolarity') result.filePolarity = m[2];
    } else if (code === 'SR') {
      closeStepRepeat();
      const m = /^SR(?:X(\d+))?(?:Y(\d+))?(?:I([\d.]+))?(?:J([\d.]+))?/.exec(block);
      const nx = Number(m?.[1] ?? 1);
      const ny = Number(m?.[2] ?? 1);
      if (nx > 1 || ny > 1) {
        stepRepeat = {
          nx,
          ny,
          dx: Number(m?.[3] ?? 0) * scale,
          dy: Number(m?.[4] ?? 0) * scale,
          path: emptyBox(),
          ink: emptyBox(),
        };
      }
    }
  };

  const handleWord = (block: string): void => {
    if (block.length === 0) return;
    if (block.startsWith('G04') || block.startsWith('G4 ')) {
      const m = /#@!\s*TF\.FileFunction,(.*)$/.exec(block);
      if (m && !result.fileFunction) result.fileFunction = m[1];
      return;
    }
    if (block.startsWith('M02') || block.startsWith('M00') || block.startsWith('M2')) {
      ended = true;
      return;
    }
    let xs: string | null = null;
    let ys: string | null = null;
    let is: string | null = null;
    let js: string | null = null;
    let dcode = -1;
    // Tokenise letter+number words: G01X100Y200D01, G54D10, D10, X..Y..I..J..D01.
    let i = 0;
    const n = block.length;
    while (i < n) {
      const letter = block[i];
      let j = i + 1;
      while (j < n) {
        const c = block.charCodeAt(j);
        // digits, '.', '-', '+'
        if ((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43) j++;
        else break;
      }
      switch (letter) {
        case 'G': {
          const g = intAt(block, i + 1, j);
          if (g === 1) interpolation = 1;
          else if (g === 2) interpolation = 2;
          else if (g === 3) interpolation = 3;
          else if (g === 36) inRegion = true;
          else if (g === 37) {
            inRegion = false;
            result.regions++;
          } else if (g === 74) multiQuadrant = false;
          else if (g === 75) multiQuadrant = true;
          else if (g === 70) {
            result.units = 'in';
            scale = INCH_MM;
          } else if (g === 71) {
            result.units = 'mm';
            scale = 1;
          }
          break;
        }
        case 'D':
          dcode = intAt(block, i + 1, j);
          break;
        case 'X':
          xs = block.slice(i + 1, j);
          break;
        case 'Y':
          ys = block.slice(i + 1, j);
          break;
        case 'I':
          is = block.slice(i + 1, j);
          break;
        case 'J':
          js = block.slice(i + 1, j);
          break;
        case 'M': {
          const m = intAt(block, i + 1, j);
          if (m === 2 || m === 0) ended = true;
          break;
        }
        default:
          break; // N (line numbers) and unknown letters
      }
      i = j === i + 1 ? i + 1 : j;
    }
    if (dcode >= 10) {
      currentAperture = dcode;
      return;
    }
    const hasCoord = xs !== null || ys !== null || is !== null || js !== null;
    if (!hasCoord && dcode < 0) return;
    sawCoordinates ||= hasCoord;
    if (!format) {
      // RS-274D style or a broken file: without %FS nothing can be placed reliably.
      return;
    }
    const fmt: CoordFormat = format;
    let op = dcode > 0 ? dcode : lastOperation;
    if (op === 0) op = 1;
    lastOperation = op;
    let nx = x;
    let ny = y;
    if (xs !== null) {
      const v = parseCoordinate(xs, fmt) * scale;
      nx = fmt.incremental ? x + v : v;
    }
    if (ys !== null) {
      const v = parseCoordinate(ys, fmt) * scale;
      ny = fmt.incremental ? y + v : v;
    }
    if (op === 2) {
      x = nx;
      y = ny;
      return;
    }
    if (op === 3) {
      const [hw, hh] = apertureHalf();
      touch(nx, ny, hw, hh);
      result.flashes.push({ xMm: nx, yMm: ny, aperture: currentAperture });
      x = nx;
      y = ny;
      return;
    }
    if (op !== 1) return;
    const [hw, hh] = inRegion ? [0, 0] : apertureHalf();
    if (!inRegion) {
      result.draws++;
      result.drawApertures.add(currentAperture);
    }
    touch(x, y, hw, hh);
    touch(nx, ny, hw, hh);
    if (interpolation !== 1) {
      result.arcs++;
      const io = is !== null ? parseCoordinate(is, fmt) * scale : 0;
      const jo = js !== null ? parseCoordinate(js, fmt) * scale : 0;
      arcExtremes(x, y, nx, ny, io, jo, interpolation === 2, multiQuadrant, (px, py) => touch(px, py, hw, hh));
    }
    x = nx;
    y = ny;
  };

  const len = text.length;
  let pos = 0;
  let nextPercent = text.indexOf('%');
  while (pos < len && !ended) {
    if ((++blocks & 4095) === 0 && now() > deadline)
      throw new ParseTimeoutError(limits.file ?? 'gerber', limits.timeLimitMs ?? 0);
    const ch = text.charCodeAt(pos);
    if (ch === 37 /* % */) {
      const end = text.indexOf('%', pos + 1);
      const body = text.slice(pos + 1, end < 0 ? len : end);
      for (const part of body.split('*')) {
        const p = part.trim();
        if (p) handleParameter(p);
      }
      pos = end < 0 ? len : end + 1;
      continue;
    }
    if (ch === 10 || ch === 13 || ch === 32 || ch === 9) {
      pos++;
      continue;
    }
    let end = text.indexOf('*', pos);
    if (end < 0) end = len;
    // A parameter block after a word that lacks its '*' (comments may contain '%'). The next '%' is
    // cached: searching for it from every word would scan the rest of the file each time.
    if (nextPercent !== -1 && nextPercent < pos) nextPercent = text.indexOf('%', pos);
    const pct = text.startsWith('G04', pos) ? -1 : nextPercent;
    if (pct >= 0 && pct < end) end = pct;
    let word = text.slice(pos, end);
    if (word.includes('\n') || word.includes('\r')) word = word.replace(/\s+/g, word.startsWith('G04') ? ' ' : '');
    handleWord(word.trim());
    pos = end === pct ? end : end + 1;
  }
  closeStepRepeat();
  result.rs274d = !format && !sawApertureDefinition && sawCoordinates;
  return result;
}

/** Reads a non-negative integer from `text[from, to)` without allocating a substring. */
function intAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Adds the axis-crossing extremes of a circular arc (mm) to the box through `add`. */
function arcExtremes(
  sx: number,
  sy: number,
  ex: number,
  ey: number,
  i: number,
  j: number,
  clockwise: boolean,
  multiQuadrant: boolean,
  add: (x: number, y: number) => void,
): void {
  let cx = sx + i;
  let cy = sy + j;
  if (!multiQuadrant) {
    // Single-quadrant mode gives unsigned offsets: pick the centre that is equidistant from both ends.
    let best = Infinity;
    for (const [si, sj] of [
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ]) {
      const ccx = sx + si * Math.abs(i);
      const ccy = sy + sj * Math.abs(j);
      const d = Math.abs(Math.hypot(sx - ccx, sy - ccy) - Math.hypot(ex - ccx, ey - ccy));
      if (d < best) {
        best = d;
        cx = ccx;
        cy = ccy;
      }
    }
  }
  const r = Math.hypot(sx - cx, sy - cy);
  if (r === 0) return;
  let a0 = Math.atan2(sy - cy, sx - cx);
  let a1 = Math.atan2(ey - cy, ex - cx);
  if (clockwise) [a0, a1] = [a1, a0];
  // Sweep counter-clockwise from a0 to a1; equal ends in multi-quadrant mode mean a full circle.
  let sweep = a1 - a0;
  while (sweep <= 0) sweep += 2 * Math.PI;
  if (!multiQuadrant && sweep > Math.PI / 2 + 1e-6) return;
  for (let k = -4; k <= 4; k++) {
    const a = (k * Math.PI) / 2;
    let d = a - a0;
    while (d < 0) d += 2 * Math.PI;
    if (d <= sweep) add(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
}
