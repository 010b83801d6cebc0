import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { join } from 'node:path';
import type { QuoteAnalysis } from './analyze';
import { addDays, priceQuote, QuoteOptions } from './pricing';
import { formatFen } from '../shared/money';
import { Catalog, PricingRules } from './pricing-rules';

// The shipped rule set is the one under test, so a change to it shows up here.
const rules = PricingRules.parse(
  JSON.parse(readFileSync(join(__dirname, '../../config/pricing/rules-2026-11-v2.json'), 'utf8')),
);
const catalog: Catalog = {
  version: 'test',
  parts: [
    { supplierPart: 'C1525', mpn: 'CL05B104KO5NNNC', description: '100nF 0402', unitPriceFen: 1 },
    { mpn: 'STM32G031K8T6', description: 'MCU', unitPriceFen: 480, breaks: [{ minQuantity: 100, unitPriceFen: 420 }] },
  ],
};

/** Every layer seed 001 asks for, on both sides. */
const completeLayers: QuoteAnalysis['layers'] = [
  ...(['top', 'bottom'] as const).flatMap((side) =>
    (['copper', 'soldermask', 'silkscreen', 'solderpaste'] as const).map((type) => ({
      file: `${type}-${side}.gbr`,
      format: 'gerber' as const,
      type,
      side,
    })),
  ),
  { file: 'board.drl', format: 'drill', type: 'drill', side: 'all' },
  { file: 'edge.gbr', format: 'gerber', type: 'outline', side: 'all' },
];
const analysis = (over: Partial<QuoteAnalysis> = {}): QuoteAnalysis => ({
  layers: completeLayers,
  board: { widthMm: 50, heightMm: 40, areaCm2: 20, copperLayers: 2, sizeFrom: 'outline' },
  drill: { holes: 10, tools: 2, minDiameterMm: 0.3, plated: 10, nonPlated: 0, slots: 0 },
  bom: { lines: 2, uniqueParts: 2, placements: 5, dnp: 0 },
  placement: { smt: 5, tht: 0, top: 5, bottom: 0, sides: 1 },
  issues: [],
  assembly: { smtJoints: 40, thtJoints: 0, uniqueSmtParts: 2, uniqueThtParts: 0, fiducials: { top: 3, bottom: 0 } },
  parts: [
    {
      designators: ['C1', 'C2', 'C3', 'C4'],
      quantity: 4,
      value: '100nF',
      footprint: 'C_0402',
      mpn: 'CL05B104KO5NNNC',
      manufacturer: '',
      supplierPart: 'C1525',
      dnp: false,
      throughHole: false,
      pins: 2,
    },
    {
      designators: ['U1'],
      quantity: 1,
      value: 'MCU',
      footprint: 'LQFP-32',
      mpn: 'STM32G031K8T6',
      manufacturer: 'ST',
      supplierPart: '',
      dnp: false,
      throughHole: false,
      pins: 32,
    },
  ],
  ...over,
});
const options = (over: Partial<QuoteOptions> = {}): QuoteOptions => ({ quantity: 10, quotedOn: '2026-11-24', ...over });
const item = (q: ReturnType<typeof priceQuote>, code: string) => q.lineItems.find((l) => l.code === code);

describe('priceQuote', () => {
  it('prices a clean proofing job automatically, in integer fen with line totals adding up', () => {
    const q = priceQuote(analysis(), options(), rules, catalog);
    expect(q.status).toBe('quoted');
    expect(q.reviewReasons).toEqual([]);
    expect(q.runType).toBe('proofing');
    expect(item(q, 'pcb-boards')).toMatchObject({ quantity: 10, unitPriceFen: 160, totalFen: 1600 }); // 20 cm² × 8 fen
    expect(item(q, 'smt-joints')).toMatchObject({ quantity: 400, unitPriceFen: 3, totalFen: 1200 });
    expect(item(q, 'feeder-loading')).toMatchObject({ quantity: 2, totalFen: 1000 });
    // 40 capacitors + max(5 spare, 3 %) = 45
    expect(item(q, 'part:C1525')).toMatchObject({ quantity: 45, unitPriceFen: 1 });
    for (const l of q.lineItems) {
      expect(Number.isInteger(l.unitPriceFen) && Number.isInteger(l.totalFen)).toBe(true);
      expect(l.totalFen).toBe(l.quantity * l.unitPriceFen);
    }
    expect(q.totalFen).toBe(q.lineItems.reduce((n, l) => n + l.totalFen, 0));
    expect(q.totalUsdCents).toBe(Math.round(q.totalFen / 7.1));
    expect(q.validUntil).toBe('2026-12-09');
  });

  // The quote process (DESIGN.md): "engineering review when the automatic quote is not allowed (limits, DFM
  // errors)"; the limits are the rule set's (more than 6 copper layers, any error-level finding, unknown parts...).
  it.each([
    [
      'more than 6 copper layers',
      { board: { widthMm: 50, heightMm: 40, areaCm2: 20, copperLayers: 8, sizeFrom: 'outline' as const } },
      /8 copper layers/,
    ],
    [
      'an error-level finding',
      { issues: [{ severity: 'error' as const, code: 'bom-designator-not-placed', message: 'x' }] },
      /1 error\(s\): bom-designator-not-placed/,
    ],
    [
      'a board above the panel size',
      { board: { widthMm: 600, heightMm: 40, areaCm2: 240, copperLayers: 2, sizeFrom: 'outline' as const } },
      /larger than 500 × 400 mm/,
    ],
    [
      'an unknown board size',
      { board: { widthMm: 0, heightMm: 0, areaCm2: 0, copperLayers: 2, sizeFrom: null } },
      /size is unknown/,
    ],
    [
      'a drill below 0.2 mm',
      { drill: { holes: 1, tools: 1, minDiameterMm: 0.1, plated: 1, nonPlated: 0, slots: 0 } },
      /smallest drill 0.1 mm/,
    ],
  ])('refuses an automatic quote for %s', (_case, over, reason) => {
    const q = priceQuote(analysis(over), options(), rules, catalog);
    expect(q.status).toBe('needs-engineering-review');
    expect(q.reviewReasons.join('\n')).toMatch(reason);
  });

  it('flags parts that are not in the catalog for sourcing, but not when consigned', () => {
    const turnkey = priceQuote(analysis(), options(), rules, { version: 'empty', parts: [] });
    expect(turnkey.status).toBe('needs-engineering-review');
    expect(turnkey.reviewReasons[0]).toMatch(/not in the catalog.*C1525 \(C1, C2, C3, C4\).*STM32G031K8T6 \(U1\)/);
    const consigned = priceQuote(analysis(), options({ sourcing: 'consigned' }), rules, null);
    expect(consigned.status).toBe('quoted');
    expect(item(consigned, 'consigned-handling')).toMatchObject({ quantity: 2, unitPriceFen: 300 });
    expect(consigned.lineItems.some((l) => l.code.startsWith('part:'))).toBe(false);
  });

  it('switches to volume pricing above 50 boards, applies quantity factors and catalog price breaks', () => {
    const q = priceQuote(analysis(), options({ quantity: 500 }), rules, catalog);
    expect(q.runType).toBe('volume');
    expect(item(q, 'pcb-boards')!.unitPriceFen).toBe(Math.round((4 * 20 * 80) / 100)); // 20 % off from 500
    expect(item(q, 'part:STM32G031K8T6')!.unitPriceFen).toBe(420);
    expect(item(q, 'stencil')!.unitPriceFen).toBe(20000);
  });

  it('adds the lead-time surcharge on fabrication and assembly only', () => {
    const standard = priceQuote(analysis(), options(), rules, catalog);
    const rush = priceQuote(analysis(), options({ leadTime: 'rush' }), rules, catalog);
    const base = standard.subtotals.pcb + standard.subtotals.stencil + standard.subtotals.assembly;
    expect(item(rush, 'lead-time-rush')!.totalFen).toBe(base); // +100 %
    expect(rush.leadTimeDays).toBe(4);
  });

  it('prices every quantity break, cheaper per board as quantity grows', () => {
    const q = priceQuote(analysis(), options({ quantityBreaks: [5, 100, 1000] }), rules, catalog);
    expect(q.quantityBreaks.map((b) => b.quantity)).toEqual([5, 10, 100, 1000]);
    const per = q.quantityBreaks.map((b) => b.perBoardFen);
    expect([...per].sort((a, b) => b - a)).toEqual(per);
  });

  it('prices bare boards without assembly lines', () => {
    const q = priceQuote(analysis({ bom: null, placement: null, parts: [] }), options(), rules, catalog);
    expect(q.lineItems.map((l) => l.category)).toEqual(['pcb', 'pcb', 'pcb']);
    expect(item(q, 'pcb-minimum')!.totalFen).toBe(8000 - 5000 - 1600);
    expect(q.sourcing).toBeNull();
  });

  it('rejects a quantity that is not a whole number', () => {
    expect(() => priceQuote(analysis(), options({ quantity: 0 }), rules, catalog)).toThrow(RangeError);
  });

  it('formats money and dates', () => {
    expect(formatFen(123456789)).toBe('1,234,567.89');
    expect(formatFen(5)).toBe('0.05');
    expect(addDays('2026-12-25', 15)).toBe('2027-01-09');
  });

  // Issue 13: "a zip of copper and outline only is auto-quoted; an assembly with no paste layer is auto-issued and
  // charged for stencils; a Gerber-only request is silently priced as bare PCB".
  it.each<[string, Partial<QuoteAnalysis>, Partial<QuoteOptions>, RegExp]>([
    [
      'copper and outline only',
      {
        layers: completeLayers.filter((l) => l.type === 'copper' || l.type === 'outline'),
        bom: null,
        placement: null,
        parts: [],
      },
      { assembly: false },
      /file set is incomplete: No drill.*No top solder mask/,
    ],
    [
      'assembly without paste',
      { layers: completeLayers.filter((l) => l.type !== 'solderpaste') },
      {},
      /no top paste layer: no stencil can be cut/,
    ],
    [
      'Gerber files only, service not stated',
      { bom: null, placement: null, parts: [] },
      {},
      /say whether you want bare boards only/,
    ],
  ])('never quotes an incomplete file set automatically: %s', (_case, over, opts, reason) => {
    const q = priceQuote(analysis(over), options(opts), rules, catalog);
    expect(q.status).toBe('needs-engineering-review');
    expect(q.reviewReasons.join('\n')).toMatch(reason);
    expect(q.missingFiles.length).toBeGreaterThan(0);
  });

  // Seed 001 §3: the customer may supply the "Empty PCB board" and the "Printed steel plate".
  it('prices customer-supplied bare boards and stencil: no fabrication or stencil, an inspection charge instead', () => {
    const own = priceQuote(analysis(), options(), rules, catalog);
    const supplied = priceQuote(
      analysis({ layers: completeLayers.filter((l) => l.type === 'outline') }),
      options({ pcbSuppliedBy: 'customer', stencilSuppliedBy: 'customer' }),
      rules,
      catalog,
    );
    expect(supplied.status).toBe('quoted');
    expect(supplied.lineItems.map((l) => l.code)).not.toEqual(expect.arrayContaining(['pcb-boards']));
    expect(item(supplied, 'stencil')).toBeUndefined();
    expect(item(supplied, 'customer-pcb-incoming')).toMatchObject({
      totalFen: rules.customerSupplied.pcbIncomingInspectionFen,
    });
    expect(item(supplied, 'customer-stencil-check')).toMatchObject({
      quantity: 1,
      unitPriceFen: rules.customerSupplied.stencilCheckFenPerSide,
    });
    expect(supplied.totalFen).toBeLessThan(own.totalFen);
    expect([supplied.pcbSuppliedBy, supplied.stencilSuppliedBy]).toEqual(['customer', 'customer']);
  });

  // Issue 13: "the same board: 50 pcs 139.00 CNY in total, 99 pcs 138.11, 100 pcs 130.00 — more boards for less money".
  it('never charges less for more bare boards: 50, 99 and 100 pieces', () => {
    const bare = analysis({
      bom: null,
      placement: null,
      parts: [],
      board: { widthMm: 100, heightMm: 80, areaCm2: 80, copperLayers: 2, sizeFrom: 'outline' },
    });
    const [q50, q99, q100] = [50, 99, 100].map((quantity) =>
      priceQuote(bare, options({ quantity, assembly: false }), rules, catalog),
    );
    expect(q50.totalFen).toBeLessThanOrEqual(q99.totalFen);
    expect(q99.totalFen).toBeLessThanOrEqual(q100.totalFen);
    expect(q50.perBoardFen).toBeGreaterThanOrEqual(q99.perBoardFen);
    expect(q99.perBoardFen).toBeGreaterThanOrEqual(q100.perBoardFen);
    // The protection is a line of its own, so the lines still add up to the total.
    for (const q of [q50, q99, q100]) expect(q.lineItems.reduce((n, l) => n + l.totalFen, 0)).toBe(q.totalFen);
    expect(item(q99, 'quantity-price-protection')!.description).toMatch(/no more than the price of 100 boards/);
  });

  // Issue 13 item 4: "the total never falls and the per-board price never rises as quantity rises (property test
  // over the rule set)" — over the shipped rule set and catalog, any board, assembly, sourcing and lead time.
  it('the total never falls and the per-board price never rises as the quantity rises', () => {
    const shippedCatalog = Catalog.parse(
      JSON.parse(readFileSync(join(__dirname, '../../config/pricing/catalog-2026-11.json'), 'utf8')),
    );
    const board = fc.record({
      widthMm: fc.integer({ min: 5, max: 400 }),
      heightMm: fc.integer({ min: 5, max: 400 }),
      copperLayers: fc.constantFrom(1, 2, 4, 6),
    });
    const part = fc.record({
      index: fc.nat(shippedCatalog.parts.length - 1),
      perBoard: fc.integer({ min: 1, max: 12 }),
      throughHole: fc.boolean(),
    });
    const request = fc.record({
      board,
      parts: fc.array(part, { maxLength: 6 }),
      smtJoints: fc.integer({ min: 0, max: 600 }),
      thtJoints: fc.integer({ min: 0, max: 80 }),
      sides: fc.constantFrom(1, 2),
      assembly: fc.boolean(),
      sourcing: fc.constantFrom('turnkey' as const, 'consigned' as const),
      leadTime: fc.constantFrom('standard', 'express', 'rush'),
      pcbSuppliedBy: fc.constantFrom('factory' as const, 'customer' as const),
      quantities: fc.uniqueArray(fc.integer({ min: 1, max: rules.limits.maxQuantity }), { minLength: 2, maxLength: 5 }),
    });
    fc.assert(
      fc.property(request, (r) => {
        const parts = r.parts.map((p, i) => {
          const entry = shippedCatalog.parts[p.index];
          return {
            designators: [`X${i}`],
            quantity: p.perBoard,
            value: '',
            footprint: '',
            mpn: entry.mpn ?? '',
            manufacturer: '',
            supplierPart: entry.supplierPart ?? '',
            dnp: false,
            throughHole: p.throughHole,
            pins: 2,
          };
        });
        const a = analysis({
          board: { ...r.board, areaCm2: (r.board.widthMm * r.board.heightMm) / 100, sizeFrom: 'outline' },
          parts,
          placement: {
            smt: r.smtJoints ? 1 : 0,
            tht: r.thtJoints ? 1 : 0,
            top: 1,
            bottom: r.sides - 1,
            sides: r.sides,
          },
          assembly: {
            smtJoints: r.smtJoints,
            thtJoints: r.thtJoints,
            uniqueSmtParts: parts.filter((p) => !p.throughHole).length,
            uniqueThtParts: parts.filter((p) => p.throughHole).length,
            fiducials: { top: 3, bottom: 3 },
          },
        });
        const quantities = [...r.quantities].sort((x, y) => x - y);
        const quoted = priceQuote(
          a,
          options({
            quantity: quantities[0],
            quantityBreaks: quantities,
            assembly: r.assembly || r.pcbSuppliedBy === 'customer',
            sourcing: r.sourcing,
            leadTime: r.leadTime,
            pcbSuppliedBy: r.pcbSuppliedBy,
          }),
          rules,
          shippedCatalog,
        );
        const breaks = quoted.quantityBreaks;
        for (let i = 1; i < breaks.length; i++) {
          expect(breaks[i].totalFen).toBeGreaterThanOrEqual(breaks[i - 1].totalFen);
          expect(breaks[i].perBoardFen).toBeLessThanOrEqual(breaks[i - 1].perBoardFen);
        }
        expect(quoted.lineItems.reduce((n, l) => n + l.totalFen, 0)).toBe(quoted.totalFen);
        expect(breaks[0]).toMatchObject({ totalFen: quoted.totalFen, perBoardFen: quoted.perBoardFen });
      }),
      { numRuns: 60 },
    );
  });

  it('pairs the per-board CNY price with the per-board USD price', () => {
    const q = priceQuote(analysis(), options({ quantity: 100 }), rules, catalog);
    expect(q.perBoardUsdCents).toBe(Math.round(q.perBoardFen / rules.usdRate));
    expect(Math.abs(q.perBoardUsdCents * q.quantity - q.totalUsdCents)).toBeLessThanOrEqual(q.quantity);
  });
});
