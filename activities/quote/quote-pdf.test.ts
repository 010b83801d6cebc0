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
import { pdfText } from './test-support/pdf-text';

describe('quote activities', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quote-pdf-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('analyse → price → PDF through the activity functions, idempotently', async () => {
    const activities = createQuoteActivities({ documentsDir: dir });
    const env = new MockActivityEnvironment();
    const zip = makeZip([
      { name: 'b-F_Cu.gbr', data: copperGerber('Top') },
      { name: 'b-Edge_Cuts.gbr', data: outlineGerber(80, 60) },
      { name: 'b.drl', data: platedDrill() },
    ]);
    const analysis = (await env.run(activities.analyzeQuoteFiles, {
      gerbers: { name: 'b.zip', data: zip },
    })) as AnalyzedUpload;
    expect(analysis.board).toMatchObject({ widthMm: 80, heightMm: 60, copperLayers: 1 });
    const quote = (await env.run(activities.priceQuoteActivity, {
      analysis,
      options: { quantity: 5, quotedOn: '2026-11-24' },
    })) as PricedQuote;
    expect(quote.rulesVersion).toBe('2026-11-v2');
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

  const reviewBase = {
    board: { widthMm: 10, heightMm: 10, areaCm2: 1, copperLayers: 8, sizeFrom: 'outline' as const },
    drill: { holes: 0, tools: 0, minDiameterMm: null, plated: 0, nonPlated: 0, slots: 0 },
    bom: null,
    placement: null,
    issues: [{ severity: 'error' as const, code: 'drill-missing', message: 'No drill file' }],
    inputs: [{ role: 'gerber' as const, file: 'b.zip', bytes: 10, sha256: 'a'.repeat(64) }],
    inputHash: 'b'.repeat(64),
  };
  const reviewQuote: PricedQuote = {
    rulesVersion: 'v',
    catalogVersion: null,
    currency: 'CNY',
    usdRate: 7.1,
    quantity: 10,
    runType: 'proofing',
    sourcing: null,
    pcbSuppliedBy: 'factory',
    stencilSuppliedBy: 'factory',
    leadTime: 'standard',
    leadTimeDays: 12,
    quotedOn: '2026-11-24',
    validUntil: '2026-12-09',
    lineItems: [
      {
        category: 'pcb',
        code: 'pcb-engineering',
        description: 'PCB engineering (CAM), 8 layers',
        quantity: 1,
        unit: 'order',
        unitPriceFen: 71000,
        totalFen: 71000,
      },
    ],
    subtotals: { pcb: 71000, stencil: 0, assembly: 0, components: 0, 'lead-time': 0, adjustment: 0 },
    totalFen: 71000,
    perBoardFen: 7100,
    totalUsdCents: 10000,
    perBoardUsdCents: 1000,
    quantityBreaks: [],
    missingFiles: [],
    status: 'needs-engineering-review',
    reviewReasons: ['8 copper layers'],
    terms: ['Balance before shipment.'],
  };

  it('marks a quote still awaiting review as a draft and lists every input hash', async () => {
    const a = await renderQuotePdf({
      quoteNumber: 'Q-R',
      factory: DEFAULT_FACTORY,
      customer: { name: 'X' },
      analysis: reviewBase,
      quote: reviewQuote,
    });
    const b = await renderQuotePdf({
      quoteNumber: 'Q-R',
      factory: DEFAULT_FACTORY,
      customer: { name: 'X' },
      analysis: { ...reviewBase, inputHash: 'c'.repeat(64) },
      quote: reviewQuote,
    });
    expect(a.equals(b)).toBe(false); // the hashes are part of the document
    expect(pdfText(a)).toContain('DRAFT');
  });

  // Issue 13 item 4: "the issued quote states what was approved and by whom; per-board and total figures in both
  // currencies are consistent".
  it('states on an approved quote who approved what, and pairs each CNY figure with its own USD figure', async () => {
    const approved: PricedQuote = {
      ...reviewQuote,
      approval: {
        reviewedBy: { name: 'Li Wei', role: 'engineer' },
        reviewedOn: '2026-11-25',
        reasons: ['8 copper layers'],
        changes: [
          { code: 'pcb-engineering', description: 'PCB engineering (CAM), 8 layers', fromFen: 80000, toFen: 71000 },
        ],
        secondApproval: { name: 'Zhang Min', role: 'sales_manager', on: '2026-11-25' },
      },
    };
    const text = pdfText(
      await renderQuotePdf({
        quoteNumber: 'Q-A',
        factory: DEFAULT_FACTORY,
        customer: { name: 'X' },
        analysis: reviewBase,
        quote: approved,
      }),
    );
    expect(text).not.toMatch(/DRAFT|NEEDS ENGINEERING REVIEW|indicative/);
    expect(text).toContain('Approved by Li Wei (engineer) on 2026-11-25.');
    expect(text).toContain('Price change approved by Zhang Min (sales_manager) on 2026-11-25.');
    expect(text).toContain('PCB engineering (CAM), 8 layers: from 800.00 to 710.00 CNY');
    expect(text).toContain('Per board: CNY 71.00 (about USD 10.00)');
    expect(text).toContain('Total: CNY 710.00 (about USD 100.00)');
    expect(text.replace(DEFAULT_FACTORY.contact, '')).not.toContain('@'); // no staff email, only the factory's sales address
  });
});
