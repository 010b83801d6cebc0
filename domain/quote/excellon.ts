/**
 * Excellon (NC drill) reader: tools, hits and slots in mm, plating from the header conventions of KiCad,
 * Altium and Eagle. Handles metric and inch, LZ/TZ zero suppression, explicit `;FILE_FORMAT=`/`FMAT`
 * formats, decimal coordinates, modal coordinates and G85 slots.
 */
import { ParseLimits, ParseTimeoutError } from './gerber';

/** One drill tool. */
export interface DrillTool {
  code: string;
  diameterMm: number;
  /** Plating of this tool when the file says so per tool (KiCad/Altium attributes), else the file's. */
  plated: boolean | null;
}

/** One hole (or a slot, counted once). */
export interface DrillHit {
  xMm: number;
  yMm: number;
  tool: string;
  slot: boolean;
}

/** Result of reading one drill file. */
export interface ExcellonDrill {
  units: 'mm' | 'in';
  tools: Map<string, DrillTool>;
  hits: DrillHit[];
  /** Plating declared for the whole file: true plated, false non-plated, null not stated. */
  filePlated: boolean | null;
  warnings: string[];
}

/** True when the text looks like an Excellon drill file (header or tool/hit lines). */
export function looksLikeExcellon(head: string): boolean {
  if (/^\s*%?\s*M48\b/m.test(head)) return true;
  const lines = head
    .split(/\r?\n/)
    .slice(0, 60)
    .map((l) => l.trim())
    .filter(Boolean);
  let tools = 0;
  let hits = 0;
  for (const l of lines) {
    if (/^T\d+(?:[FS]\d+)*C[\d.]+/.test(l)) tools++;
    else if (/^X-?[\d.]+Y-?[\d.]+$/.test(l)) hits++;
    else if (l.includes('*')) return false; // Gerber blocks end with '*'
  }
  return tools > 0 && hits > 0;
}

/** Plating stated by a header comment or attribute, or null. */
function platingFromComment(line: string): boolean | null {
  const l = line.toUpperCase();
  if (/NON[_-\s]?PLATED|NPTH/.test(l)) return false;
  if (/\bPLATED\b|\bPTH\b/.test(l)) return true;
  return null;
}

/** Reads an Excellon file. `zeros` overrides the zero suppression when the header does not state it. */
export function parseExcellon(text: string, options: ParseLimits & { zeros?: 'L' | 'T' } = {}): ExcellonDrill {
  const now = options.now ?? Date.now;
  const deadline = options.timeLimitMs ? now() + options.timeLimitMs : Infinity;
  const result: ExcellonDrill = { units: 'in', tools: new Map(), hits: [], filePlated: null, warnings: [] };
  let scale = 25.4;
  let integer = 2;
  let decimal = 4;
  let formatStated = false;
  // Which zeros are omitted in coordinates: 'L' leading omitted (right-aligned, Excellon "TZ"), 'T' trailing.
  let omitted: 'L' | 'T' = options.zeros ?? 'L';
  let current = '';
  let x = 0;
  let y = 0;
  let pendingPlating: boolean | null = null;
  let inHeader = false;
  const toolRanges: Array<{ from: number; plated: boolean }> = [];
  // Plating of a tool from a numbering convention (Fritzing), when the file declares one.
  const rangePlating = (code: string): boolean | null => {
    const n = Number(code);
    const match = toolRanges.filter((r) => n >= r.from).sort((a, b) => b.from - a.from)[0];
    return match ? match.plated : null;
  };
  const parse = (raw: string): number => {
    if (raw.includes('.')) return Number(raw) * scale;
    let sign = 1;
    let d = raw;
    if (d[0] === '-' || d[0] === '+') {
      sign = d[0] === '-' ? -1 : 1;
      d = d.slice(1);
    }
    if (omitted === 'T') d = d.padEnd(integer + decimal, '0');
    return ((sign * Number(d)) / 10 ** decimal) * scale;
  };
  const lines = text.split(/\r?\n|\r/);
  for (let li = 0; li < lines.length; li++) {
    if ((li & 1023) === 1023 && now() > deadline)
      throw new ParseTimeoutError(options.file ?? 'drill', options.timeLimitMs ?? 0);
    const line = lines[li].trim();
    if (!line) continue;
    if (line[0] === ';') {
      const ff = /FILE_FORMAT\s*=\s*(\d):(\d)/i.exec(line) ?? /FORMAT\s*=?\s*\{\s*(\d):(\d)/i.exec(line);
      if (ff) {
        integer = Number(ff[1]);
        decimal = Number(ff[2]);
        formatStated = true;
      }
      // Fritzing: `; NON-PLATED HOLES START AT T1` / `; THROUGH (PLATED) HOLES START AT T100`.
      const range = /(NON[- ]?PLATED|PLATED\)?)\s+HOLES\s+START\s+AT\s+T(\d+)/i.exec(line);
      if (range) {
        toolRanges.push({ from: Number(range[2]), plated: !/^NON/i.test(range[1]) });
        continue;
      }
      const plating = platingFromComment(line);
      if (
        plating !== null &&
        /TYPE=|TF\.FileFunction|TA\.AperFunction|NON_PLATED|^;\s*(NON[_ ]?)?PLATED|HOLES/i.test(line)
      ) {
        // `; #@! TA.AperFunction,Plated,PTH,ComponentDrill` precedes one tool; file-wide otherwise.
        if (/TA\.AperFunction/i.test(line)) pendingPlating = plating;
        else result.filePlated = plating;
      }
      continue;
    }
    if (line === 'M48') {
      inHeader = true;
      continue;
    }
    if (line === '%' || line === 'M95') {
      inHeader = false;
      continue;
    }
    if (/^(METRIC|M71)/.test(line)) {
      result.units = 'mm';
      scale = 1;
      if (!formatStated) {
        integer = 3;
        decimal = 3;
      }
      if (/,\s*LZ/.test(line)) omitted = 'T';
      else if (/,\s*TZ/.test(line)) omitted = 'L';
      const f = /,\s*0*(\d*)\.(\d+)/.exec(line); // METRIC,LZ,000.000
      if (f) {
        integer = f[1].length || integer;
        decimal = f[2].length;
        formatStated = true;
      }
      continue;
    }
    if (/^(INCH|M72)/.test(line)) {
      result.units = 'in';
      scale = 25.4;
      if (!formatStated) {
        integer = 2;
        decimal = 4;
      }
      if (/,\s*LZ/.test(line)) omitted = 'T';
      else if (/,\s*TZ/.test(line)) omitted = 'L';
      const f = /,\s*0*(\d*)\.(\d+)/.exec(line); // INCH,LZ,00.0000
      if (f) {
        integer = f[1].length || integer;
        decimal = f[2].length;
        formatStated = true;
      }
      continue;
    }
    const toolDef = /^T(\d+)((?:[A-Z][\d.+-]*)*)$/.exec(line);
    if (toolDef) {
      const code = String(Number(toolDef[1]));
      const c = /C([\d.]+)/.exec(toolDef[2]);
      if (c) {
        result.tools.set(code, {
          code,
          diameterMm: Number(c[1]) * scale,
          plated: pendingPlating ?? rangePlating(code),
        });
        pendingPlating = null;
        if (!inHeader) current = code;
      } else {
        current = code;
        if (code !== '0' && !result.tools.has(code))
          result.warnings.push(`tool T${toolDef[1]} used without a diameter`);
      }
      continue;
    }
    const repeat = /^R(\d+)(?:X([+-]?[\d.]+))?(?:Y([+-]?[\d.]+))?$/.exec(line);
    if (repeat) {
      // Repeat hole: n more hits, each offset by X/Y from the previous one.
      const dx = repeat[2] ? parse(repeat[2]) : 0;
      const dy = repeat[3] ? parse(repeat[3]) : 0;
      for (let k = 0; k < Math.min(Number(repeat[1]), 10_000); k++) {
        x += dx;
        y += dy;
        result.hits.push({ xMm: x, yMm: y, tool: current, slot: false });
      }
      continue;
    }
    if (line[0] === 'X' || line[0] === 'Y' || /^G0[0-3]X|^G0[0-3]Y|^G85/.test(line)) {
      const slot = /G85/.exec(line);
      const part = slot ? line.slice(0, slot.index) : line;
      const mx = /X([+-]?[\d.]+)/.exec(part);
      const my = /Y([+-]?[\d.]+)/.exec(part);
      if (mx) x = parse(mx[1]);
      if (my) y = parse(my[1]);
      if (/^G0[0-3]/.test(line) && !slot) {
        // Routing moves (G00..G03) outline a slot; count the plunge (G00 with M15 follows) once.
        if (/^G00/.test(line)) result.hits.push({ xMm: x, yMm: y, tool: current, slot: true });
        continue;
      }
      if (slot) {
        const rest = line.slice(slot.index + 3);
        const ex = /X([+-]?[\d.]+)/.exec(rest);
        const ey = /Y([+-]?[\d.]+)/.exec(rest);
        result.hits.push({ xMm: x, yMm: y, tool: current, slot: true });
        if (ex) x = parse(ex[1]);
        if (ey) y = parse(ey[1]);
        continue;
      }
      result.hits.push({ xMm: x, yMm: y, tool: current, slot: false });
      continue;
    }
    if (/^FMAT,?1/.test(line)) result.warnings.push('Excellon format 1 (FMAT,1) read as format 2');
  }
  return result;
}
