/**
 * Pricing: turns an analysis, the customer's options and a versioned rule set into line items (quantity,
 * unit price, total in integer fen), quantity breaks, and either an automatic quote or "needs engineering
 * review" with the reasons. Deterministic and free of I/O, so a workflow may call it directly.
 */
import type { QuoteAnalysis } from './analyze';
import type { Catalog, CatalogEntry, PricingRules } from './pricing-rules';

/** What the customer asked for. */
export interface QuoteOptions {
  quantity: number;
  /** Date the quote is issued (YYYY-MM-DD); validity runs from it. Given, not read from a clock. */
  quotedOn: string;
  leadTime?: string;
  /** Turnkey: we buy the components; consigned: the customer supplies them. */
  sourcing?: 'turnkey' | 'consigned';
  /** Assembly wanted; defaults to "a BOM was given". */
  assembly?: boolean;
  /** Forces proofing or volume pricing; by default decided by quantity. */
  runType?: 'proofing' | 'volume';
  quantityBreaks?: number[];
}

/** One priced line. */
export interface LineItem {
  category: 'pcb' | 'stencil' | 'assembly' | 'components' | 'lead-time';
  code: string;
  description: string;
  quantity: number;
  unit: string;
  unitPriceFen: number;
  totalFen: number;
}

/** The priced quote. */
export interface PricedQuote {
  rulesVersion: string;
  catalogVersion: string | null;
  currency: 'CNY';
  usdRate: number;
  quantity: number;
  runType: 'proofing' | 'volume';
  sourcing: 'turnkey' | 'consigned' | null;
  leadTime: string;
  leadTimeDays: number;
  quotedOn: string;
  validUntil: string;
  lineItems: LineItem[];
  subtotals: Record<LineItem['category'], number>;
  totalFen: number;
  perBoardFen: number;
  totalUsdCents: number;
  quantityBreaks: Array<{ quantity: number; runType: 'proofing' | 'volume'; totalFen: number; perBoardFen: number }>;
  status: 'quoted' | 'needs-engineering-review';
  reviewReasons: string[];
  terms: string[];
}

/** The analysis fields pricing reads. */
export type PricingAnalysis = Pick<QuoteAnalysis, 'board' | 'drill' | 'bom' | 'placement' | 'issues' | 'assembly' | 'parts'>;

/** Adds whole days to a YYYY-MM-DD date (UTC calendar arithmetic, no clock). */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Formats fen as `1,234.56`. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Finds a catalog part by supplier part number, then MPN (case-insensitive). */
export function findCatalogPart(catalog: Catalog | null, part: { mpn: string; supplierPart: string }): CatalogEntry | null {
  if (!catalog) return null;
  const spn = part.supplierPart.toUpperCase();
  const mpn = part.mpn.toUpperCase();
  return (spn && catalog.parts.find((p) => p.supplierPart?.toUpperCase() === spn))
    || (mpn && catalog.parts.find((p) => p.mpn?.toUpperCase() === mpn))
    || null;
}

function catalogUnitPrice(entry: CatalogEntry, quantity: number): number {
  let price = entry.unitPriceFen;
  for (const b of entry.breaks ?? []) if (quantity >= b.minQuantity) price = Math.min(price, b.unitPriceFen);
  return price;
}

function layerPrice(rules: PricingRules, copperLayers: number) {
  const counts = Object.keys(rules.pcb.byCopperLayers).map(Number).sort((a, b) => a - b);
  const n = counts.find((c) => c >= Math.max(1, copperLayers));
  return n === undefined ? null : { layers: n, price: rules.pcb.byCopperLayers[String(n)] };
}

function line(category: LineItem['category'], code: string, description: string, quantity: number, unit: string, unitPriceFen: number): LineItem {
  return { category, code, description, quantity, unit, unitPriceFen, totalFen: quantity * unitPriceFen };
}

/** Prices one quantity; returns line items and the reasons an automatic quote is not allowed. */
function priceOnce(analysis: PricingAnalysis, options: QuoteOptions, rules: PricingRules, catalog: Catalog | null) {
  const items: LineItem[] = [];
  const reasons: string[] = [];
  const boards = options.quantity;
  const runType = options.runType ?? (boards <= rules.proofingMaxQuantity ? 'proofing' : 'volume');
  const assembly = options.assembly ?? analysis.bom !== null;
  const sourcing = assembly ? options.sourcing ?? 'turnkey' : null;
  const { board } = analysis;

  // PCB fabrication: engineering per order, area price per board by layer count and quantity.
  const lp = layerPrice(rules, board.copperLayers);
  if (!lp || board.copperLayers > rules.limits.maxCopperLayers) {
    reasons.push(`${board.copperLayers} copper layers: more than the ${rules.limits.maxCopperLayers} quoted automatically`);
  }
  if (lp) {
    const factor = [...rules.pcb.quantityFactors].sort((a, b) => b.minBoards - a.minBoards).find((f) => boards >= f.minBoards)?.percent ?? 100;
    const unit = Math.round((lp.price.perCm2Fen[runType] * board.areaCm2 * factor) / 100);
    items.push(line('pcb', 'pcb-engineering', `PCB engineering (CAM), ${lp.layers} layers`, 1, 'order', lp.price.engineeringFen));
    items.push(line('pcb', 'pcb-boards', `PCB ${lp.layers} layers, ${board.widthMm} × ${board.heightMm} mm (${board.areaCm2} cm²)${factor < 100 ? `, ${100 - factor} % quantity discount` : ''}`, boards, 'board', unit));
    const pcbTotal = items.filter((i) => i.category === 'pcb').reduce((n, i) => n + i.totalFen, 0);
    if (pcbTotal < lp.price.minimumFen) items.push(line('pcb', 'pcb-minimum', 'PCB minimum order charge', 1, 'order', lp.price.minimumFen - pcbTotal));
  }
  const { limits } = rules;
  const longSide = Math.max(board.widthMm, board.heightMm);
  const shortSide = Math.min(board.widthMm, board.heightMm);
  if (board.widthMm <= 0 || board.heightMm <= 0) reasons.push('the board size is unknown');
  else if (longSide > Math.max(limits.maxWidthMm, limits.maxHeightMm) || shortSide > Math.min(limits.maxWidthMm, limits.maxHeightMm)) {
    reasons.push(`board ${board.widthMm} × ${board.heightMm} mm is larger than ${limits.maxWidthMm} × ${limits.maxHeightMm} mm`);
  } else if (shortSide < limits.minSideMm) reasons.push(`board side ${shortSide} mm is below ${limits.minSideMm} mm`);
  if (analysis.drill.minDiameterMm !== null && analysis.drill.minDiameterMm < limits.minDrillMm) {
    reasons.push(`smallest drill ${analysis.drill.minDiameterMm} mm is below ${limits.minDrillMm} mm`);
  }
  if (boards > limits.maxQuantity) reasons.push(`quantity ${boards} is above the ${limits.maxQuantity} quoted automatically`);

  if (assembly) {
    const a = analysis.assembly;
    const sides = analysis.placement?.sides ?? 1;
    if (!analysis.bom) reasons.push('assembly was asked for but no BOM was given');
    if (!analysis.placement) reasons.push('assembly was asked for but no placement (CPL) file was given');
    const smtSides = Math.max(1, Math.min(2, sides));
    items.push(line('stencil', 'stencil', `Stencil (laser-cut steel, ${runType === 'proofing' ? 'frameless' : 'framed'})`, smtSides, 'side', rules.stencil.perSideFen[runType]));
    items.push(line('assembly', 'smt-setup', 'Assembly setup: machine program, first article inspection', 1, 'order', rules.assembly.setupFen[runType]));
    if (smtSides > 1) items.push(line('assembly', 'smt-second-side', 'Second side setup (double-sided assembly)', 1, 'order', rules.assembly.secondSideSetupFen));
    if (a.uniqueSmtParts) items.push(line('assembly', 'feeder-loading', 'Feeder loading per unique SMT part', a.uniqueSmtParts, 'part', rules.assembly.feederLoadingFen));
    if (a.uniqueThtParts) items.push(line('assembly', 'tht-setup', 'Through-hole setup per unique part', a.uniqueThtParts, 'part', rules.assembly.thtPartSetupFen));
    if (a.smtJoints) items.push(line('assembly', 'smt-joints', `SMT placement, ${a.smtJoints} joints per board`, a.smtJoints * boards, 'joint', rules.assembly.smtJointFen[runType]));
    if (a.thtJoints) items.push(line('assembly', 'tht-joints', `Through-hole soldering, ${a.thtJoints} joints per board`, a.thtJoints * boards, 'joint', rules.assembly.thtJointFen[runType]));
    const asmTotal = items.filter((i) => i.category === 'assembly').reduce((n, i) => n + i.totalFen, 0);
    if (asmTotal < rules.assembly.minimumFen) items.push(line('assembly', 'assembly-minimum', 'Assembly minimum order charge', 1, 'order', rules.assembly.minimumFen - asmTotal));

    const fitted = analysis.parts.filter((p) => !p.dnp);
    if (fitted.length > limits.maxUniqueParts) reasons.push(`${fitted.length} BOM lines: more than ${limits.maxUniqueParts}`);
    if (sourcing === 'consigned') {
      if (fitted.length) items.push(line('components', 'consigned-handling', 'Consigned components: receiving and kitting per BOM line', fitted.length, 'line', rules.components.consignedHandlingFenPerLine));
    } else {
      const unknown: string[] = [];
      for (const part of fitted) {
        const entry = findCatalogPart(catalog, part);
        const name = part.supplierPart || part.mpn || `${part.value} ${part.footprint}`.trim();
        if (!entry) { unknown.push(`${name} (${part.designators.join(', ')})`); continue; }
        const net = part.quantity * boards;
        const spare = part.throughHole ? 0 : Math.max(rules.components.minimumSparePerSmtLine, Math.ceil((net * rules.components.attritionPercent) / 100));
        const qty = net + spare;
        items.push(line('components', `part:${name}`, `${entry.description} — ${name}, ${part.quantity}/board${spare ? ` + ${spare} spare` : ''}`, qty, 'pc', catalogUnitPrice(entry, qty)));
      }
      if (unknown.length) reasons.push(`parts not in the catalog, to be sourced: ${unknown.join('; ')}`);
    }
  }

  const leadTime = options.leadTime ?? 'standard';
  const lt = rules.leadTimes[leadTime];
  if (!lt) reasons.push(`unknown lead time "${leadTime}"`);
  else if (lt.surchargePercent > 0) {
    const base = items.filter((i) => i.category !== 'components').reduce((n, i) => n + i.totalFen, 0);
    items.push(line('lead-time', `lead-time-${leadTime}`, `${leadTime} lead time (${lt.days} days), ${lt.surchargePercent} % on fabrication and assembly`, 1, 'order', Math.round((base * lt.surchargePercent) / 100)));
  }
  const total = items.reduce((n, i) => n + i.totalFen, 0);
  return { items, reasons, runType, sourcing, leadTime, leadTimeDays: lt?.days ?? 0, total } as const;
}

/**
 * Prices a quote. `catalog` is needed for turnkey components; without it every part needs sourcing.
 * The result is "needs-engineering-review" when any limit is passed or the analysis has an error.
 */
export function priceQuote(analysis: PricingAnalysis, options: QuoteOptions, rules: PricingRules, catalog: Catalog | null = null): PricedQuote {
  if (!Number.isInteger(options.quantity) || options.quantity < 1) throw new RangeError(`quantity must be a whole number ≥ 1, got ${options.quantity}`);
  const main = priceOnce(analysis, options, rules, catalog);
  const reasons = [...main.reasons];
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  if (errors.length) reasons.unshift(`the files have ${errors.length} error(s): ${[...new Set(errors.map((e) => e.code))].join(', ')}`);
  const breaks = [...new Set([...(options.quantityBreaks ?? rules.defaultQuantityBreaks), options.quantity])].sort((a, b) => a - b);
  const subtotals = { pcb: 0, stencil: 0, assembly: 0, components: 0, 'lead-time': 0 } as Record<LineItem['category'], number>;
  for (const i of main.items) subtotals[i.category] += i.totalFen;
  return {
    rulesVersion: rules.version,
    catalogVersion: catalog?.version ?? null,
    currency: 'CNY',
    usdRate: rules.usdRate,
    quantity: options.quantity,
    runType: main.runType,
    sourcing: main.sourcing,
    leadTime: main.leadTime,
    leadTimeDays: main.leadTimeDays,
    quotedOn: options.quotedOn,
    validUntil: addDays(options.quotedOn, rules.validityDays),
    lineItems: main.items,
    subtotals,
    totalFen: main.total,
    perBoardFen: Math.round(main.total / options.quantity),
    totalUsdCents: Math.round(main.total / rules.usdRate),
    quantityBreaks: breaks.map((quantity) => {
      // Each break is priced on its own run type unless the customer forced one.
      const p = quantity === options.quantity ? main : priceOnce(analysis, { ...options, quantity }, rules, catalog);
      return { quantity, runType: p.runType, totalFen: p.total, perBoardFen: Math.round(p.total / quantity) };
    }),
    status: reasons.length ? 'needs-engineering-review' : 'quoted',
    reviewReasons: reasons,
    terms: rules.terms,
  };
}
