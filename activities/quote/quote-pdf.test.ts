import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { copperGerber, outlineGerber, platedDrill } from '../../domain/quote/test-support/test-boards';
import type { PricedQuote } from '../../domain/quote/pricing';
import type { AnalyzedUpload } from './analyze-files';
import { createQuoteActivities } from './index';
import { makeZip } from './test-support/make-zip';
import { DEFAULT_FACTORY, renderQuotePdf } from './quote-pdf';

describe('quote activities', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'quote-pdf-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('analyse → price → PDF through the activity functions, idempotently', async () => {
    const activities = createQuoteActivities({ documentsDir: dir });
    const env = new MockActivityEnvironment();
    const zip = makeZip([
      { name: 'b-F_Cu.gbr', data: copperGerber('Top') },
      { name: 'b-Edge_Cuts.gbr', data: outlineGerber(80, 60) },
      { name: 'b.drl', data: platedDrill() },
    ]);
    const analysis = (await env.run(activities.analyzeQuoteFiles, { gerbers: { name: 'b.zip', data: zip } })) as AnalyzedUpload;
    expect(analysis.board).toMatchObject({ widthMm: 80, heightMm: 60, copperLayers: 1 });
    const quote = (await env.run(activities.priceQuoteActivity, { analysis, options: { quantity: 5, quotedOn: '2026-11-24' } })) as PricedQuote;
    expect(quote.rulesVersion).toBe('2026-11-v1');
    expect(quote.lineItems[0].code).toBe('pcb-engineering');

    const input = { quoteNumber: 'Q-2026-0001', customer: { name: 'Acme Sensors' }, analysis, quote };
    const first = (await env.run(activities.renderQuotePdfActivity, input)) as { path: string; sha256: string };
    const second = (await env.run(activities.renderQuotePdfActivity, input)) as { path: string; sha256: string };
    expect(first.path).toBe(join(dir, 'Q-2026-0001.pdf'));
    expect(second.sha256).toBe(first.sha256); // same input, byte-identical document
    const pdf = await readFile(first.path);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('(Quotation Q-2026-0001)');
  });

  it('marks a quote that needs engineering review and lists every input hash', async () => {
    const base = {
      board: { widthMm: 10, heightMm: 10, areaCm2: 1, copperLayers: 8, sizeFrom: 'outline' as const },
      drill: { holes: 0, tools: 0, minDiameterMm: null, plated: 0, nonPlated: 0, slots: 0 },
      bom: null, placement: null,
      issues: [{ severity: 'error' as const, code: 'drill-missing', message: 'No drill file' }],
      inputs: [{ role: 'gerber' as const, file: 'b.zip', bytes: 10, sha256: 'a'.repeat(64) }],
      inputHash: 'b'.repeat(64),
    };
    const quote = {
      rulesVersion: 'v', catalogVersion: null, currency: 'CNY' as const, usdRate: 7, quantity: 1, runType: 'proofing' as const,
      sourcing: null, leadTime: 'standard', leadTimeDays: 12, quotedOn: '2026-11-24', validUntil: '2026-12-09',
      lineItems: [], subtotals: { pcb: 0, stencil: 0, assembly: 0, components: 0, 'lead-time': 0 }, totalFen: 0, perBoardFen: 0,
      totalUsdCents: 0, quantityBreaks: [], status: 'needs-engineering-review' as const, reviewReasons: ['8 copper layers'], terms: ['Balance before shipment.'],
    };
    const a = await renderQuotePdf({ quoteNumber: 'Q-R', factory: DEFAULT_FACTORY, customer: { name: 'X' }, analysis: base, quote });
    const b = await renderQuotePdf({ quoteNumber: 'Q-R', factory: DEFAULT_FACTORY, customer: { name: 'X' }, analysis: { ...base, inputHash: 'c'.repeat(64) }, quote });
    expect(a.equals(b)).toBe(false); // the hashes are part of the document
    expect(a.length).toBeGreaterThan(2000);
  });
});
