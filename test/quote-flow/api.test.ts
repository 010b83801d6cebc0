// The quote and customer APIs through a real listening server (the platform's launcher), with the real quote
// workers and activities (quote engine, PDF, outbox, SMTP catcher) on the embedded Temporal server, against
// PGlite and the real PostgreSQL (TEST_DATABASE_URL).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { DEMO_CUSTOMER } from '../../infra/db/seed';
import { auditRepo, caughtMailRepo, customersRepo, tasksRepo } from '../../infra/db';
import { type RunningPlatform } from '../../infra/launcher/platform';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import { completeBoardFiles, nonPlatedDrill } from '../../domain/quote/test-support/test-boards';
import { eventually } from './workflow-harness';
import { daysFromToday } from '../dates';
import { addOtherCustomer, startTestPlatform, type TestPlatform } from '../platform/helpers';

const logger = pino({ level: 'silent' });
const FIXTURE_BOARD = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'boards', 'clockblock');

/** A small complete two-layer board: priced automatically. */
const goodBoard = () => makeZip([...completeBoardFiles(50, 30), { name: 'board-NPTH.drl', data: nonPlatedDrill() }]);
/** An archive without any board layer: the analysis has errors, so an engineer reviews it. */
const boardNeedingReview = () => makeZip([{ name: 'readme.txt', data: 'the layers will follow' }]);

describe.each(TEST_DB_KINDS)('quote and customer APIs on %s', (kind) => {
  let running: TestPlatform;
  let env: TestWorkflowEnvironment;
  let t: TestDb;
  let dataDir: string;
  let platform: RunningPlatform;
  let otherCustomerId: string;
  const tokens: Record<string, string> = {};

  async function call(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are checked field by field
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${platform.url}${path}`, { method, headers, body: payload });
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      body: type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer()),
    };
  }

  function quoteForm(fields: Record<string, string>, files: Record<string, [Buffer, string]> = {}): FormData {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, [data, name]] of Object.entries(files)) form.append(k, new Blob([new Uint8Array(data)]), name);
    return form;
  }

  async function settledQuote(id: string, token: string, status: string) {
    return eventually(async () => {
      const r = await call('GET', `/api/quotes/${id}`, token);
      expect(r.status).toBe(200);
      expect(r.body.status).toBe(status);
      // Waiting stages are projected just before their task opens: wait for the task too.
      if (status === 'awaiting_customer' || status === 'engineering_review')
        expect(r.body.workflow?.openTasks.length).toBe(1);
      return r.body;
    }, 30_000);
  }

  beforeAll(async () => {
    running = await startTestPlatform({
      dbKind: kind,
      dataDirPrefix: 'smt-quote-api-',
      prepare: async (db) => {
        otherCustomerId = await addOtherCustomer(db, { status: 'approved' });
      },
      services: ['auth', 'tasks', 'quote', 'customer'],
      workers: ['quote'],
      logger,
      logins: [
        'buyer@demo.local',
        'sales@demo.local',
        'sales_manager@demo.local',
        'engineer@demo.local',
        'manager@demo.local',
        'finance@demo.local',
        'qa@demo.local',
        'other@other.test',
      ],
    });
    ({ env, t, platform, dataDir } = running);
    Object.assign(tokens, running.tokens);
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('a customer uploads a board; it is analysed, priced, issued with a PDF and an email; a revision and an acceptance start the order', async () => {
    const created = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '20', options: '{"assembly":false}' }, { gerber: [goodBoard(), 'board.zip'] }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'analysing',
      quantity: 20,
      revision: 1,
      workflowId: `quote:${created.body.id}`,
    });
    expect(created.body.files.gerber.sha256).toMatch(/^[0-9a-f]{64}$/);
    const id = created.body.id as string;

    const issued = await settledQuote(id, tokens.buyer, 'awaiting_customer');
    expect(issued.analysis.board).toMatchObject({ widthMm: 50, heightMm: 30, copperLayers: 2 });
    expect(issued.revisions[0]).toMatchObject({ revision: 1, pdf: `/api/quotes/${id}/pdf?revision=1` });
    expect(issued.revisions[0]).not.toHaveProperty('autoQuoteAllowed'); // the customer's view; staff read it
    expect((await call('GET', `/api/quotes/${id}`, tokens.sales)).body.revisions[0]).toMatchObject({
      revision: 1,
      autoQuoteAllowed: true,
    });
    expect(issued.revisions[0].price.lineItems.length).toBeGreaterThan(0);
    expect(issued.revisions[0].totalFen).toBe(issued.revisions[0].price.totalFen);
    expect(issued.workflow.openTasks).toEqual([
      expect.objectContaining({ step: 'customer-decision-r1', role: 'customer' }),
    ]);
    const expiresIn = Date.parse(issued.workflow.deadlines.expiresAt) - Date.parse(issued.validUntil);
    expect(expiresIn).toBe(0);

    const pdf = await call('GET', `/api/quotes/${id}/pdf`, tokens.buyer);
    expect(pdf.status).toBe(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    // The issued email went through the outbox and a real SMTP exchange to the catcher.
    await eventually(async () => {
      const mail = await caughtMailRepo.listCaughtMail(t.db, { to: 'buyer@demo.local' });
      expect(mail.map((m) => m.subject)).toContain(
        `Your quotation ${issued.reference} (revision 1) is ready / 您的报价单 ${issued.reference}（第 1 版）已出具`,
      );
    }, 20_000);

    // Others: another customer cannot see it; staff can; an engineer cannot decide for the customer.
    expect((await call('GET', `/api/quotes/${id}`, tokens.other)).status).toBe(404);
    expect((await call('GET', '/api/quotes', tokens.other)).body.quotes).toEqual([]);
    expect((await call('GET', `/api/quotes/${id}`, tokens.sales)).status).toBe(200);
    expect((await call('POST', `/api/quotes/${id}/decision`, tokens.engineer, { decision: 'accept' })).status).toBe(
      403,
    );
    expect((await call('POST', `/api/quotes/${id}/decision`, tokens.other, { decision: 'accept' })).status).toBe(404);
    const notOpen = await call('POST', `/api/quotes/${id}/review`, tokens.engineer, { decision: 'approve' });
    expect(notOpen.status).toBe(409);
    expect(notOpen.body.error.message).toMatch(/engineering-review-r1.*not open/);
    const bad = await call('POST', `/api/quotes/${id}/decision`, tokens.buyer, { decision: 'maybe' });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'decision' } } });

    // New files as a revision: same workflow, revision 2, priced again.
    const revised = await call(
      'POST',
      `/api/quotes/${id}/revisions`,
      tokens.buyer,
      quoteForm({ comment: 'added mounting holes', quantity: '40' }, { gerber: [goodBoard(), 'board-v2.zip'] }),
    );
    expect(revised).toMatchObject({ status: 201, body: { revision: 2 } });
    const second = await eventually(async () => {
      const q = await settledQuote(id, tokens.buyer, 'awaiting_customer');
      expect(q.revision).toBe(2);
      expect(q.workflow.openTasks[0]?.step).toBe('customer-decision-r2');
      return q;
    }, 30_000);
    expect(second.revisions.map((r: { revision: number; quantity: number }) => [r.revision, r.quantity])).toEqual([
      [1, 20],
      [2, 40],
    ]);
    expect(second.workflow.decisions).toEqual([
      expect.objectContaining({
        step: 'customer-decision-r1',
        decision: 'revise',
        comment: 'added mounting holes',
        by: expect.objectContaining({ email: 'buyer@demo.local' }),
      }),
    ]);

    const accepted = await call('POST', `/api/quotes/${id}/decision`, tokens.buyer, { decision: 'accept' });
    expect(accepted).toMatchObject({ status: 200, body: { decision: 'accept', revision: 2 } });
    const done = await settledQuote(id, tokens.buyer, 'accepted');
    expect(done.workflow.orderId).toBe(id);
    const order = await env.client.workflow.getHandle(`order:${id}`).describe();
    expect(order).toMatchObject({ type: 'orderWorkflow', taskQueue: 'production' });
    expect((await call('POST', `/api/quotes/${id}/decision`, tokens.buyer, { decision: 'accept' })).status).toBe(409);
    const trail = await auditRepo.listAudit(t.db, 'quote', id);
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(['quote.create', 'quote.stage']));
  });

  it('a board needing review waits for an engineer, who adjusts a line and approves', async () => {
    const sales = await call(
      'POST',
      '/api/quotes',
      tokens.sales,
      quoteForm(
        { quantity: '5', customerId: (await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code))!.id },
        { gerber: [boardNeedingReview(), 'partial.zip'] },
      ),
    );
    expect(sales.status).toBe(201);
    const id = sales.body.id as string;
    const inReview = await settledQuote(id, tokens.engineer, 'engineering_review');
    expect(inReview.revisions[0].autoQuoteAllowed).toBe(false);
    expect(inReview.workflow.reviewReasons.join(' ')).toMatch(/error/);
    expect(
      Date.parse(inReview.workflow.deadlines.slaDueAt) - Date.parse(inReview.workflow.deadlines.slaStartedAt),
    ).toBe(24 * 3_600_000);
    // The stage is projected just before the task opens.
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, `quote:${id}`, 'engineering-review-r1')).toMatchObject({
        role: 'engineer',
        status: 'open',
      }),
    );

    expect((await call('POST', `/api/quotes/${id}/review`, tokens.buyer, { decision: 'approve' })).status).toBe(403);
    const unknownLine = await call('POST', `/api/quotes/${id}/review`, tokens.engineer, {
      decision: 'approve',
      adjustments: [{ code: 'NOPE', unitPriceFen: 1 }],
    });
    expect(unknownLine).toMatchObject({ status: 400, body: { error: { field: 'adjustments' } } });
    const line = inReview.revisions[0].price.lineItems[0];
    const approved = await call('POST', `/api/quotes/${id}/review`, tokens.engineer, {
      decision: 'approve',
      adjustments: [{ code: line.code, unitPriceFen: line.unitPriceFen + 100 }],
      comment: 'checked by hand',
    });
    expect(approved.status).toBe(200);
    const issued = await settledQuote(id, tokens.buyer, 'awaiting_customer');
    expect(issued.revisions[0].totalFen).toBe(inReview.revisions[0].totalFen + 100 * line.quantity);
    // The customer reads that the factory approved; staff read who and the comment.
    expect(issued.workflow.decisions[0]).toEqual({
      step: 'engineering-review-r1',
      revision: 1,
      decision: 'approve',
      at: expect.any(String),
      by: { role: 'factory' },
    });
    const staffView = (await call('GET', `/api/quotes/${id}`, tokens.sales)).body;
    expect(staffView.workflow.decisions[0]).toMatchObject({
      decision: 'approve',
      comment: 'checked by hand',
      by: { email: 'engineer@demo.local', role: 'engineer' },
    });
    expect((await call('POST', `/api/quotes/${id}/decision`, tokens.buyer, { decision: 'reject' })).status).toBe(200);
    await settledQuote(id, tokens.buyer, 'rejected');
  });

  it('a zeroed line needs a second person: the reviewer cannot approve their own price change (403); another manager can, and the PDF names both', async () => {
    const created = await call(
      'POST',
      '/api/quotes',
      tokens.sales,
      quoteForm(
        { quantity: '5', customerId: (await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code))!.id },
        { gerber: [boardNeedingReview(), 'partial.zip'] },
      ),
    );
    const id = created.body.id as string;
    const inReview = await settledQuote(id, tokens.engineer, 'engineering_review');
    const line = inReview.revisions[0].price.lineItems.find((l: { totalFen: number }) => l.totalFen > 0);
    // The sales manager may review, but then may not approve the zero price they set.
    const reviewed = await call('POST', `/api/quotes/${id}/review`, tokens.sales_manager, {
      decision: 'approve',
      adjustments: [{ code: line.code, unitPriceFen: 0 }],
    });
    expect(reviewed.status).toBe(200);
    const approval = await eventually(async () => {
      const task = await tasksRepo.findTaskByStep(t.db, `quote:${id}`, 'price-approval-r1');
      expect(task).toMatchObject({ role: 'sales_manager', status: 'open', kind: 'quote.price-approval' });
      return task!;
    });
    expect(approval.payload.approvalReasons).toEqual(expect.arrayContaining([`line "${line.code}" is set to zero`]));
    expect((await call('GET', `/api/quotes/${id}`, tokens.buyer)).body.status).toBe('engineering_review');
    const own = await call('POST', `/api/tasks/${approval.id}/complete`, tokens.sales_manager, {
      decision: 'approve',
      data: {},
    });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/someone other than the person who asked/);
    expect(await tasksRepo.findTaskByStep(t.db, `quote:${id}`, 'price-approval-r1')).toMatchObject({ status: 'open' });
    expect(
      (await call('POST', `/api/tasks/${approval.id}/complete`, tokens.engineer, { decision: 'approve', data: {} }))
        .status,
    ).toBe(404);

    const approved = await call('POST', `/api/tasks/${approval.id}/complete`, tokens.manager, {
      decision: 'approve',
      data: { comment: 'launch customer' },
    });
    expect(approved.status).toBe(200);
    const issued = await settledQuote(id, tokens.buyer, 'awaiting_customer');
    expect(issued.revisions[0].price.lineItems.find((l: { code: string }) => l.code === line.code).totalFen).toBe(0);
    const stored = await t.db
      .selectFrom('quote_revisions')
      .select('price_breakdown')
      .where('quote_id', '=', id)
      .where('revision', '=', 1)
      .executeTakeFirstOrThrow();
    const statement = (
      stored.price_breakdown as { approval?: { reviewedBy: { role: string }; secondApproval?: { role: string } } }
    ).approval;
    expect(statement).toMatchObject({ reviewedBy: { role: 'sales_manager' }, secondApproval: { role: 'manager' } });
    const trail = await auditRepo.listAudit(t.db, 'task', approval.id);
    // Decided by the manager only (the workflow closing its task may record the same completion again).
    expect(trail.length).toBeGreaterThan(0);
    expect(trail.every((a) => a.action === 'task.complete' && a.actor_role === 'manager')).toBe(true);
  });

  it('a revision with only a new BOM and placement keeps the earlier Gerber and analyses the new files; a refused revision changes nothing', async () => {
    const created = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '10', options: '{"assembly":false}' }, { gerber: [goodBoard(), 'board.zip'] }),
    );
    const id = created.body.id as string;
    await settledQuote(id, tokens.buyer, 'awaiting_customer');
    const bom = 'Comment,Designator,Footprint,Quantity,LCSC\n10k,"R1,R2",R_0402_1005Metric,2,C25744\n';
    const cpl = 'Designator,Mid X,Mid Y,Layer,Rotation\nR1,10mm,10mm,Top,0\nR2,12mm,10mm,Top,0\n';

    // A sales manager may not answer the customer's decision: 403, and no revision row, file or number is left.
    const refused = await call(
      'POST',
      `/api/quotes/${id}/revisions`,
      tokens.sales_manager,
      quoteForm({ comment: 'on their behalf' }, { bom: [Buffer.from(bom), 'bom.csv'] }),
    );
    expect(refused.status).toBe(403);
    const untouched = await call('GET', `/api/quotes/${id}`, tokens.buyer);
    expect(untouched.body).toMatchObject({ revision: 1, status: 'awaiting_customer' });
    expect(untouched.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([1]);
    expect(
      await t.db
        .selectFrom('quote_files')
        .select('revision')
        .where('quote_id', '=', id)
        .where('revision', '>', 1)
        .execute(),
    ).toEqual([]);

    const revised = await call(
      'POST',
      `/api/quotes/${id}/revisions`,
      tokens.buyer,
      quoteForm(
        { comment: 'BOM and placement added' },
        { bom: [Buffer.from(bom), 'bom.csv'], placement: [Buffer.from(cpl), 'pos.csv'] },
      ),
    );
    expect(revised).toMatchObject({ status: 201, body: { revision: 2 } });
    const second = await eventually(async () => {
      const q = await settledQuote(id, tokens.sales, 'awaiting_customer');
      expect(q.workflow.openTasks[0]?.step).toBe('customer-decision-r2');
      return q;
    }, 30_000);
    const [r1, r2] = second.revisions as { files: { kind: string; sha256: string }[] }[];
    expect(r2.files.map((f) => f.kind).sort()).toEqual(['bom', 'cpl', 'gerber']);
    expect(r2.files.find((f) => f.kind === 'gerber')?.sha256).toBe(r1.files.find((f) => f.kind === 'gerber')?.sha256);
    // Revision 2 was analysed with the new BOM and placement, on the kept Gerber.
    expect(second.analysis).toMatchObject({ revision: 2, board: { widthMm: 50, heightMm: 30 } });
    expect(second.analysis.bom).not.toBeNull();
    expect(second.analysis.placement).not.toBeNull();
    expect((await call('POST', `/api/quotes/${id}/decision`, tokens.buyer, { decision: 'accept' })).status).toBe(200);
  });

  it('a refused revision leaves the upload folder as it found it: refused before the files are kept (403) or after (409)', async () => {
    const created = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '10', options: '{"assembly":false}' }, { gerber: [goodBoard(), 'board.zip'] }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await settledQuote(id, tokens.buyer, 'awaiting_customer');
    // Every file under DATA_DIR/uploads and the temporary upload folder, with its size.
    const uploadFiles = () =>
      ['uploads', join('tmp', 'uploads')].flatMap((dir) =>
        readdirSync(join(dataDir, dir), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name)),
      );
    const before = uploadFiles().sort();
    const bomForm = () =>
      quoteForm({ comment: 'new BOM' }, { bom: [Buffer.from('Designator,Value\nR1,10k\n'), 'bom.csv'] });

    // Refused by role before anything is kept.
    expect((await call('POST', `/api/quotes/${id}/revisions`, tokens.sales_manager, bomForm())).status).toBe(403);
    await eventually(async () => expect(uploadFiles().sort()).toEqual(before));

    // Refused after the files were moved into revision 2's folder: the process waiting for the answer is gone.
    await env.client.workflow.getHandle(`quote:${id}`).terminate('test: the process ends before the revision');
    const late = await call('POST', `/api/quotes/${id}/revisions`, tokens.buyer, bomForm());
    expect(late.status).toBe(409);
    await eventually(async () => expect(uploadFiles().sort()).toEqual(before));
    expect(existsSync(join(dataDir, 'uploads', 'quotes', id, 'r2'))).toBe(false);
    const quote = await call('GET', `/api/quotes/${id}`, tokens.sales);
    expect(quote.body.revisions).toHaveLength(1);
  });

  it('a customer who reads awaiting_customer can answer at once: the stage never runs ahead of its task', async () => {
    const created = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '8', options: '{"assembly":false}' }, { gerber: [goodBoard(), 'board.zip'] }),
    );
    const id = created.body.id as string;
    // Only the status is polled (no wait for the task): the answer right after must not be 409.
    await eventually(
      async () =>
        expect(
          (await call('GET', `/api/quotes?status=awaiting_customer`, tokens.buyer)).body.quotes.map(
            (q: { id: string }) => q.id,
          ),
        ).toContain(id),
      30_000,
    );
    const answered = await call('POST', `/api/quotes/${id}/decision`, tokens.buyer, {
      decision: 'reject',
      comment: 'not now',
    });
    expect(answered.status).toBe(200);
  });

  it('a customer cancels an open quote: its task closes, the quote reads cancelled, nothing more can be done', async () => {
    const created = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '6', options: '{"assembly":false}' }, { gerber: [goodBoard(), 'board.zip'] }),
    );
    const id = created.body.id as string;
    await settledQuote(id, tokens.buyer, 'awaiting_customer');
    expect((await call('POST', `/api/quotes/${id}/cancel`, tokens.other, { reason: 'not yours' })).status).toBe(404);
    expect((await call('POST', `/api/quotes/${id}/cancel`, tokens.engineer, { reason: 'no' })).status).toBe(403);
    expect((await call('POST', `/api/quotes/${id}/cancel`, tokens.buyer, { reason: '' })).body.error.field).toBe(
      'reason',
    );
    expect((await call('POST', `/api/quotes/${id}/cancel`, tokens.buyer, { reason: 'project stopped' })).status).toBe(
      202,
    );
    await eventually(
      async () => expect((await call('GET', `/api/quotes/${id}`, tokens.buyer)).body.status).toBe('cancelled'),
      30_000,
    );
    expect(await tasksRepo.findTaskByStep(t.db, `quote:${id}`, 'customer-decision-r1')).toMatchObject({
      status: 'cancelled',
    });
    expect((await call('POST', `/api/quotes/${id}/decision`, tokens.buyer, { decision: 'accept' })).status).toBe(409);
    expect((await call('POST', `/api/quotes/${id}/cancel`, tokens.buyer, { reason: 'again please' })).status).toBe(409);
  });

  it('answers bad uploads with a 400 naming the field, and checks who asks for whom', async () => {
    const noGerber = await call('POST', '/api/quotes', tokens.buyer, quoteForm({ quantity: '5' }));
    expect(noGerber).toMatchObject({ status: 400, body: { error: { field: 'gerber' } } });
    const notZip = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '5' }, { gerber: [Buffer.from('G04 not a zip*'), 'top.gbr'] }),
    );
    expect(notZip).toMatchObject({ status: 400, body: { error: { field: 'gerber' } } });
    const zeroQty = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '0' }, { gerber: [goodBoard(), 'b.zip'] }),
    );
    expect(zeroQty).toMatchObject({ status: 400, body: { error: { field: 'quantity' } } });
    const badOptions = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '5', options: '{"sourcing":"stolen"}' }, { gerber: [goodBoard(), 'b.zip'] }),
    );
    expect(badOptions).toMatchObject({ status: 400, body: { error: { field: 'options.sourcing' } } });
    const forOther = await call(
      'POST',
      '/api/quotes',
      tokens.buyer,
      quoteForm({ quantity: '5', customerId: otherCustomerId }, { gerber: [goodBoard(), 'b.zip'] }),
    );
    expect(forOther.status).toBe(403);
    const salesWithoutCustomer = await call(
      'POST',
      '/api/quotes',
      tokens.sales,
      quoteForm({ quantity: '5' }, { gerber: [goodBoard(), 'b.zip'] }),
    );
    expect(salesWithoutCustomer).toMatchObject({ status: 400, body: { error: { field: 'customerId' } } });
    expect(
      (
        await call(
          'POST',
          '/api/quotes',
          tokens.engineer,
          quoteForm({ quantity: '5' }, { gerber: [goodBoard(), 'b.zip'] }),
        )
      ).status,
    ).toBe(403);
    expect(
      (await call('POST', '/api/quotes', undefined, quoteForm({ quantity: '5' }, { gerber: [goodBoard(), 'b.zip'] })))
        .status,
    ).toBe(401);
    expect((await call('GET', '/api/quotes/not-a-uuid', tokens.buyer)).status).toBe(400);
  });

  it('onboards a customer through the audit; it can be quoted only once onboarding allows it; monthly terms need a manager', async () => {
    const registered = await call('POST', '/api/customers', tokens.sales, {
      code: `AC-${kind.toUpperCase()}`,
      name: 'Acme Ltd',
      auditRequired: true,
      contact: { name: 'Ann', email: 'ann@acme.test' },
    });
    expect(registered).toMatchObject({
      status: 201,
      body: { status: 'pending', paymentTerms: { kind: 'prepay', creditLimitFen: 0 } },
    });
    const id = registered.body.id as string;
    expect(
      (await call('POST', '/api/customers', tokens.sales, { code: `AC-${kind.toUpperCase()}`, name: 'Again' })).status,
    ).toBe(409);
    expect((await call('POST', '/api/customers', tokens.buyer, { code: 'NOPE', name: 'x' })).status).toBe(403);
    expect((await call('POST', '/api/customers', tokens.sales, { code: 'lower', name: 'x' })).body.error.field).toBe(
      'code',
    );

    const early = await call(
      'POST',
      '/api/quotes',
      tokens.sales,
      quoteForm({ quantity: '5', customerId: id }, { gerber: [goodBoard(), 'b.zip'] }),
    );
    expect(early).toMatchObject({ status: 422, body: { error: { field: 'customerId' } } });
    expect((await call('POST', `/api/customers/${id}/audit/result`, tokens.sales, { result: 'pass' })).status).toBe(
      409,
    );

    const visitDay = daysFromToday(2);
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, `customer:${id}`, 'schedule-audit')).toMatchObject({
        status: 'open',
      }),
    );
    expect(
      (await call('POST', `/api/customers/${id}/audit/visit`, tokens.sales, { visitOn: '2026-13-01' })).body.error
        .field,
    ).toBe('visitOn');
    expect((await call('POST', `/api/customers/${id}/audit/visit`, tokens.sales, { visitOn: visitDay })).status).toBe(
      200,
    );
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, `customer:${id}`, 'record-audit-result')).toMatchObject({
        status: 'open',
      }),
    );
    expect(
      (await call('POST', `/api/customers/${id}/audit/result`, tokens.sales, { result: 'conditional' })).body.error
        .field,
    ).toBe('correctiveActions');
    const result = await call('POST', `/api/customers/${id}/audit/result`, tokens.sales, {
      result: 'conditional',
      auditors: 'Ann',
      correctiveActions: [{ description: 'Label MSD storage', dueOn: daysFromToday(21) }],
    });
    expect(result.status).toBe(200);

    const conditional = await eventually(async () => {
      const r = await call('GET', `/api/customers/${id}`, tokens.sales);
      expect(r.body.onboarding.status).toBe('corrective_actions');
      expect(r.body.correctiveActions).toHaveLength(1);
      expect(r.body.status).toBe('approved'); // quotable while the corrective action is under way
      return r.body;
    });
    expect(conditional.audits).toEqual([expect.objectContaining({ result: 'conditional', visitedOn: visitDay })]);
    const actionId = conditional.correctiveActions[0].id as string;
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, `customer:${id}`, `corrective-action-${actionId}`)).toMatchObject({
        status: 'open',
        role: 'qa',
      }),
    );
    expect(
      (await call('POST', `/api/customers/${id}/corrective-actions/${actionId}/done`, tokens.engineer, {})).status,
    ).toBe(403);
    expect((await call('POST', `/api/customers/${id}/corrective-actions/${actionId}/done`, tokens.qa, {})).status).toBe(
      200,
    );
    await eventually(async () => {
      const r = await call('GET', `/api/customers/${id}`, tokens.sales);
      expect(r.body.onboarding.status).toBe('approved');
      expect(r.body.correctiveActions[0].status).toBe('done');
    });

    const quoted = await call(
      'POST',
      '/api/quotes',
      tokens.sales,
      quoteForm({ quantity: '5', customerId: id }, { gerber: [goodBoard(), 'b.zip'] }),
    );
    expect(quoted.status).toBe(201);

    expect(
      (await call('PUT', `/api/customers/${id}/payment-terms`, tokens.finance, { kind: 'monthly' })).body.error.field,
    ).toBe('creditLimitFen');
    const asked = await call('PUT', `/api/customers/${id}/payment-terms`, tokens.finance, {
      kind: 'monthly',
      creditLimitFen: 5_000_000,
    });
    expect(asked).toMatchObject({ status: 202, body: { status: 'awaiting_manager_approval' } });
    const requestId = asked.body.requestId as string;
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, asked.body.workflowId, 'approve-payment-terms')).toMatchObject({
        status: 'open',
        role: 'manager',
      }),
    );
    expect(
      (
        await call('POST', `/api/customers/${id}/payment-terms/${requestId}/decision`, tokens.finance, {
          decision: 'approve',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', `/api/customers/${id}/payment-terms/${requestId}/decision`, tokens.manager, {
          decision: 'approve',
        })
      ).status,
    ).toBe(200);
    await eventually(async () => {
      const c = await customersRepo.getCustomer(t.db, id);
      expect(c).toMatchObject({ payment_terms: 'monthly', credit_limit_fen: 5_000_000 });
      expect(c?.payment_terms_approved_by).not.toBeNull();
    });
    expect((await call('GET', `/api/customers/${id}`, tokens.other)).status).toBe(404);

    // Issue 13: "a manager approves the credit line they requested themselves (1e13 fen)" — four eyes and a ceiling.
    expect(
      (
        await call('PUT', `/api/customers/${id}/payment-terms`, tokens.manager, {
          kind: 'monthly',
          creditLimitFen: 1e13,
        })
      ).body.error.field,
    ).toBe('creditLimitFen');
    // The field's old name (before the money rename) gets the same answers; both names differing are refused.
    expect(
      (
        await call('PUT', `/api/customers/${id}/payment-terms`, tokens.manager, {
          kind: 'monthly',
          creditLimitMinor: 1e13,
        })
      ).body.error.field,
    ).toBe('creditLimitFen');
    const both = await call('PUT', `/api/customers/${id}/payment-terms`, tokens.manager, {
      kind: 'monthly',
      creditLimitFen: 9_000_000,
      creditLimitMinor: 900,
    });
    expect(both).toMatchObject({ status: 400, body: { error: { field: 'creditLimitFen' } } });
    const own = await call('PUT', `/api/customers/${id}/payment-terms`, tokens.manager, {
      kind: 'monthly',
      creditLimitMinor: 9_000_000,
    });
    expect(own.status).toBe(202);
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, own.body.workflowId, 'approve-payment-terms')).toMatchObject({
        status: 'open',
        payload: expect.objectContaining({ creditLimitFen: 9_000_000 }),
      }),
    );
    const selfApproved = await call(
      'POST',
      `/api/customers/${id}/payment-terms/${own.body.requestId}/decision`,
      tokens.manager,
      { decision: 'approve' },
    );
    expect(selfApproved).toMatchObject({
      status: 403,
      body: { error: { message: expect.stringMatching(/someone other than the person who asked/) } },
    });
    // Refused = nothing changed: the task is still open and the approved terms stand.
    expect(await tasksRepo.findTaskByStep(t.db, own.body.workflowId, 'approve-payment-terms')).toMatchObject({
      status: 'open',
    });
    expect(await customersRepo.getCustomer(t.db, id)).toMatchObject({ credit_limit_fen: 5_000_000 });
  });

  it('documents every quote and customer endpoint in the OpenAPI document', async () => {
    const doc = await call('GET', '/api/openapi.json', undefined);
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      '/api/quotes',
      '/api/quotes/{id}',
      '/api/quotes/{id}/pdf',
      '/api/quotes/{id}/decision',
      '/api/quotes/{id}/review',
      '/api/quotes/{id}/revisions',
      '/api/customers',
      '/api/customers/{id}/audit/result',
      '/api/customers/{id}/audit/visit/reschedule',
      '/api/customers/{id}/audit/reaudit',
      '/api/customers/{id}/payment-terms',
    ]) {
      expect(paths).toContain(p);
    }
    expect(Object.keys(doc.body.paths['/api/quotes'].post.requestBody.content)).toEqual(['multipart/form-data']);
  });

  const fixtureIt = existsSync(FIXTURE_BOARD) ? it : it.skip;
  fixtureIt(
    'quotes a real board from ../shared/fixtures/boards/clockblock (skipped when the shared fixtures are absent)',
    async () => {
      const files = readdirSync(FIXTURE_BOARD).filter((f) => /\.(gbr|drl)$/.test(f));
      const zip = makeZip(files.map((name) => ({ name, data: readFileSync(join(FIXTURE_BOARD, name)) })));
      const created = await call(
        'POST',
        '/api/quotes',
        tokens.buyer,
        quoteForm({ quantity: '20', options: '{"assembly":false}' }, { gerber: [zip, 'clockblock.zip'] }),
      );
      expect(created.status).toBe(201);
      const issued = await settledQuote(created.body.id, tokens.buyer, 'awaiting_customer');
      expect(issued.analysis.board).toMatchObject({ copperLayers: 2, sizeFrom: 'outline' });
      expect(issued.revisions[0].totalFen).toBeGreaterThan(0);
      // The workflow drew the board (top and bottom) for the quote page once the files were analysed.
      for (const side of ['top', 'bottom']) {
        const preview = await call('GET', `/api/quotes/${created.body.id}/preview/${side}`, tokens.buyer);
        expect([preview.status, preview.body.toString('utf8', 0, 200)]).toEqual([200, expect.stringContaining('<svg')]);
      }
      expect((await call('GET', `/api/quotes/${created.body.id}/preview/left`, tokens.buyer)).status).toBe(400);
    },
  );
});
