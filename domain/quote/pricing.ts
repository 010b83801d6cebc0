/**
 * Pricing: turns an analysis, the customer's options and a versioned rule set into line items (quantity,
 * unit price, total in integer fen), quantity breaks, and either an automatic quote or "needs engineering
 * review" with the reasons. Deterministic and free of I/O, so a workflow may call it directly.
 */
import type { QuoteAnalysis } from './analyze';
import { assemblyWanted, missingFiles, type FileSetRequest, type MissingFile, type SuppliedBy } from './file-set';
import type { Catalog, CatalogEntry, PricingRules } from './pricing-rules';
import type { QuoteApproval } from './review';

/** What the customer asked for (with who supplies the bare boards and the stencil, and layers declared absent). */
export interface QuoteOptions extends FileSetRequest {
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
  /** `adjustment`: the quantity price protection (a negative amount). */
  category: 'pcb' | 'stencil' | 'assembly' | 'components' | 'lead-time' | 'adjustment';
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
  pcbSuppliedBy: SuppliedBy;
  stencilSuppliedBy: SuppliedBy;
  leadTime: string;
  leadTimeDays: number;
  quotedOn: string;
  validUntil: string;
  lineItems: LineItem[];
  subtotals: Record<LineItem['category'], number>;
  totalFen: number;
  perBoardFen: number;
  totalUsdCents: number;
  /** The per-board price in US cents (the same per-board figure as `perBoardFen`, converted). */
  perBoardUsdCents: number;
  quantityBreaks: Array<{ quantity: number; runType: 'proofing' | 'volume'; totalFen: number; perBoardFen: number }>;
  /** Set once an engineer approved a quote that needed review: what was reviewed, changed, and by whom. */
  approval?: QuoteApproval;
  /** Files seed 001 asks for that were not sent (empty when complete). */
  missingFiles: MissingFile[];
  status: 'quoted' | 'needs-engineering-review';
  reviewReasons: string[];
  terms: string[];
}

/** The analysis fields pricing reads. */
export type PricingAnalysis = Pick<
  QuoteAnalysis,
  'layers' | 'board' | 'drill' | 'bom' | 'placement' | 'issues' | 'assembly' | 'parts'
>;

/** Adds whole days to a YYYY-MM-DD date (UTC calendar arithmetic, no clock). */
export function addDays(date: string, days: number): string {
  const t =
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Finds a catalog part by supplier part number, then MPN (case-insensitive). */
export function findCatalogPart(
  catalog: Catalog | null,
  part: { mpn: string; supplierPart: string },
): CatalogEntry | null {
  if (!catalog) return null;
  const spn = part.supplierPart.toUpperCase();
  const mpn = part.mpn.toUpperCase();
  return (
    (spn && catalog.parts.find((p) => p.supplierPart?.toUpperCase() === spn)) ||
    (mpn && catalog.parts.find((p) => p.mpn?.toUpperCase() === mpn)) ||
    null
  );
}

function catalogUnitPrice(entry: CatalogEntry, quantity: number): number {
  let price = entry.unitPriceFen;
  for (const b of entry.breaks ?? []) if (quantity >= b.minQuantity) price = Math.min(price, b.unitPriceFen);
  return price;
}

function layerPrice(rules: PricingRules, copperLayers: number) {
  const counts = Object.keys(rules.pcb.byCopperLayers)
    .map(Number)
    .sort((a, b) => a - b);
  const n = counts.find((c) => c >= Math.max(1, copperLayers));
  return n === undefined ? null : { layers: n, price: rules.pcb.byCopperLayers[String(n)] };
}

/** What does not change with the quantity: the request read once, parts looked up in the catalog once. */
interface Prepared {
  analysis: PricingAnalysis;
  options: QuoteOptions;
  rules: PricingRules;
  assembly: boolean;
  sourcing: 'turnkey' | 'consigned' | null;
  pcbByFactory: boolean;
  stencilByFactory: boolean;
  layer: ReturnType<typeof layerPrice>;
  /** The PCB quantity factors, largest threshold first. */
  quantityFactors: PricingRules['pcb']['quantityFactors'];
  /** Fitted parts found in the catalog (turnkey). */
  bought: Array<{ part: PricingAnalysis['parts'][number]; entry: CatalogEntry; name: string }>;
  fittedLines: number;
  leadTime: string;
  lt: PricingRules['leadTimes'][string] | undefined;
  /** Reasons independent of the quantity. */
  reasons: string[];
  missingFiles: MissingFile[];
}

function prepare(
  analysis: PricingAnalysis,
  options: QuoteOptions,
  rules: PricingRules,
  catalog: Catalog | null,
): Prepared {
  const reasons: string[] = [];
  const assembly = assemblyWanted(analysis, options);
  const pcbByFactory = (options.pcbSuppliedBy ?? 'factory') === 'factory';
  const stencilByFactory = (options.stencilSuppliedBy ?? 'factory') === 'factory';
  const { board, limits } = { board: analysis.board, limits: rules.limits };
  const layer = layerPrice(rules, board.copperLayers);
  if (pcbByFactory && (!layer || board.copperLayers > limits.maxCopperLayers)) {
    reasons.push(`${board.copperLayers} copper layers: more than the ${limits.maxCopperLayers} quoted automatically`);
  }
  const longSide = Math.max(board.widthMm, board.heightMm);
  const shortSide = Math.min(board.widthMm, board.heightMm);
  if (board.widthMm <= 0 || board.heightMm <= 0) reasons.push('the board size is unknown');
  else if (
    longSide > Math.max(limits.maxWidthMm, limits.maxHeightMm) ||
    shortSide > Math.min(limits.maxWidthMm, limits.maxHeightMm)
  ) {
    reasons.push(
      `board ${board.widthMm} × ${board.heightMm} mm is larger than ${limits.maxWidthMm} × ${limits.maxHeightMm} mm`,
    );
  } else if (shortSide < limits.minSideMm) reasons.push(`board side ${shortSide} mm is below ${limits.minSideMm} mm`);
  if (pcbByFactory && analysis.drill.minDiameterMm !== null && analysis.drill.minDiameterMm < limits.minDrillMm) {
    reasons.push(`smallest drill ${analysis.drill.minDiameterMm} mm is below ${limits.minDrillMm} mm`);
  }
  const missing = missingFiles(analysis, options);
  if (missing.length) reasons.push(`the file set is incomplete: ${missing.map((m) => m.message).join('; ')}`);

  const fitted = assembly ? analysis.parts.filter((p) => !p.dnp) : [];
  if (fitted.length > limits.maxUniqueParts)
    reasons.push(`${fitted.length} BOM lines: more than ${limits.maxUniqueParts}`);
  const sourcing = assembly ? (options.sourcing ?? 'turnkey') : null;
  const bought: Prepared['bought'] = [];
  if (sourcing === 'turnkey') {
    const unknown: string[] = [];
    for (const part of fitted) {
      const entry = findCatalogPart(catalog, part);
      const name = partNumberOf(part);
      if (entry) bought.push({ part, entry, name });
      else unknown.push(`${name} (${part.designators.join(', ')})`);
    }
    if (unknown.length) reasons.push(`parts not in the catalog, to be sourced: ${unknown.join('; ')}`);
  }
  const leadTime = options.leadTime ?? 'standard';
  const lt = rules.leadTimes[leadTime];
  if (!lt) reasons.push(`unknown lead time "${leadTime}"`);
  const quantityFactors = [...rules.pcb.quantityFactors].sort((a, b) => b.minBoards - a.minBoards);
  return {
    analysis,
    options,
    rules,
    assembly,
    sourcing,
    pcbByFactory,
    stencilByFactory,
    layer,
    quantityFactors,
    bought,
    fittedLines: fitted.length,
    leadTime,
    lt,
    reasons,
    missingFiles: missing,
  };
}

/** Spare parts bought on top of the net quantity of an SMT line (machine loss); kitting checks the same figure. */
export function spareFor(components: PricingRules['components'], part: { throughHole: boolean }, net: number): number {
  return part.throughHole
    ? 0
    : Math.max(components.minimumSparePerSmtLine, Math.ceil((net * components.attritionPercent) / 100));
}

/** The part number a BOM line is known by on the quote and the kit: supplier part, else MPN, else value + footprint. */
export function partNumberOf(part: { supplierPart: string; mpn: string; value: string; footprint: string }): string {
  return part.supplierPart || part.mpn || `${part.value} ${part.footprint}`.trim();
}

function runTypeFor(p: Prepared, boards: number): 'proofing' | 'volume' {
  return p.options.runType ?? (boards <= p.rules.proofingMaxQuantity ? 'proofing' : 'volume');
}

/**
 * The rule set's price of one quantity, before the quantity price protection. With `collect` false only the
 * total is computed (the protection prices every quantity up to the last price step).
 */
function rawPrice(p: Prepared, boards: number, collect: boolean): { items: LineItem[]; total: number } {
  const { rules, analysis } = p;
  const runType = runTypeFor(p, boards);
  const items: LineItem[] = [];
  const sums = { pcb: 0, stencil: 0, assembly: 0, components: 0, 'lead-time': 0, adjustment: 0 } as Record<
    LineItem['category'],
    number
  >;
  const add = (
    category: LineItem['category'],
    code: string,
    description: string | false,
    quantity: number,
    unit: string,
    unitPriceFen: number,
  ) => {
    const totalFen = quantity * unitPriceFen;
    sums[category] += totalFen;
    if (description !== false) items.push({ category, code, description, quantity, unit, unitPriceFen, totalFen });
  };
  const { board } = analysis;

  // PCB fabrication: engineering per order, area price per board by layer count and quantity.
  if (p.pcbByFactory && p.layer) {
    const lp = p.layer;
    const factor = p.quantityFactors.find((f) => boards >= f.minBoards)?.percent ?? 100;
    const unit = Math.round((lp.price.perCm2Fen[runType] * board.areaCm2 * factor) / 100);
    add(
      'pcb',
      'pcb-engineering',
      collect && `PCB engineering (CAM), ${lp.layers} layers`,
      1,
      'order',
      lp.price.engineeringFen,
    );
    add(
      'pcb',
      'pcb-boards',
      collect &&
        `PCB ${lp.layers} layers, ${board.widthMm} × ${board.heightMm} mm (${board.areaCm2} cm²)${factor < 100 ? `, ${100 - factor} % quantity discount` : ''}`,
      boards,
      'board',
      unit,
    );
    if (sums.pcb < lp.price.minimumFen)
      add('pcb', 'pcb-minimum', collect && 'PCB minimum order charge', 1, 'order', lp.price.minimumFen - sums.pcb);
  } else if (!p.pcbByFactory) {
    add(
      'pcb',
      'customer-pcb-incoming',
      collect && 'Customer-supplied bare boards: incoming inspection and baking',
      1,
      'order',
      rules.customerSupplied.pcbIncomingInspectionFen,
    );
  }

  if (p.assembly) {
    const a = analysis.assembly;
    const smtSides = Math.max(1, Math.min(2, analysis.placement?.sides ?? 1));
    if (p.stencilByFactory) {
      add(
        'stencil',
        'stencil',
        collect && `Stencil (laser-cut steel, ${runType === 'proofing' ? 'frameless' : 'framed'})`,
        smtSides,
        'side',
        rules.stencil.perSideFen[runType],
      );
    } else {
      add(
        'stencil',
        'customer-stencil-check',
        collect && 'Customer-supplied stencil: inspection and fitting',
        smtSides,
        'side',
        rules.customerSupplied.stencilCheckFenPerSide,
      );
    }
    add(
      'assembly',
      'smt-setup',
      collect && 'Assembly setup: machine program, first article inspection',
      1,
      'order',
      rules.assembly.setupFen[runType],
    );
    if (smtSides > 1)
      add(
        'assembly',
        'smt-second-side',
        collect && 'Second side setup (double-sided assembly)',
        1,
        'order',
        rules.assembly.secondSideSetupFen,
      );
    if (a.uniqueSmtParts)
      add(
        'assembly',
        'feeder-loading',
        collect && 'Feeder loading per unique SMT part',
        a.uniqueSmtParts,
        'part',
        rules.assembly.feederLoadingFen,
      );
    if (a.uniqueThtParts)
      add(
        'assembly',
        'tht-setup',
        collect && 'Through-hole setup per unique part',
        a.uniqueThtParts,
        'part',
        rules.assembly.thtPartSetupFen,
      );
    if (a.smtJoints)
      add(
        'assembly',
        'smt-joints',
        collect && `SMT placement, ${a.smtJoints} joints per board`,
        a.smtJoints * boards,
        'joint',
        rules.assembly.smtJointFen[runType],
      );
    if (a.thtJoints)
      add(
        'assembly',
        'tht-joints',
        collect && `Through-hole soldering, ${a.thtJoints} joints per board`,
        a.thtJoints * boards,
        'joint',
        rules.assembly.thtJointFen[runType],
      );
    if (sums.assembly < rules.assembly.minimumFen)
      add(
        'assembly',
        'assembly-minimum',
        collect && 'Assembly minimum order charge',
        1,
        'order',
        rules.assembly.minimumFen - sums.assembly,
      );

    if (p.sourcing === 'consigned') {
      if (p.fittedLines)
        add(
          'components',
          'consigned-handling',
          collect && 'Consigned components: receiving and kitting per BOM line',
          p.fittedLines,
          'line',
          rules.components.consignedHandlingFenPerLine,
        );
    } else {
      for (const { part, entry, name } of p.bought) {
        const net = part.quantity * boards;
        const spare = spareFor(rules.components, part, net);
        const qty = net + spare;
        add(
          'components',
          `part:${name}`,
          collect && `${entry.description} — ${name}, ${part.quantity}/board${spare ? ` + ${spare} spare` : ''}`,
          qty,
          'pc',
          catalogUnitPrice(entry, qty),
        );
      }
    }
  }

  if (p.lt && p.lt.surchargePercent > 0) {
    const lt = p.lt;
    const base = sums.pcb + sums.stencil + sums.assembly;
    add(
      'lead-time',
      `lead-time-${p.leadTime}`,
      collect && `${p.leadTime} lead time (${lt.days} days), ${lt.surchargePercent} % on fabrication and assembly`,
      1,
      'order',
      Math.round((base * lt.surchargePercent) / 100),
    );
  }
  return { items, total: Object.values(sums).reduce((n, v) => n + v, 0) };
}

/**
 * The last quantity at which a price step can lower the rule set's price (run type, PCB quantity factors,
 * component price breaks); above it the raw price only rises with the quantity.
 */
function lastPriceStep(p: Prepared): number {
  let last = p.rules.proofingMaxQuantity + 1;
  for (const f of p.rules.pcb.quantityFactors) last = Math.max(last, f.minBoards);
  for (const { part, entry } of p.bought) {
    if (part.quantity < 1) continue;
    for (const b of entry.breaks ?? []) last = Math.max(last, Math.ceil(b.minQuantity / part.quantity));
  }
  return last;
}

/**
 * Quantity price protection: the rule set's tiers (proofing / volume, quantity factors, component breaks) can
 * make more boards cost less, or a larger order cost more per board. The price charged for q boards is the
 * lowest of: the rule set's price of q, the price of any larger quantity ("more for less" never pays), and the
 * per-board price of any smaller quantity times q. That is the largest price that never falls and whose
 * per-board figure never rises as the quantity grows (each candidate has both properties, so their minimum
 * has them too).
 */
class PriceProtection {
  private readonly raw: number[] = [0];
  private readonly lastStep: number;
  private readonly limit: number;

  constructor(private readonly p: Prepared) {
    this.lastStep = lastPriceStep(p);
    // Above the automatic quantity limit a quote is reviewed by an engineer anyway; the per-board cap then
    // looks at quantities up to that limit only, which bounds the work for absurd quantities.
    this.limit = Math.max(this.lastStep, p.rules.limits.maxQuantity) + 1;
  }

  private rawTotal(q: number): number {
    while (this.raw.length <= Math.min(q, this.limit)) this.raw.push(rawPrice(this.p, this.raw.length, false).total);
    return q < this.raw.length ? this.raw[q] : rawPrice(this.p, q, false).total;
  }

  /** The protected total (may have a fraction of a fen) and the quantity whose price capped it, if any. */
  price(q: number): {
    total: number;
    perBoard: number;
    cappedBy: { quantity: number; kind: 'larger-order' | 'per-board' } | null;
  } {
    const own = this.rawTotal(q);
    let total = own;
    let perBoard = own / q;
    let cappedBy: { quantity: number; kind: 'larger-order' | 'per-board' } | null = null;
    // Above the last price step the raw price only rises, so larger quantities up to there are enough.
    for (let larger = q + 1; larger <= this.lastStep; larger++) {
      const t = this.rawTotal(larger);
      if (t < total) {
        total = t;
        perBoard = t / q;
        cappedBy = { quantity: larger, kind: 'larger-order' };
      }
    }
    for (let smaller = 1; smaller < Math.min(q, this.limit + 1); smaller++) {
      const pb = this.rawTotal(smaller) / smaller;
      if (pb < perBoard) {
        perBoard = pb;
        total = pb * q;
        cappedBy = { quantity: smaller, kind: 'per-board' };
      }
    }
    return { total, perBoard, cappedBy };
  }
}

/**
 * Prices a quote. `catalog` is needed for turnkey components; without it every part needs sourcing.
 * The result is "needs-engineering-review" when any limit is passed, the file set is incomplete or the
 * analysis has an error.
 */
export function priceQuote(
  analysis: PricingAnalysis,
  options: QuoteOptions,
  rules: PricingRules,
  catalog: Catalog | null = null,
): PricedQuote {
  if (!Number.isInteger(options.quantity) || options.quantity < 1)
    throw new RangeError(`quantity must be a whole number ≥ 1, got ${options.quantity}`);
  const prepared = prepare(analysis, options, rules, catalog);
  const protection = new PriceProtection(prepared);
  const reasons = [...prepared.reasons];
  if (options.quantity > rules.limits.maxQuantity)
    reasons.push(`quantity ${options.quantity} is above the ${rules.limits.maxQuantity} quoted automatically`);
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  if (errors.length)
    reasons.unshift(`the files have ${errors.length} error(s): ${[...new Set(errors.map((e) => e.code))].join(', ')}`);

  const raw = rawPrice(prepared, options.quantity, true);
  const price = protection.price(options.quantity);
  const totalFen = Math.round(price.total);
  const lineItems = [...raw.items];
  if (price.cappedBy && totalFen < raw.total) {
    const { quantity, kind } = price.cappedBy;
    lineItems.push({
      category: 'adjustment',
      code: 'quantity-price-protection',
      description:
        kind === 'larger-order'
          ? `Quantity price protection: no more than the price of ${quantity} boards`
          : `Quantity price protection: no more per board than an order of ${quantity} boards`,
      quantity: 1,
      unit: 'order',
      unitPriceFen: totalFen - raw.total,
      totalFen: totalFen - raw.total,
    });
  }
  const subtotals = { pcb: 0, stencil: 0, assembly: 0, components: 0, 'lead-time': 0, adjustment: 0 } as Record<
    LineItem['category'],
    number
  >;
  for (const i of lineItems) subtotals[i.category] += i.totalFen;
  const perBoardFen = Math.round(price.perBoard);
  const breaks = [...new Set([...(options.quantityBreaks ?? rules.defaultQuantityBreaks), options.quantity])].sort(
    (a, b) => a - b,
  );
  return {
    rulesVersion: rules.version,
    catalogVersion: catalog?.version ?? null,
    currency: 'CNY',
    usdRate: rules.usdRate,
    quantity: options.quantity,
    runType: runTypeFor(prepared, options.quantity),
    sourcing: prepared.sourcing,
    pcbSuppliedBy: prepared.pcbByFactory ? 'factory' : 'customer',
    stencilSuppliedBy: prepared.stencilByFactory ? 'factory' : 'customer',
    leadTime: prepared.leadTime,
    leadTimeDays: prepared.lt?.days ?? 0,
    quotedOn: options.quotedOn,
    validUntil: addDays(options.quotedOn, rules.validityDays),
    lineItems,
    subtotals,
    totalFen,
    perBoardFen,
    totalUsdCents: toUsdCents(totalFen, rules.usdRate),
    perBoardUsdCents: toUsdCents(price.perBoard, rules.usdRate),
    quantityBreaks: breaks.map((quantity) => {
      // Each break is priced on its own run type unless the customer forced one, with the same protection.
      const b = quantity === options.quantity ? price : protection.price(quantity);
      return {
        quantity,
        runType: runTypeFor(prepared, quantity),
        totalFen: Math.round(b.total),
        perBoardFen: Math.round(b.perBoard),
      };
    }),
    missingFiles: prepared.missingFiles,
    status: reasons.length ? 'needs-engineering-review' : 'quoted',
    reviewReasons: reasons,
    terms: rules.terms,
  };
}

/** CNY fen to US cents at the rule set's rate (CNY per USD). */
export function toUsdCents(fen: number, usdRate: number): number {
  return Math.round(fen / usdRate);
}
