import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestDb } from '../../infra/db/testing';
import { type RunningPlatform } from '../../infra/launcher/platform';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { eventually } from './harness';
import { daysFromToday } from '../dates';
import { startTestPlatform, type TestPlatform } from '../platform/helpers';

// End to end: an order from RFQ upload to delivered through the HTTP API only, with the real workers of every
// queue (quote, production, rma) and the embedded Temporal server; mail goes through the in-process SMTP catcher.

const BOARD = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'boards', 'arduino-uno');
const haveBoard = existsSync(join(BOARD, 'manifest.json'));
if (!haveBoard) console.warn(`skipping the order end-to-end test: fixture board ${BOARD} is absent`);
const maybe = haveBoard ? describe : describe.skip;

maybe('RFQ upload to delivered, through HTTP only', () => {
  let running: TestPlatform;
  let t: TestDb;
  let platform: RunningPlatform;
  const tokens: Record<string, string> = {};

  async function call(
    method: string,
    path: string,
    who: string,
    body?: unknown,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are checked field by field
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[who]}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${platform.url}${path}`, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    // The platform seeds the demo itself here, in dollars.
    running = await startTestPlatform({
      dataDirPrefix: 'smt-order-e2e-',
      seed: false,
      env: { SEED_DEMO: 'true', CURRENCY: 'USD' },
      logins: ['customer', 'engineer', 'sales_manager', 'production', 'qa', 'finance', 'warehouse'].map(
        (who) => `${who}@demo.local`,
      ),
    });
    ({ t, platform } = running);
    Object.assign(tokens, running.tokens);
  }, 240_000);

  afterAll(async () => {
    await running?.stop();
  });

  async function completeTask(
    orderId: string,
    kind: string,
    who: string,
    decision: string,
    data: Record<string, unknown> = {},
  ) {
    const task = await eventually(async () => {
      const r = await call('GET', `/api/tasks?case=${orderId}&kind=${kind}`, who);
      expect(r.body.tasks).toHaveLength(1);
      return r.body.tasks[0] as { id: string };
    }, 30_000);
    expect((await call('POST', `/api/tasks/${task.id}/complete`, who, { decision, data })).status).toBe(200);
  }
  async function postStep(orderId: string, path: string, who: string, body: unknown) {
    await eventually(
      async () => expect((await call('POST', `/api/orders/${orderId}${path}`, who, body)).status).toBe(202),
      30_000,
    );
  }

  test('customer uploads, accepts the quote; staff take the order to delivery; the customer follows it', async () => {
    const files = readdirSync(BOARD).filter((f) => f.startsWith('arduino-uno.'));
    const form = new FormData();
    form.set('quantity', '10');
    form.set(
      'gerber',
      new Blob([makeZip(files.map((name) => ({ name, data: readFileSync(join(BOARD, name)) })))]),
      'arduino-uno.zip',
    );
    const created = await call('POST', '/api/quotes', 'customer', form);
    expect(created.status).toBe(201);
    const quoteId = created.body.id as string;

    const quote = await eventually(async () => {
      const r = await call('GET', `/api/quotes/${quoteId}`, 'customer');
      expect(['awaiting_customer', 'engineering_review']).toContain(r.body.status);
      return r.body;
    }, 60_000);
    if (quote.status === 'engineering_review') {
      expect((await call('POST', `/api/quotes/${quoteId}/review`, 'engineer', { decision: 'approve' })).status).toBe(
        200,
      );
      await eventually(
        async () =>
          expect((await call('GET', `/api/quotes/${quoteId}`, 'customer')).body.status).toBe('awaiting_customer'),
        60_000,
      );
    }
    expect((await call('POST', `/api/quotes/${quoteId}/decision`, 'customer', { decision: 'accept' })).status).toBe(
      200,
    );

    const order = await eventually(async () => {
      const r = await call('GET', '/api/orders', 'customer');
      const found = r.body.orders.find((o: { quoteId: string }) => o.quoteId === quoteId);
      expect(found).toBeDefined();
      return found as { id: string; totalFen: number; currency: string };
    }, 30_000);
    const orderId = order.id;
    expect(order.totalFen).toBeGreaterThan(0);

    await completeTask(orderId, K.contractSignature, 'customer', 'sign');
    await completeTask(orderId, K.contractApproval, 'sales_manager', 'approve');
    const deposit = Math.floor((order.totalFen * 30) / 100);
    if (deposit > 0)
      await postStep(orderId, '/payments', 'finance', {
        amountFen: deposit,
        currency: order.currency,
        reference: 'DEP-E2E',
      });
    await completeTask(orderId, K.kitting, 'production', 'report', {
      lines: [{ partNumber: 'ATMEGA328P-AU', quantity: 10, source: { kind: 'in_stock' } }],
    });
    await completeTask(orderId, K.stencil, 'production', 'ready');
    await completeTask(orderId, K.program, 'engineer', 'ready');
    await completeTask(orderId, K.reflowProfile, 'engineer', 'ready', {
      profileName: 'SAC305',
      furnaceBoard: 'FTB-UNO',
    });
    await completeTask(orderId, K.lineSlot, 'production', 'booked', { line: 'SMT-1', startsOn: daysFromToday(2) });
    await completeTask(orderId, K.buildSamples, 'production', 'built', { sampleCount: 2 });
    await completeTask(orderId, K.sampleApproval, 'customer', 'approve');
    await postStep(orderId, '/progress', 'production', { step: 'assembly', quantityDone: 10 });
    expect(
      (await call('POST', `/api/orders/${orderId}/shipments`, 'warehouse', { carrier: 'DHL Express' })).status,
    ).toBe(409);
    await postStep(orderId, '/inspections', 'qa', {
      lotIndex: 1,
      kind: 'aoi',
      passedCount: 9,
      failedUnits: [{ serial: 'U-3', defects: [{ code: 'BRIDGE', designator: 'U1' }] }],
    });
    await completeTask(orderId, K.rework, 'production', 'reworked');
    await postStep(orderId, '/inspections', 'qa', { lotIndex: 1, kind: 'aoi', passedCount: 1, failedUnits: [] });
    await postStep(orderId, '/payments', 'finance', {
      amountFen: order.totalFen - deposit,
      currency: order.currency,
      reference: 'BAL-E2E',
    });
    await postStep(orderId, '/shipments', 'warehouse', { carrier: 'DHL Express' });
    await postStep(orderId, '/shipments/delivered', 'warehouse', {});

    const detail = await eventually(async () => {
      const r = await call('GET', `/api/orders/${orderId}`, 'customer');
      expect(r.body.status).toBe('delivered');
      return r.body;
    }, 30_000);
    // The customer sees the lot passed with its count; yield and rework are the factory's own figures.
    expect(detail.workflow.lots).toEqual([
      expect.objectContaining({ status: 'passed', quantity: 10, passedUnits: 10 }),
    ]);
    expect(JSON.stringify(detail.workflow.lots)).not.toMatch(/firstPassYield|reworkCount/);
    const staffLots = (await call('GET', `/api/orders/${orderId}`, 'sales_manager')).body.workflow.lots;
    expect(staffLots).toEqual([expect.objectContaining({ status: 'passed', firstPassYield: 0.9, reworkCount: 1 })]);
    const tracking = detail.shipments[0].trackingNumber as string;
    expect(tracking).toMatch(/^DHL\d{10}$/);
    // The customer's shipping notice, in English and Chinese, went through SMTP into the catcher.
    await eventually(async () => {
      const mail = await t.db
        .selectFrom('caught_mail')
        .select(['subject', 'text_body'])
        .where('to_addresses', 'like', '%customer@demo.local%')
        .execute();
      const notice = mail.find((m) => / shipped \/ /.test(m.subject ?? ''));
      expect(notice?.subject).toMatch(/^Order SO-\S+ shipped \/ 订单 SO-\S+ 已发货$/);
      expect(notice?.text_body).toContain(`tracking number ${tracking}.`);
      expect(notice?.text_body).toContain(`运单号 ${tracking}。`);
    }, 30_000);
  }, 300_000);
});
