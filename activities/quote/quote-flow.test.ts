// The quote-flow activities against PGlite and PostgreSQL with the real quote engine: each is idempotent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDb, TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { seedDemo, DEMO_CUSTOMER } from '../../infra/db/seed';
import { auditRepo, customersRepo, outboxRepo, quotesRepo } from '../../infra/db';
import { json } from '../../infra/db/database';
import { quotePdfPath, storeQuoteFile } from '../../infra/files/quote-files';
import { makeZip } from './test-support/make-zip';
import { completeBoardFiles } from '../../domain/quote/test-support/test-boards';
import { formatMoney } from '../../domain/shared/money';
import { createQuoteFlowActivities } from './quote-flow';

const board = () => makeZip(completeBoardFiles(40, 20));

describe.each(TEST_DB_KINDS)('quote-flow activities on %s', (kind) => {
  let t: TestDb;
  let dir: string;
  let acts: ReturnType<typeof createQuoteFlowActivities>;
  let quoteId: string;

  beforeAll(async () => {
    t = await openTestDb(kind);
    await seedDemo(t.db);
    dir = mkdtempSync(join(tmpdir(), 'smt-quote-flow-'));
    acts = createQuoteFlowActivities({ db: t.db, documentsDir: join(dir, 'docs') });
    const customer = await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code);
    const quote = await quotesRepo.createQuote(t.db, {
      reference: 'Q-TEST-1',
      customer_id: customer!.id,
      status: 'analysing',
      quantity: 10,
      currency: 'CNY',
      options: json({}),
    });
    quoteId = quote.id;
    const stored = await storeQuoteFile(dir, quoteId, 1, 'board.zip', board());
    await quotesRepo.addQuoteFile(t.db, {
      quote_id: quoteId,
      revision: 1,
      kind: 'gerber',
      filename: 'board.zip',
      content_hash: stored.sha256,
      size_bytes: stored.size,
      storage_path: stored.path,
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('analyses and prices a revision, storing the analysis and the price once however often it runs', async () => {
    const first = await acts.analyseQuoteRevision({ quoteId, revision: 1, quantity: 10, options: { assembly: false } });
    const again = await acts.analyseQuoteRevision({ quoteId, revision: 1, quantity: 10, options: { assembly: false } });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ autoQuoteAllowed: true, currency: 'CNY' });
    expect(first.totalFen).toBeGreaterThan(0);
    const revisions = await quotesRepo.listQuoteRevisions(t.db, quoteId);
    expect(revisions).toHaveLength(1);
    expect(revisions[0]).toMatchObject({ total_fen: first.totalFen, auto_quote_allowed: true });
    expect(await quotesRepo.listQuoteAnalyses(t.db, quoteId, 1)).toHaveLength(1);
  });

  it('a comments-only revision reuses the latest files', async () => {
    const r2 = await acts.analyseQuoteRevision({ quoteId, revision: 2, quantity: 30, options: { assembly: false } });
    expect(r2.autoQuoteAllowed).toBe(true);
    expect((await quotesRepo.getQuote(t.db, quoteId))?.current_revision).toBe(2);
  });

  it('applies review adjustments from the engine lines, so a retry does not compound them', async () => {
    const [rev] = await quotesRepo.listQuoteRevisions(t.db, quoteId);
    const line = (
      rev.price_breakdown as unknown as { lineItems: { code: string; quantity: number; totalFen: number }[] }
    ).lineItems[0];
    const expected = (rev.total_fen as number) - line.totalFen + line.quantity * 7;
    const a = await acts.applyReviewAdjustments({
      quoteId,
      revision: 1,
      adjustments: [{ code: line.code, unitPriceFen: 7 }],
    });
    const b = await acts.applyReviewAdjustments({
      quoteId,
      revision: 1,
      adjustments: [{ code: line.code, unitPriceFen: 7 }],
    });
    // A cut this deep needs a second person's approval (four eyes on price changes); the reasons say why.
    expect(a).toEqual({
      ok: true,
      totalFen: expected,
      approvalReasons: [expect.stringMatching(/^the total is lowered by/), expect.stringMatching(/below the floor/)],
    });
    expect(b).toEqual(a);
    expect(
      await acts.applyReviewAdjustments({ quoteId, revision: 1, adjustments: [{ code: 'NOPE', unitPriceFen: 1 }] }),
    ).toEqual({ ok: false, reason: 'no line item with code "NOPE"' });
    expect((await quotesRepo.listQuoteRevisions(t.db, quoteId))[0].total_fen).toBe(expected);
  });

  it('issues once: the same PDF bytes and one email per customer user, however often it runs', async () => {
    const input = { workflowId: `quote:${quoteId}`, quoteId, revision: 1, validUntil: '2026-12-24T10:00:00.000Z' };
    const first = await acts.issueQuote(input);
    const bytes = readFileSync(first.pdf);
    const again = await acts.issueQuote(input);
    expect(again.pdf).toBe(quotePdfPath(join(dir, 'docs'), 'Q-TEST-1', 1));
    expect(readFileSync(again.pdf).equals(bytes)).toBe(true);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(first.recipients.sort()).toEqual(['buyer@demo.local', 'customer@demo.local']);
    const mail = (await outboxRepo.listOutbox(t.db)).filter((m) =>
      m.idempotency_key.startsWith(`quote:${quoteId}:issued-r1`),
    );
    expect(mail).toHaveLength(2);
    expect(mail[0].text_body).toContain('Valid until 2026-12-24');
    // In English and Chinese, the total as money.
    const { total_fen: totalFen } = (await quotesRepo.listQuoteRevisions(t.db, quoteId))[0];
    expect(mail[0].subject).toBe(
      'Your quotation Q-TEST-1 (revision 1) is ready / 您的报价单 Q-TEST-1（第 1 版）已出具',
    );
    expect(mail[0].text_body).toContain(`Total: ${formatMoney(Number(totalFen), 'CNY', 'en')}.`);
    expect(mail[0].text_body).toContain(`总价：${formatMoney(Number(totalFen), 'CNY', 'zh')}。`);
    expect(mail[0].text_body).toMatch(/Total: ¥[\d,]+\.\d\d\./);
    expect(mail[0].text_body).toContain('有效期至 2026-12-24。');
    expect(new Date((await quotesRepo.getQuote(t.db, quoteId))!.valid_until as Date).toISOString()).toBe(
      '2026-12-24T10:00:00.000Z',
    );
  });

  it('projects the stage, auditing only real changes', async () => {
    expect(await acts.projectQuoteStage({ quoteId, stage: 'awaiting_customer', revision: 1 })).toEqual({
      changed: true,
    });
    expect(await acts.projectQuoteStage({ quoteId, stage: 'awaiting_customer', revision: 1 })).toEqual({
      changed: false,
    });
    const trail = (await auditRepo.listAudit(t.db, 'quote', quoteId)).filter((a) => a.action === 'quote.stage');
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      actor_role: 'workflow',
      before: { status: 'analysing' },
      after: { status: 'awaiting_customer', revision: 1 },
    });
  });
});
