/**
 * Layer identification: file names of the common CAD conventions (through whats-that-gerber, plus a few
 * names it does not know), corrected by what the file contains — its format (Gerber, Excellon or neither),
 * Gerber X2 `%TF.FileFunction`, drill headers, and, when the name says nothing, what the layer draws.
 */
import whatsThatGerber from 'whats-that-gerber';
import { looksLikeExcellon } from './excellon';
import type { GerberMeasure } from './gerber';

export type LayerFormat = 'gerber' | 'drill' | 'unknown';
export type LayerType =
  'copper' | 'soldermask' | 'silkscreen' | 'solderpaste' | 'outline' | 'drill' | 'drawing' | 'unknown';
export type LayerSide = 'top' | 'bottom' | 'inner' | 'all' | null;

/** One file of the upload with what it was identified as. */
export interface LayerIdentity {
  file: string;
  format: LayerFormat;
  type: LayerType;
  side: LayerSide;
  /** How the type was decided: 'x2' attribute, 'name', 'content' (drill header / drawing analysis) or 'none'. */
  source: 'x2' | 'name' | 'content' | 'none';
  /** Set when the name says "layer" but the content is neither Gerber nor Excellon. */
  namedAs?: LayerType;
  /** A Gerber whose layer nothing identified (at most a generic `.gbr` = drawing guess). */
  unidentified?: true;
}

/** Sniffs the format from the start of a file. */
export function sniffFormat(head: string): LayerFormat {
  const h = head.replace(/^\uFEFF/, '');
  if (looksLikeExcellon(h)) return 'drill';
  // Gerber: parameter blocks (%FS, %MO, %AD), G04 comments or D-code words ending with '*'.
  if (/%(FS|MO|AD|TF|IP|OF|LP|AM|IN)[^%]*\*%/.test(h)) return 'gerber';
  if (/^\s*(G0?4[^*]*\*|G7[01]\*|G75\*|G54D\d+\*|D\d+\*|X-?\d+Y-?\d+D0?[123]\*)/m.test(h)) return 'gerber';
  return 'unknown';
}

/** Maps an X2 FileFunction value (`Copper,L1,Top`, `Soldermask,Bot`, `Profile,NP`, ...) to type and side. */
export function typeFromFileFunction(fileFunction: string): { type: LayerType; side: LayerSide } | null {
  const parts = fileFunction.split(',').map((p) => p.trim());
  const kind = parts[0]?.toLowerCase();
  const sideWord = (parts.find((p) => /^(Top|Bot|Inr)$/i.test(p)) ?? '').toLowerCase();
  const side: LayerSide =
    sideWord === 'top' ? 'top' : sideWord === 'bot' ? 'bottom' : sideWord === 'inr' ? 'inner' : null;
  switch (kind) {
    case 'copper':
      return { type: 'copper', side: side ?? 'inner' };
    case 'soldermask':
      return { type: 'soldermask', side };
    case 'legend':
      return { type: 'silkscreen', side };
    case 'paste':
      return { type: 'solderpaste', side };
    case 'profile':
      return { type: 'outline', side: 'all' };
    case 'plated':
    case 'nonplated':
      return { type: 'drill', side: 'all' };
    case 'drillmap':
    case 'fabricationdrawing':
    case 'assemblydrawing':
    case 'arraydrawing':
    case 'otherdrawing':
    case 'other':
    case 'keep-out':
    case 'component':
      return { type: 'drawing', side: null };
    default:
      return null;
  }
}

/** Names whats-that-gerber does not know, seen in Altium / EasyEDA / JLC exports. */
const EXTRA_NAMES: Array<[RegExp, LayerType, LayerSide]> = [
  [/\.(gd\d*|gg\d*|gdd|gcl|gdl|gme)$/i, 'drawing', null],
  [/\.gm\d*$/i, 'outline', 'all'],
  [/(^|[_\-. ])(board[_ ]?outline|boardoutline|outline|edge[_ ]?cuts?|mechanical[_ ]?1)([_\-. ]|$)/i, 'outline', 'all'],
  [/\.group\d+\.(gbr|ger|gbx)$/i, 'copper', 'inner'],
  [/\.gpt$/i, 'drawing', 'top'],
  [/\.gpb$/i, 'drawing', 'bottom'],
];

/** Names that really mean a drawing layer (fabrication / assembly drawings, drill maps, notes). */
const DRAWING_WORDS =
  /draw|fab|assy|assembl|drill[_ -]?map|map|note|mech|doc|dimension|dwgs|cmts|eco\d|margin|crtyd|courtyard|adhes|user|keep[_ -]?out|\.g[dg]\d*$|\.gdd$|\.gp[tb]$/i;

/** Extensions that are documentation, never layers, whatever whats-that-gerber guesses. */
const NOT_LAYERS =
  /\.(pdf|json|gbrjob|md|html?|png|jpe?g|zip|rar|7z|csv|xlsx?|pos|xml|ini|log|dxf|step|stp|kicad_pcb|brd|sch|pcbdoc|schdoc)$/i;

/**
 * Identifies every file. `heads` maps each file to its first few kilobytes; `measures` (optional) gives the
 * parsed Gerber of a file so that its X2 attributes and drawing can decide when the name does not.
 */
export function identifyLayers(
  files: Array<{ file: string; head: string; measure?: GerberMeasure | null }>,
): LayerIdentity[] {
  const byName = whatsThatGerber(files.map((f) => baseName(f.file))) as Record<
    string,
    { type: string | null; side: string | null }
  >;
  return files.map(({ file, head, measure }): LayerIdentity => {
    const name = baseName(file);
    const format = NOT_LAYERS.test(name) ? 'unknown' : sniffFormat(head);
    if (format === 'unknown') {
      const named = strongName(name)?.type ?? byName[name]?.type ?? null;
      // A `.txt` is as often a readme as a drill file; other layer names on unreadable content are worth a word.
      const suspicious =
        !NOT_LAYERS.test(name) && named !== null && named !== 'drawing' && !(named === 'drill' && /\.txt$/i.test(name));
      return {
        file,
        format,
        type: 'unknown',
        side: null,
        source: 'none',
        ...(suspicious ? { namedAs: named as LayerType } : {}),
      };
    }

    const fileFunction = measure?.fileFunction ?? x2FileFunction(head);
    if (fileFunction) {
      const x2 = typeFromFileFunction(fileFunction);
      if (x2) return { file, format, ...x2, source: 'x2' };
    }
    if (format === 'drill') return { file, format, type: 'drill', side: 'all', source: 'content' };

    let guess = strongName(name) ?? byName[name] ?? { type: null, side: null };
    // whats-that-gerber calls any unrecognised `.gbr` a drawing and some (`fab.gbr`) a drill: this file is a
    // Gerber, so a drill guess is wrong, and a catch-all drawing guess is the last resort, after the content.
    const catchAllDrawing = guess.type === 'drawing' && !DRAWING_WORDS.test(name);
    if (guess.type === 'drill' || catchAllDrawing) guess = { type: null, side: null };
    if (!guess.type) {
      const extra = EXTRA_NAMES.find(([re]) => re.test(name));
      if (extra) guess = { type: extra[1], side: extra[2] };
      else if (DRAWING_WORDS.test(name)) guess = { type: 'drawing', side: null };
    }
    if (guess.type) {
      return { file, format, type: guess.type as LayerType, side: (guess.side ?? null) as LayerSide, source: 'name' };
    }
    const commented = layerFromComment(head);
    if (commented) return { file, format, ...commented, source: 'content' };
    if (measure && looksLikeOutline(measure)) return { file, format, type: 'outline', side: 'all', source: 'content' };
    if (catchAllDrawing) return { file, format, type: 'drawing', side: null, source: 'name', unidentified: true };
    return { file, format, type: 'unknown', side: null, source: 'none', unidentified: true };
  });
}

const MECHANICAL = /\.gm(\d+)$/i;

/**
 * The outline layer(s) to measure the board by. Altium exports mechanical layers as `.GM1`, `.GM2`, ...
 * and names them all "outline"; only one is the board edge, the others carry dimensions and notes that
 * would inflate the size. A keep-out (`.GKO`), Edge_Cuts, X2 profile or any other outline wins; otherwise
 * the lowest-numbered mechanical layer is used.
 */
export function outlinesForSize<T extends { file: string; type: LayerType }>(layers: T[]): T[] {
  const outlines = layers.filter((l) => l.type === 'outline');
  const others = outlines.filter((l) => !MECHANICAL.test(baseName(l.file)));
  if (others.length > 0 || outlines.length <= 1) return others.length > 0 ? others : outlines;
  const number = (l: T) => Number(MECHANICAL.exec(baseName(l.file))![1]);
  return [outlines.reduce((a, b) => (number(a) <= number(b) ? a : b))];
}

/**
 * Names whose words are unambiguous (`SOLDERMASK_TOP.art`, `silkTop`, `Top SMT Paste Mask`) are decided
 * here, before whats-that-gerber, which reads some of them as copper; plus Allegro's short names.
 */
export function strongName(name: string): { type: LayerType; side: LayerSide } | null {
  const n = name.toLowerCase().replace(/\.[^.]*$/, '');
  const allegro = /^(smt|smb|sst|ssb|spt|spb)$/.exec(n);
  if (allegro) {
    const kind = allegro[1][1] === 'm' ? 'soldermask' : allegro[1][1] === 's' ? 'silkscreen' : 'solderpaste';
    return { type: kind, side: allegro[1][2] === 't' ? 'top' : 'bottom' };
  }
  const side: LayerSide =
    /(^|[^a-z])top|top([^a-z]|$)|top(?=[_ -]?(solder|silk|paste|mask|overlay|legend|cream))|(mask|silk|paste|overlay|legend|cream)top/.test(
      n,
    )
      ? 'top'
      : /(^|[^a-z])bot(tom)?|bot(tom)?([^a-z]|$)|(mask|silk|paste|overlay|legend|cream)bot/.test(n)
        ? 'bottom'
        : null;
  if (!side) return null;
  if (/paste|cream/.test(n)) return { type: 'solderpaste', side };
  if (/solder[_ -]?mask|soldermask|solder[_ -]?resist|(^|[^a-z])mask|mask([^a-z]|$)|masktop|maskbot|stopmask/.test(n))
    return { type: 'soldermask', side };
  if (/silk|legend|overlay/.test(n)) return { type: 'silkscreen', side };
  return null;
}

/**
 * Layer named in a G04 comment, as EasyEDA and other generators write it (`G04 Layer: TopLayer*`), or in
 * a `%LN` parameter, for files whose name says nothing.
 */
export function layerFromComment(head: string): { type: LayerType; side: LayerSide } | null {
  // Also the deprecated layer-name parameter `%LNTOP SOLDER MASK*%` of older exports.
  const m = /G04\s*(?:Layer|Layer name|LayerName)\s*[:=]\s*([^*]+)\*/i.exec(head) ?? /%LN([^*%]+)\*%/.exec(head);
  if (!m) return null;
  const words = m[1].trim();
  const strong = strongName(`${words}.x`);
  if (strong) return strong;
  const w = words.toLowerCase().replace(/[\s_-]/g, '');
  if (/outline|edgecuts?|keepout|profile|boarddimension/.test(w)) return { type: 'outline', side: 'all' };
  if (/^(top|toplayer|topcopper|fcu|front|componentside)$/.test(w)) return { type: 'copper', side: 'top' };
  if (/^(bottom|bottomlayer|bottomcopper|bcu|back|solderside)$/.test(w)) return { type: 'copper', side: 'bottom' };
  if (/^(inner|mid|internal)(layer)?\d+$|^in\d+cu$|^(signal|plane)\d+$/.test(w))
    return { type: 'copper', side: 'inner' };
  return null;
}

/** X2 FileFunction from the text head (standard `%TF` or KiCad's comment form). */
function x2FileFunction(head: string): string | null {
  const m = /%TF\.FileFunction,([^*]*)\*%/.exec(head) ?? /G04 #@! TF\.FileFunction,([^*]*)\*/.exec(head);
  return m ? m[1] : null;
}

/** An outline draws thin lines with one or two apertures, flashes nothing and fills no regions. */
export function looksLikeOutline(m: GerberMeasure): boolean {
  if (m.flashes.length > 0 || m.regions > 0 || m.draws < 3 || m.drawApertures.size > 2) return false;
  for (const code of m.drawApertures) {
    const ap = m.apertures.get(code);
    if (ap && ap.widthMm > 0.5) return false;
  }
  return true;
}

/** The file name without its folders (archives keep paths like `gerbers/board.GTL`). */
export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}
