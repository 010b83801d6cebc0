import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QuoteAnalysis } from './analyze';
import { addDays, formatFen, priceQuote, QuoteOptions } from './pricing';
import { Catalog, PricingRules } from './pricing-rules';

// The shipped rule set is the one under test, so a change to it shows up here.
const rules = PricingRules.parse(JSON.parse(readFileSync(join(__dirname, '../../config/pricing/rules-2026-11-v1.json'), 'utf8')));
const catalog: Catalog = {
  version: 'test',
  parts: [
    { supplierPart: 'C1525', mpn: 'CL05B104KO5NNNC', description: '100nF 0402', unitPriceFen: 1 },
    { mpn: 'STM32G031K8T6', description: 'MCU', unitPriceFen: 480, breaks: [{ minQuantity: 100, unitPriceFen: 420 }] },
  ],
};

const analysis = (over: Partial<QuoteAnalysis> = {}): QuoteAnalysis => ({
  layers: [],
  board: { widthMm: 50, heightMm: 40, areaCm2: 20, copperLayers: 2, sizeFrom: 'outline' },
  drill: { holes: 10, tools: 2, minDiameterMm: 0.3, plated: 10, nonPlated: 0, slots: 0 },
  bom: { lines: 2, uniqueParts: 2, placements: 5, dnp: 0 },
  placement: { smt: 5, tht: 0, top: 5, bottom: 0, sides: 1 },
  issues: [],
  assembly: { smtJoints: 40, thtJoints: 0, uniqueSmtParts: 2, uniqueThtParts: 0, fiducials: { top: 3, bottom: 0 } },
  parts: [
    { designators: ['C1', 'C2', 'C3', 'C4'], quantity: 4, value: '100nF', footprint: 'C_0402', mpn: 'CL05B104KO5NNNC', manufacturer: '', supplierPart: 'C1525', dnp: false, throughHole: false, pins: 2 },
    { designators: ['U1'], quantity: 1, value: 'MCU', footprint: 'LQFP-32', mpn: 'STM32G031K8T6', manufacturer: 'ST', supplierPart: '', dnp: false, throughHole: false, pins: 32 },
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
    ['more than 6 copper layers', { board: { widthMm: 50, heightMm: 40, areaCm2: 20, copperLayers: 8, sizeFrom: 'outline' as const } }, /8 copper layers/],
    ['an error-level finding', { issues: [{ severity: 'error' as const, code: 'bom-designator-not-placed', message: 'x' }] }, /1 error\(s\): bom-designator-not-placed/],
    ['a board above the panel size', { board: { widthMm: 600, heightMm: 40, areaCm2: 240, copperLayers: 2, sizeFrom: 'outline' as const } }, /larger than 500 × 400 mm/],
    ['an unknown board size', { board: { widthMm: 0, heightMm: 0, areaCm2: 0, copperLayers: 2, sizeFrom: null } }, /size is unknown/],
    ['a drill below 0.2 mm', { drill: { holes: 1, tools: 1, minDiameterMm: 0.1, plated: 1, nonPlated: 0, slots: 0 } }, /smallest drill 0.1 mm/],
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
});
