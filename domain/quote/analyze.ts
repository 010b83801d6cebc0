/**
 * The analysis of one upload: layers identified, board measured, holes counted, BOM and placement read,
 * and the factory's file checklist as issues with stable codes. Pure: it works on file contents already
 * read (activities/quote does the reading, hashing and archive checks).
 */
import { parseBom, BomSummary, ParsedBom, partKey } from './bom';
import { designatorKey } from './designators';
import { parseExcellon, ExcellonDrill } from './excellon';
import { estimatePins } from './footprint';
import { Box, boxSize, emptyBox, extendBox, intersectBox, isEmptyBox, round, unionBox } from './geometry';
import { measureGerber, GerberMeasure, ParseTimeoutError } from './gerber';
import { identifyLayers, LayerFormat, LayerSide, LayerType, outlinesForSize } from './layers';
import { parsePlacement, ParsedPlacement, placementIsThroughHole } from './placement';
import { QuoteIssue, TableRow } from './table';

/** One file of the upload (path inside the archive or folder, and its bytes). */
export interface UploadedFile {
  file: string;
  data: Buffer | Uint8Array | string;
}

/** A BOM or placement file already turned into rows (text tables or spreadsheets). */
export interface TableInput {
  file: string;
  rows: TableRow[];
}

/** Limits of the pure analysis (archive limits are checked before, in activities/quote). */
export interface AnalysisLimits {
  /** Per-file parse budget, ms. */
  parseTimeMs: number;
  /** BOM / placement row limit. */
  maxRows: number;
}

export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = { parseTimeMs: 2000, maxRows: 5000 };

/** The layer list entry of the analysis. */
export interface AnalysedLayer {
  file: string;
  format: LayerFormat;
  type: LayerType;
  side: LayerSide;
}

/** A part of the BOM as pricing needs it. */
export interface AnalysedPart {
  designators: string[];
  quantity: number;
  value: string;
  footprint: string;
  mpn: string;
  manufacturer: string;
  supplierPart: string;
  dnp: boolean;
  throughHole: boolean;
  /** Estimated solder joints per part (from the footprint name). */
  pins: number;
}

/** The analysis result; the first six keys are the contract of `smt quote analyze --json`. */
export interface QuoteAnalysis {
  layers: AnalysedLayer[];
  board: {
    widthMm: number;
    heightMm: number;
    areaCm2: number;
    copperLayers: number;
    sizeFrom: 'outline' | 'copper' | null;
  };
  drill: {
    holes: number;
    tools: number;
    minDiameterMm: number | null;
    plated: number;
    nonPlated: number;
    slots: number;
  };
  bom: BomSummary | null;
  placement: { smt: number; tht: number; top: number; bottom: number; sides: number } | null;
  issues: QuoteIssue[];
  /** Assembly figures used by pricing. */
  assembly: {
    smtJoints: number;
    thtJoints: number;
    uniqueSmtParts: number;
    uniqueThtParts: number;
    fiducials: { top: number; bottom: number };
  };
  /** Fitted and DNP parts of the BOM (empty without a BOM). */
  parts: AnalysedPart[];
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Decodes bytes as Latin-1: Gerber and Excellon are ASCII, and Latin-1 never fails. */
function asText(data: Buffer | Uint8Array | string): string {
  if (typeof data === 'string') return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}

/** Plating a drill file's name states: `-NPTH.drl`, `Drill_NPTH_Through.DRL`, `PTH.drl`, or null. */
export function platingFromName(file: string): boolean | null {
  if (/(^|[^a-z])(npth|non[-_ ]?plated|unplated|nplated)([^a-z]|$)/i.test(file)) return false;
  if (/(^|[^a-z])(pth|plated)([^a-z]|$)/i.test(file)) return true;
  return null;
}

/** Analyses one upload. Never throws for bad content: everything wrong becomes an issue. */
export function analyzeUpload(
  input: { files: UploadedFile[]; bom?: TableInput | null; cpl?: TableInput | null },
  limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS,
): QuoteAnalysis {
  const issues: QuoteIssue[] = [];
  const texts = input.files.map((f) => ({ file: f.file, text: asText(f.data) }));

  // 1. Parse what can be parsed: Gerber measures now (identification may need them), drills after.
  const measures = new Map<string, GerberMeasure>();
  const heads = texts.map(({ file, text }) => ({ file, head: text.slice(0, 16384), text }));
  const preliminary = identifyLayers(heads.map(({ file, head }) => ({ file, head })));
  for (const layer of preliminary) {
    if (layer.format !== 'gerber') continue;
    const text = heads.find((h) => h.file === layer.file)!.text;
    try {
      measures.set(layer.file, measureGerber(text, { timeLimitMs: limits.parseTimeMs, file: layer.file }));
    } catch (err) {
      if (!(err instanceof ParseTimeoutError)) throw err;
      issues.push({
        severity: 'error',
        code: 'parse-timeout',
        file: layer.file,
        refs: [layer.file],
        message: `${layer.file}: ${err.message}; the file was not measured`,
      });
    }
  }
  const identified = identifyLayers(
    heads.map(({ file, head }) => ({ file, head, measure: measures.get(file) ?? null })),
  );
  const layers: AnalysedLayer[] = identified.map(({ file, format, type, side }) => ({ file, format, type, side }));

  for (const layer of identified) {
    const m = measures.get(layer.file);
    if (m?.rs274d) {
      issues.push({
        severity: 'error',
        code: 'gerber-rs274d-unsupported',
        file: layer.file,
        refs: [layer.file],
        message: `${layer.file} is RS-274D (no embedded format or apertures), which is not supported: please export RS-274X (extended Gerber)`,
      });
    } else if (m && m.units === null && (m.draws > 0 || m.flashes.length > 0)) {
      issues.push({
        severity: 'warning',
        code: 'gerber-units-missing',
        file: layer.file,
        refs: [layer.file],
        message: `${layer.file}: no unit statement (%MOIN/%MOMM); read as millimetres`,
      });
    }
    if (layer.namedAs) {
      issues.push({
        severity: 'warning',
        code: 'layer-unreadable',
        file: layer.file,
        refs: [layer.file],
        message: `${layer.file} is named like a ${layer.namedAs} layer but is neither Gerber nor Excellon; it was ignored`,
      });
    }
    if (layer.unidentified) {
      issues.push({
        severity: 'warning',
        code: 'layer-unidentified',
        file: layer.file,
        refs: [layer.file],
        message: `${layer.file}: a Gerber file whose layer could not be identified from its name or content${layer.type === 'drawing' ? ' (taken as a drawing, not fabricated)' : ''}; please rename it or export with X2 attributes`,
      });
    }
  }

  // 2. Board size: the outline, else the copper extents.
  let boardBox: Box = emptyBox();
  // (the board box is final only after the drills are read, below)
  let sizeFrom: 'outline' | 'copper' | null = null;
  for (const l of outlinesForSize(layers)) {
    const m = measures.get(l.file);
    if (m && !isEmptyBox(m.pathBox)) boardBox = unionBox(boardBox, m.pathBox);
  }
  if (!isEmptyBox(boardBox)) sizeFrom = 'outline';
  const copperBox = layers
    .filter((x) => x.type === 'copper')
    .reduce((box, l) => {
      const m = measures.get(l.file);
      return m && !isEmptyBox(m.inkBox) ? unionBox(box, m.inkBox) : box;
    }, emptyBox());
  if (!sizeFrom && !isEmptyBox(copperBox)) {
    // Eagle and others put logos and text in copper off the board; such art is rarely on every copper
    // layer, so the layers' common extent is the better estimate (widened by the drill holes below).
    boardBox =
      layers
        .filter((x) => x.type === 'copper')
        .reduce<Box | null>((box, l) => {
          const m = measures.get(l.file);
          if (!m || isEmptyBox(m.inkBox)) return box;
          if (!box) return { ...m.inkBox };
          const common = intersectBox(box, m.inkBox);
          return isEmptyBox(common) ? box : common;
        }, null) ?? copperBox;
    sizeFrom = 'copper';
    issues.push({
      severity: 'warning',
      code: 'outline-missing',
      message:
        'No board outline layer: the board size was estimated from the copper extents (and drill holes), which may differ from the real board; please add the outline (board edge) layer',
    });
  } else if (!sizeFrom) {
    issues.push({
      severity: 'error',
      code: 'outline-missing',
      message: 'No board outline layer and no copper to measure: the board size is unknown',
    });
  }
  const copperLayers = layers.filter((l) => l.type === 'copper').length;
  if (copperLayers === 0)
    issues.push({ severity: 'error', code: 'copper-missing', message: 'No copper layer was found' });

  // 3. Drills: plating from the header, else the file name, else plated.
  const drillFiles = layers.filter((l) => l.format === 'drill');
  const drills: Array<{ file: string; drill: ExcellonDrill; plated: boolean }> = [];
  for (const l of drillFiles) {
    const text = heads.find((h) => h.file === l.file)!.text;
    try {
      let drill = parseExcellon(text, { timeLimitMs: limits.parseTimeMs, file: l.file });
      // Zero suppression is often unstated; when the holes fall off the board, the other reading is right.
      if (sizeFrom && !/,\s*(LZ|TZ)/.test(text.slice(0, 4096)) && drill.hits.length) {
        const inside = (d: ExcellonDrill) =>
          d.hits.filter(
            (h) =>
              h.xMm >= boardBox.minX - 1 &&
              h.xMm <= boardBox.maxX + 1 &&
              h.yMm >= boardBox.minY - 1 &&
              h.yMm <= boardBox.maxY + 1,
          ).length;
        if (inside(drill) < drill.hits.length * 0.8) {
          const other = parseExcellon(text, { timeLimitMs: limits.parseTimeMs, file: l.file, zeros: 'T' });
          if (inside(other) > inside(drill)) drill = other;
        }
      }
      drills.push({ file: l.file, drill, plated: drill.filePlated ?? platingFromName(l.file) ?? true });
      for (const w of drill.warnings)
        issues.push({
          severity: 'warning',
          code: 'drill-warning',
          file: l.file,
          refs: [l.file],
          message: `${l.file}: ${w}`,
        });
    } catch (err) {
      if (!(err instanceof ParseTimeoutError)) throw err;
      issues.push({
        severity: 'error',
        code: 'parse-timeout',
        file: l.file,
        refs: [l.file],
        message: `${l.file}: ${err.message}; the file was not read`,
      });
    }
  }
  // Drill data exported as Gerber X2 (`%TF.FileFunction,Plated,...` / `NonPlated`): each flash is a hole.
  for (const l of layers.filter((x) => x.type === 'drill' && x.format === 'gerber')) {
    const m = measures.get(l.file);
    if (!m) continue;
    const tools = new Map(
      [...m.apertures].map(([code, ap]) => [
        String(code),
        { code: String(code), diameterMm: ap.widthMm, plated: null },
      ]),
    );
    const hits = m.flashes.map((f) => ({ xMm: f.xMm, yMm: f.yMm, tool: String(f.aperture), slot: false }));
    drills.push({
      file: l.file,
      drill: { units: 'mm', tools, hits, filePlated: null, warnings: [] },
      plated: !/^NonPlated/i.test(m.fileFunction ?? ''),
    });
  }
  let holes = 0;
  let plated = 0;
  let nonPlated = 0;
  let slots = 0;
  let tools = 0;
  let minDiameter = Infinity;
  const npthHoles: Array<{ x: number; y: number; d: number }> = [];
  const allHits: Array<{ x: number; y: number }> = [];
  for (const { drill, plated: filePlated } of drills) {
    const used = new Set(drill.hits.map((h) => h.tool));
    tools += [...used].filter((t) => drill.tools.has(t)).length;
    for (const hit of drill.hits) {
      const tool = drill.tools.get(hit.tool);
      const isPlated = tool?.plated ?? filePlated;
      holes++;
      if (hit.slot) slots++;
      if (isPlated) plated++;
      else nonPlated++;
      if (tool && tool.diameterMm > 0) minDiameter = Math.min(minDiameter, tool.diameterMm);
      if (!isPlated && tool) npthHoles.push({ x: hit.xMm, y: hit.yMm, d: tool.diameterMm });
      allHits.push({ x: hit.xMm, y: hit.yMm });
    }
  }
  if (sizeFrom === 'copper') {
    for (const h of allHits)
      if (h.x >= copperBox.minX && h.x <= copperBox.maxX && h.y >= copperBox.minY && h.y <= copperBox.maxY)
        extendBox(boardBox, h.x, h.y);
  }
  if (drills.length === 0) {
    issues.push({
      severity: 'warning',
      code: 'drill-missing',
      message:
        'No drill file (Excellon) was found: vias and through-holes cannot be made; add the NC drill file(s) unless the board truly has no holes',
    });
  }

  const { width, height } = boxSize(boardBox);

  // 4. Paste layers (stencil), fiducials, rails and locating holes.
  const pasteSides = new Set(layers.filter((l) => l.type === 'solderpaste').map((l) => l.side));
  const fiducials = { top: 0, bottom: 0 };
  for (const side of ['top', 'bottom'] as const) {
    const copper = layers.find((l) => l.type === 'copper' && l.side === side);
    const mask = layers.find((l) => l.type === 'soldermask' && l.side === side);
    if (copper && mask) fiducials[side] = countFiducials(measures.get(copper.file), measures.get(mask.file), allHits);
  }

  // 5. BOM and placement.
  const bom: ParsedBom | null = input.bom
    ? parseBom(input.bom.rows, { file: input.bom.file, maxRows: limits.maxRows })
    : null;
  const cpl: ParsedPlacement | null = input.cpl
    ? parsePlacement(input.cpl.rows, { file: input.cpl.file, maxRows: limits.maxRows })
    : null;
  if (bom) issues.push(...bom.issues);
  if (cpl) issues.push(...cpl.issues);
  const bomByDesignator = new Map<string, { line: NonNullable<typeof bom>['lines'][number] }>();
  for (const line of bom?.lines ?? [])
    for (const d of line.designators) bomByDesignator.set(designatorKey(d), { line });

  let placement: QuoteAnalysis['placement'] = null;
  if (bom && cpl) {
    const placed = new Set(cpl.placements.map((p) => designatorKey(p.designator)));
    const notPlaced: string[] = [];
    const thtNotPlaced: string[] = [];
    for (const line of bom.lines.filter((l) => !l.dnp)) {
      for (const d of line.designators) {
        if (placed.has(designatorKey(d))) continue;
        (line.throughHole ? thtNotPlaced : notPlaced).push(d);
      }
    }
    for (const d of notPlaced) {
      const line = bomByDesignator.get(designatorKey(d))!.line;
      issues.push({
        severity: 'error',
        code: 'bom-designator-not-placed',
        file: bom.file,
        row: line.row,
        refs: [d],
        message: `${d} (${bom.file} row ${line.row}) is in the BOM but has no placement in ${cpl.file}`,
      });
    }
    if (thtNotPlaced.length) {
      issues.push({
        severity: 'info',
        code: 'tht-not-in-placement',
        refs: thtNotPlaced,
        message: `Through-hole part(s) ${thtNotPlaced.join(', ')} have no placement; they are hand or wave soldered, so none is needed`,
      });
    }
    for (const p of cpl.placements) {
      const entry = bomByDesignator.get(designatorKey(p.designator));
      if (!entry) {
        issues.push({
          severity: 'error',
          code: 'placement-not-in-bom',
          file: cpl.file,
          row: p.row,
          refs: [p.designator],
          message: `${p.designator} (${cpl.file} row ${p.row}) is placed but has no BOM line in ${bom.file}`,
        });
      } else if (entry.line.dnp) {
        issues.push({
          severity: 'info',
          code: 'placement-dnp',
          file: cpl.file,
          row: p.row,
          refs: [p.designator],
          message: `${p.designator} is marked DNP in the BOM and will not be placed`,
        });
      }
    }
  }
  if (cpl) {
    let smt = 0,
      tht = 0,
      top = 0,
      bottom = 0;
    for (const p of cpl.placements) {
      const line = bomByDesignator.get(designatorKey(p.designator))?.line;
      if (line?.dnp) continue;
      if (placementIsThroughHole(p, line?.footprint)) tht++;
      else smt++;
      if (p.side === 'top') top++;
      else if (p.side === 'bottom') bottom++;
    }
    // Through-hole BOM parts left out of the placement file are still assembled (top side insertion).
    const placed = new Set(cpl.placements.map((p) => designatorKey(p.designator)));
    for (const line of bom?.lines ?? []) {
      if (line.dnp || !line.throughHole) continue;
      const missing = line.designators.filter((d) => !placed.has(designatorKey(d))).length;
      tht += missing;
      top += missing;
    }
    placement = { smt, tht, top, bottom, sides: (top > 0 ? 1 : 0) + (bottom > 0 ? 1 : 0) };
  }

  // 6. Board-level checklist.
  const smtSides: Array<'top' | 'bottom'> = [];
  if (cpl) {
    for (const side of ['top', 'bottom'] as const) {
      if (
        cpl.placements.some(
          (p) =>
            p.side === side &&
            !placementIsThroughHole(p, bomByDesignator.get(designatorKey(p.designator))?.line.footprint),
        )
      )
        smtSides.push(side);
    }
  } else {
    for (const side of ['top', 'bottom'] as const) if (pasteSides.has(side)) smtSides.push(side);
  }
  if (copperLayers === 0) {
    // BOM / placement only: the board-level checks need the Gerber files.
  } else if (pasteSides.size === 0) {
    issues.push({
      severity: 'warning',
      code: 'paste-missing',
      message: 'No solder paste layer: no stencil can be cut; add the paste (cream) layer of each side with SMT parts',
    });
  } else {
    for (const side of smtSides) {
      if (!pasteSides.has(side))
        issues.push({
          severity: 'warning',
          code: 'paste-missing',
          refs: [side],
          message: `SMT parts on the ${side} side but no ${side} paste layer: no ${side} stencil can be cut`,
        });
    }
  }
  for (const side of copperLayers > 0 ? smtSides : []) {
    if (fiducials[side] < 2) {
      issues.push({
        severity: 'warning',
        code: 'fiducials-missing',
        refs: [side],
        message: `${side} side: ${fiducials[side]} fiducial(s) found; the placement machine needs at least 2 (about 1 mm copper pads with a larger, about 3 mm, solder mask opening), or they must be on the panel rails`,
      });
    } else {
      issues.push({
        severity: 'info',
        code: 'fiducials-found',
        refs: [side],
        message: `${side} side: ${fiducials[side]} fiducials found`,
      });
    }
  }
  if (sizeFrom) panelChecks(boardBox, copperBox, npthHoles, issues);

  // 7. Parts and joints for pricing.
  const parts: AnalysedPart[] = (bom?.lines ?? []).map((l) => ({
    designators: l.designators,
    quantity: l.designators.length,
    value: l.value,
    footprint: l.footprint,
    mpn: l.mpn,
    manufacturer: l.manufacturer,
    supplierPart: l.supplierPart,
    dnp: l.dnp,
    throughHole: l.throughHole,
    pins: estimatePins(l.footprint),
  }));
  const fitted = parts.filter((p) => !p.dnp);
  let smtJoints = fitted.filter((p) => !p.throughHole).reduce((n, p) => n + p.pins * p.quantity, 0);
  let thtJoints = fitted.filter((p) => p.throughHole).reduce((n, p) => n + p.pins * p.quantity, 0);
  if (!bom && cpl) {
    for (const p of cpl.placements) {
      const pins = estimatePins(p.footprint);
      if (placementIsThroughHole(p)) thtJoints += pins;
      else smtJoints += pins;
    }
  }
  const assembly = {
    smtJoints,
    thtJoints,
    uniqueSmtParts: new Set(fitted.filter((p) => !p.throughHole).map(partKey)).size,
    uniqueThtParts: new Set(fitted.filter((p) => p.throughHole).map(partKey)).size,
    fiducials,
  };

  issues.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    layers,
    board: {
      widthMm: round(width),
      heightMm: round(height),
      areaCm2: round((width * height) / 100),
      copperLayers,
      sizeFrom,
    },
    drill: {
      holes,
      tools,
      minDiameterMm: Number.isFinite(minDiameter) ? round(minDiameter, 3) : null,
      plated,
      nonPlated,
      slots,
    },
    bom: bom ? bom.summary : null,
    placement,
    issues,
    assembly,
    parts,
  };
}

/**
 * Fiducials (seed 001: "1 mm solid pads, 3 mm clear ring"): round copper flashes of 0.5–2 mm with a
 * concentric mask opening at least 0.5 mm larger, and no drill hole there (which would make them THT pads).
 */
export function countFiducials(
  copper: GerberMeasure | undefined,
  mask: GerberMeasure | undefined,
  holes: Array<{ x: number; y: number }>,
): number {
  if (!copper || !mask) return 0;
  const maskOpenings = mask.flashes
    .map((f) => ({ f, ap: mask.apertures.get(f.aperture) }))
    .filter(({ ap }) => ap && ap.shape === 'C');
  let count = 0;
  for (const flash of copper.flashes) {
    const ap = copper.apertures.get(flash.aperture);
    if (!ap || ap.shape !== 'C' || ap.widthMm < 0.5 || ap.widthMm > 2) continue;
    const opening = maskOpenings.find(
      ({ f, ap: m }) =>
        Math.abs(f.xMm - flash.xMm) < 0.05 && Math.abs(f.yMm - flash.yMm) < 0.05 && m!.widthMm >= ap.widthMm + 0.5,
    );
    if (!opening) continue;
    if (holes.some((h) => Math.abs(h.x - flash.xMm) < 0.3 && Math.abs(h.y - flash.yMm) < 0.3)) continue;
    count++;
  }
  return count;
}

/**
 * Panel requirements (seed 001): 10 mm rails on the edges and locating holes. A single board has neither;
 * that is informational, since the factory panelises it.
 */
function panelChecks(
  board: Box,
  copper: Box,
  npth: Array<{ x: number; y: number; d: number }>,
  issues: QuoteIssue[],
): void {
  const margins = isEmptyBox(copper)
    ? { left: 0, right: 0, bottom: 0, top: 0 }
    : {
        left: copper.minX - board.minX,
        right: board.maxX - copper.maxX,
        bottom: copper.minY - board.minY,
        top: board.maxY - copper.maxY,
      };
  const rails = (margins.left >= 9 && margins.right >= 9) || (margins.top >= 9 && margins.bottom >= 9);
  const nearEdge = (h: { x: number; y: number }) =>
    Math.min(h.x - board.minX, board.maxX - h.x, h.y - board.minY, board.maxY - h.y) <= 10;
  const locating = npth.filter((h) => h.d >= 1 && h.d <= 4 && nearEdge(h));
  if (!rails) {
    issues.push({
      severity: 'info',
      code: 'panel-rails-absent',
      message: 'No 10 mm process rails on the board edges: a single board; the factory adds rails when panelising',
    });
  }
  if (locating.length < 2) {
    issues.push({
      severity: rails ? 'warning' : 'info',
      code: 'locating-holes-absent',
      message: rails
        ? `The panel has rails but ${locating.length} locating hole(s) (non-plated, 1–4 mm, within 10 mm of the edge); at least 2 are needed`
        : 'No locating (tooling) holes: a single board; the factory adds them on the panel rails',
    });
  }
}
