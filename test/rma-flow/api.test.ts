/**
 * The RMA API on a real listening server (the platform's launcher), against PGlite and real PostgreSQL
 * (TEST_DATABASE_URL), with the embedded Temporal server (time skipping), real workers and the mail catcher
 * (real SMTP). The end-to-end test drives one RMA from complaint to closed through HTTP only, as the roles would.
 */
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createTestEnv } from '../../infra/temporal/test-env';
import { TEST_DATABASE_URL, type TestDb, type TestDbKind } from '../../infra/db/testing';
import { DEMO_CUSTOMER } from '../../infra/db/seed';
import { customersRepo, caughtMailRepo } from '../../infra/db';
import type { RunningPlatform } from '../../infra/launcher/platform';
import { createQueueWorker } from '../../infra/temporal/workers';
import { RMA_TASK_KINDS } from '../../domain/rma/task-kinds';
import { productionWorkerRegistration, workerRegistration } from '../../activities/rma/register';
import { addOtherCustomer, postgresProblem, startTestPlatform, type TestPlatform } from '../platform/helpers';
import { DAY, HOUR, eventuallyApi } from './api-helpers';
import { daysFromToday } from '../dates';

const logger = pino({ level: 'silent' });

let env: TestWorkflowEnvironment;
let pgProblem: string | undefined;
beforeAll(async () => {
  env = await createTestEnv();
  pgProblem = await postgresProblem();
  if (pgProblem) console.warn(`RMA API tests on PostgreSQL skipped: ${TEST_DATABASE_URL} unreachable (${pgProblem})`);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

describe.each(['pglite', 'postgres'] as TestDbKind[])('RMA API on %s', (kind) => {
  let running: TestPlatform;
  let t: TestDb;
  let platform: RunningPlatform;
  let workers: Worker[] = [];
  let runs: Promise<void>[] = [];
  let api: TestPlatform['api'];
  let demoCustomerId: string;
  let tokens: Record<string, string> = {};
  let skip = false;

  beforeAll(async () => {
    if (kind === 'postgres' && pgProblem) {
      skip = true;
      return;
    }
    running = await startTestPlatform({
      temporalEnv: env,
      dbKind: kind,
      dataDirPrefix: 'smt-rma-',
      prepare: async (db) => {
        demoCustomerId = (await customersRepo.findCustomerByCode(db, DEMO_CUSTOMER.code))!.id;
        await addOtherCustomer(db);
      },
      services: ['auth', 'tasks', 'rma'],
      workers: [],
      taskKinds: [...RMA_TASK_KINDS],
      logins: [
        ...['buyer', 'sales', 'sales_manager', 'qa', 'warehouse', 'engineer', 'production', 'manager', 'finance'].map(
          (who) => `${who}@demo.local`,
        ),
        'other@other.test',
      ],
    });
    ({ t, platform, api, tokens } = running);
    for (const queue of ['rma', 'production'] as const) {
      const worker = await createQueueWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue: queue,
        deps: { db: t.db, config: running.config, logger },
        registrations: [workerRegistration, productionWorkerRegistration],
      });
      workers.push(worker!);
    }
    runs = workers.map((w) => w.run());
  }, 180_000);

  afterAll(async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(runs);
    workers = [];
    await running?.stop();
  });

  const skipped = () => {
    if (skip) console.warn(`skipped on ${kind}: PostgreSQL unreachable (${pgProblem})`);
    return skip;
  };

  async function sleepUntil(at: number) {
    const now = await env.currentTimeMs();
    if (at > now) await env.sleep(at - now);
  }

  /** The staff view of an RMA (what a customer's create response no longer shows: workflow, customer, claims). */
  const staffView = async (id: string) =>
    (await api.get(`/api/rmas/${id}`, tokens.sales)).body as {
      workflowId: string;
      customerId: string;
      saleDate: string | null;
      productionDate: string | null;
    };
  const terminateRma = async (id: string) =>
    env.client.workflow.getHandle((await staffView(id)).workflowId).terminate('test done');

  const complaint = (extra: Record<string, unknown> = {}) => ({
    quantity: 120,
    symptoms: 'camera module image flickers',
    productModel: 'CAM-7',
    partNumber: 'PN-7001',
    saleDate: new Date(Date.now() - 60 * DAY).toISOString().slice(0, 10),
    ...extra,
  });

  it('validates input, checks roles and ownership', async () => {
    if (skipped()) return;
    expect((await api.post('/api/rmas', complaint())).status).toBe(401);
    const noCustomer = await api.post('/api/rmas', complaint(), tokens.sales);
    expect(noCustomer.status).toBe(400);
    expect(noCustomer.body.error).toMatchObject({ code: 'validation_failed', field: 'customerId' });
    const badQty = await api.post('/api/rmas', complaint({ quantity: 0 }), tokens.buyer);
    expect(badQty.status).toBe(400);
    expect(badQty.body.error.message).toMatch(/^quantity: /);
    const badSerials = await api.post('/api/rmas', complaint({ quantity: 2, serials: ['A'] }), tokens.buyer);
    expect(badSerials.body.error.field).toBe('serials');
    const unknownField = await api.post('/api/rmas', complaint({ colour: 'red' }), tokens.buyer);
    expect(unknownField.status).toBe(400);
    expect((await api.post('/api/rmas', complaint({ customerId: demoCustomerId }), tokens.warehouse)).status).toBe(403);
    expect(
      (await api.post('/api/rmas', complaint({ customerId: '00000000-0000-4000-8000-000000000000' }), tokens.sales))
        .status,
    ).toBe(404);

    const mine = await api.post('/api/rmas', complaint(), tokens.buyer);
    expect(mine.status).toBe(201);
    // The customer is answered with their view; the case itself belongs to their customer and runs a workflow.
    expect(mine.body).toMatchObject({
      status: 'registered',
      quantity: 120,
      stage: 'registered',
      awaitingYou: [],
      unitsReceived: 0,
    });
    expect(mine.body).not.toHaveProperty('customerId');
    expect(await staffView(mine.body.id)).toMatchObject({
      customerId: demoCustomerId,
      workflowId: `rma:${mine.body.id}`,
    });
    const theirs = await api.post('/api/rmas', complaint(), tokens.other);
    expect(theirs.status).toBe(201);
    expect(
      (
        await api.post(
          '/api/rmas',
          complaint({ customerId: (await staffView(theirs.body.id)).customerId }),
          tokens.buyer,
        )
      ).status,
    ).toBe(403);

    // A customer lists and reads only its own RMAs; another's answers 404.
    const list = await api.get('/api/rmas', tokens.buyer);
    expect(list.body.rmas.map((r: { id: string }) => r.id)).toContain(mine.body.id);
    expect(list.body.rmas.map((r: { id: string }) => r.id)).not.toContain(theirs.body.id);
    expect((await api.get(`/api/rmas/${theirs.body.id}`, tokens.buyer)).status).toBe(404);
    expect((await api.get(`/api/rmas/${theirs.body.id}/timeline`, tokens.buyer)).status).toBe(404);
    expect((await api.get('/api/rmas/not-a-uuid', tokens.buyer)).status).toBe(400);
    const staffList = await api.get('/api/rmas', tokens.sales);
    expect(staffList.body.rmas.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining([mine.body.id, theirs.body.id]),
    );
    expect((await api.get('/api/rma-penalties', tokens.buyer)).status).toBe(403);
    const openapi = await api.get('/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/rmas',
        '/api/rmas/{id}',
        '/api/rmas/{id}/timeline',
        '/api/rmas/{id}/penalties',
        '/api/rmas/{id}/steps/{step}',
        '/api/rma-penalties',
      ]),
    );

    // Steps: the role is checked, then the decision, then the data; a step not open is a conflict.
    await eventuallyApi(async () => {
      const tasks = await api.get(`/api/rmas/${mine.body.id}/tasks`, tokens.sales);
      expect(tasks.body.tasks.map((x: { step: string }) => x.step)).toEqual(
        expect.arrayContaining(['quality-report', 'site-visit']),
      );
    });
    const wrongRole = await api.post(
      `/api/rmas/${mine.body.id}/steps/site-visit`,
      { decision: 'confirmed', data: {} },
      tokens.warehouse,
    );
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.error.message).toBe('this task is for the qa role');
    const wrongDecision = await api.post(
      `/api/rmas/${mine.body.id}/steps/site-visit`,
      { decision: 'maybe', data: {} },
      tokens.qa,
    );
    expect(wrongDecision.status).toBe(400);
    expect(wrongDecision.body.error.field).toBe('decision');
    const badData = await api.post(
      `/api/rmas/${mine.body.id}/steps/site-visit`,
      {
        decision: 'confirmed',
        data: {
          visitedOn: '2026-11-30',
          responsibility: 'nobody',
          evidence: 'x',
          customerSignatory: 'a',
          factorySignatory: 'b',
        },
      },
      tokens.qa,
    );
    expect(badData.status).toBe(400);
    expect(badData.body.error.field).toBe('data.responsibility');
    const notOpen = await api.post(
      `/api/rmas/${mine.body.id}/steps/repair`,
      { decision: 'repaired', data: { repaired: 1, scrapped: 0 } },
      tokens.qa,
    );
    expect(notOpen.status).toBe(409);
    // Customers may not act on staff steps of their own RMA.
    expect(
      (
        await api.post(
          `/api/rmas/${mine.body.id}/steps/quality-report`,
          { decision: 'submitted', data: { defectQuantity: 1, symptoms: 'x' } },
          tokens.buyer,
        )
      ).status,
    ).toBe(403);
    for (const r of [mine, theirs]) await terminateRma(r.body.id);
  });

  it('takes what the customer states as claims: real dates not in the future, their own order, urgency set by staff', async () => {
    if (skipped()) return;
    const cases = async () =>
      Number(
        (
          await t.db
            .selectFrom('rma_cases')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await cases();
    const future = await api.post('/api/rmas', complaint({ saleDate: '2030-01-01' }), tokens.buyer);
    expect([future.status, future.body.error.field]).toEqual([400, 'saleDate']);
    expect(future.body.error.message).toMatch(/^saleDate: /);
    const unreal = await api.post('/api/rmas', complaint({ saleDate: '2026-02-30' }), tokens.buyer);
    expect([unreal.status, unreal.body.error.field]).toEqual([400, 'saleDate']);
    const otherCustomer = await customersRepo.findCustomerByCode(t.db, 'OTHER');
    const theirOrder = await t.db
      .insertInto('orders')
      .values({
        reference: `ORD-OTHER-${kind}`,
        customer_id: otherCustomer!.id,
        status: 'delivered',
        quantity: 10,
        total_fen: 100_000,
        currency: 'CNY',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const notMine = await api.post('/api/rmas', complaint({ orderId: theirOrder.id }), tokens.buyer);
    expect([notMine.status, notMine.body.error.field, notMine.body.error.message]).toEqual([
      400,
      'orderId',
      'orderId: is not an order of this customer',
    ]);
    // Refused requests change nothing.
    expect(await cases()).toBe(before);

    // A customer asking for urgency and key-product handling gets neither: the wish is recorded for staff.
    const asked = await api.post('/api/rmas', complaint({ urgent: true, keyProduct: true }), tokens.buyer);
    expect(asked.status).toBe(201);
    expect(asked.body).not.toHaveProperty('claimed');
    expect(await staffView(asked.body.id)).toMatchObject({
      urgent: false,
      keyProduct: false,
      claimed: { by: 'customer', urgent: true, keyProduct: true },
    });
    const bySales = await api.post(
      '/api/rmas',
      complaint({ urgent: true, customerId: demoCustomerId, quantity: 250 }),
      tokens.sales,
    );
    expect(bySales.body).toMatchObject({
      urgent: true,
      claimed: { by: 'staff' },
      repairTeam: 'production_line',
      over200Pcs: true,
    });
    for (const r of [asked, bySales]) await terminateRma(r.body.id);
  });

  it('answers the customer with an explicit customer view: no staff identities, internal reports or deadlines', async () => {
    if (skipped()) return;
    const opened = await api.post('/api/rmas', complaint(), tokens.buyer);
    const id: string = opened.body.id;
    await eventuallyApi(async () => {
      const r = await api.post(
        `/api/rmas/${id}/steps/quality-report`,
        { decision: 'submitted', data: { defectQuantity: 120, symptoms: 'internal: supplier lot 7 suspected' } },
        tokens.sales,
      );
      expect(r.status).toBe(200);
    });
    await eventuallyApi(async () => {
      const r = await api.post(
        `/api/rmas/${id}/steps/site-visit`,
        {
          decision: 'confirmed',
          data: {
            visitedOn: '2026-11-28',
            responsibility: 'factory',
            evidence: 'internal evidence',
            customerSignatory: 'Li Wei',
            factorySignatory: 'Zhang San',
          },
        },
        tokens.qa,
      );
      expect(r.status).toBe(200);
    });
    const staff = await eventuallyApi(async () => {
      const r = await api.get(`/api/rmas/${id}`, tokens.sales);
      expect(r.body.state.stage).toBe('acceptance');
      return r.body;
    });
    expect(staff.state.deadlines.length).toBeGreaterThan(0);
    const mine = await api.get(`/api/rmas/${id}`, tokens.buyer);
    expect(mine.status).toBe(200);
    expect(Object.keys(mine.body).sort()).toEqual(
      [
        'awaitingYou',
        'charge',
        'complaint',
        'createdAt',
        'id',
        'outcome',
        'partNumber',
        'productModel',
        'promisedRepairDate',
        'quantity',
        'reference',
        'repairQuoteFen',
        'stage',
        'stageLabel',
        'status',
        'tracking',
        'unitsReceived',
        'warranty',
      ].sort(),
    );
    expect(mine.body.stageLabel).toEqual({ en: 'Return under review', zh: '退货审核中' });
    const text = JSON.stringify(mine.body);
    for (const secret of [
      '@demo.local',
      'supplier lot 7',
      'internal evidence',
      'Zhang San',
      'dueAt',
      'deadlines',
      'penalty',
    ])
      expect(text).not.toContain(secret);
    const timeline = (await api.get(`/api/rmas/${id}/timeline`, tokens.buyer)).body.timeline as Record<
      string,
      unknown
    >[];
    expect(timeline.map((e) => e.title)).toEqual(['On-site confirmation done / 现场确认完成']);
    expect(JSON.stringify(timeline)).not.toMatch(/Zhang San|internal|quality-report/);
    const list = (await api.get('/api/rmas', tokens.buyer)).body.rmas as Record<string, unknown>[];
    expect(list.find((r) => r.id === id)).not.toHaveProperty('workflowId');
    await terminateRma(id);
  });

  it('keeps the procedures as records by their roles, caps material issue at the request, and lets a manager waive a fine', async () => {
    if (skipped()) return;
    const opened = await api.post('/api/rmas', complaint({ customerId: demoCustomerId }), tokens.sales);
    const id: string = opened.body.id;
    const claim = {
      supplier: 'Shenzhen FPC Co.',
      material: 'FPC',
      lossQuantity: 12,
      letter: '物料异常联络函 2026-117',
      chargeBackFen: 36_000,
    };
    expect((await api.post(`/api/rmas/${id}/records/supplier-claim`, { data: claim }, tokens.warehouse)).status).toBe(
      403,
    );
    const zero = await api.post(
      `/api/rmas/${id}/records/supplier-claim`,
      { data: { ...claim, chargeBackFen: 0 } },
      tokens.engineer,
    );
    expect([zero.status, zero.body.error.field]).toEqual([400, 'data.chargeBackFen']);
    const saved = await api.post(`/api/rmas/${id}/records/supplier-claim`, { data: claim }, tokens.engineer);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ kind: 'supplier-claim', amountFen: 36_000 });
    await eventuallyApi(async () => {
      const caught = await caughtMailRepo.listCaughtMail(t.db, { to: 'finance@demo.local' });
      expect(caught.map((m) => m.subject)).toContainEqual(
        expect.stringContaining('supplier charge-back / 供应商扣款 360.00 CNY'),
      );
    }, 30_000);
    const issue = await api.post(
      `/api/rmas/${id}/records/material-issue`,
      { data: { material: 'SMT', quantity: 5, issuedTo: 'after-sales bench 2' } },
      tokens.warehouse,
    );
    expect([issue.status, issue.body.error.message]).toEqual([
      422,
      'data.quantity: no material of this kind was requested for the case',
    ]);
    const early = await api.post(
      `/api/rmas/${id}/records/customer-evaluation`,
      { data: { satisfaction: 5 } },
      tokens.buyer,
    );
    expect([early.status, early.body.error.code]).toEqual([422, 'business_rule']);
    const records = await api.get(`/api/rmas/${id}/records`, tokens.sales);
    expect(records.body.records.map((r: { kind: string }) => r.kind)).toEqual(['supplier-claim']);
    expect((await api.get(`/api/rmas/${id}/records`, tokens.buyer)).body.records).toEqual([]);

    // A fine (as the penalty assessment books it) waived for a special case, by a manager only, once.
    await t.db
      .insertInto('penalty_ledger')
      .values({
        rma_case_id: id,
        responsible_party: 'qa',
        days_late: 1,
        amount_fen: 5_000,
        currency: 'CNY',
        reason: 'site visit overdue',
        idempotency_key: `violation:test-${kind}`,
        kind: 'violation',
      })
      .execute();
    const ledger = await api.get(`/api/rmas/${id}/penalties`, tokens.manager);
    expect(ledger.body.totalFen).toBe(5_000);
    const fine = ledger.body.entries[0];
    expect(fine).toMatchObject({ kind: 'violation', serious: false, waivedAt: null });
    expect(
      (
        await api.post(
          `/api/rma-penalties/${fine.id}/waive`,
          { reason: 'customer moved the visit' },
          tokens.sales_manager,
        )
      ).status,
    ).toBe(403);
    expect((await api.post(`/api/rma-penalties/${fine.id}/waive`, { reason: '' }, tokens.manager)).status).toBe(400);
    const waived = await api.post(
      `/api/rma-penalties/${fine.id}/waive`,
      { reason: 'customer moved the visit' },
      tokens.manager,
    );
    expect(waived.status).toBe(200);
    expect((await api.post(`/api/rma-penalties/${fine.id}/waive`, { reason: 'again' }, tokens.manager)).status).toBe(
      409,
    );
    const after = await api.get(`/api/rmas/${id}/penalties`, tokens.manager);
    expect(after.body).toMatchObject({
      totalFen: 0,
      entries: [expect.objectContaining({ waiverReason: 'customer moved the visit' })],
    });
    await env.client.workflow.getHandle(opened.body.workflowId).terminate('test done');
  });

  it('a 250 pcs RMA goes to the production line: its steps show on the RMA and are completed through it', async () => {
    if (skipped()) return;
    const opened = await api.post('/api/rmas', complaint({ quantity: 250, customerId: demoCustomerId }), tokens.sales);
    expect(opened.status).toBe(201);
    const id: string = opened.body.id;
    const act = async (who: string, name: string, decision: string, data: Record<string, unknown> = {}) => {
      const r = await eventuallyApi(async () => {
        const res = await api.post(`/api/rmas/${id}/steps/${name}`, { decision, data }, tokens[who]);
        expect(res.status).toBe(200);
        return res;
      });
      return r.body;
    };
    await act('sales', 'quality-report', 'submitted', { defectQuantity: 250, symptoms: 'flicker' });
    await act('qa', 'site-visit', 'confirmed', {
      visitedOn: '2026-11-24',
      responsibility: 'factory',
      evidence: 'x',
      customerSignatory: 'a',
      factorySignatory: 'b',
    });
    await act('sales', 'confirm-claims', 'confirmed', {
      saleDate: opened.body.saleDate ?? null,
      productionDate: opened.body.productionDate ?? null,
      quantity: 250,
      source: 'order checked',
    });
    await act('sales_manager', 'return-acceptance', 'accept', {});
    await act('warehouse', 'receive-units', 'received', {
      arrivedAt: new Date(Math.min(await env.currentTimeMs(), Date.now())).toISOString(),
      quantity: 250,
    });
    // Counts reconcile: 300 good of 250 received is refused with 422 naming the field, and changes nothing.
    const impossible = await eventuallyApi(async () => {
      const res = await api.post(
        `/api/rmas/${id}/steps/classify`,
        { decision: 'classified', data: { good: 300, scrap: 0, findings: 'x' } },
        tokens.engineer,
      );
      expect(res.status).toBe(422);
      return res.body;
    });
    expect(impossible.error).toMatchObject({
      code: 'business_rule',
      field: 'data.scrap',
      message: 'data.scrap: good 300 + scrap 0 = 300, but 250 pcs were received',
    });
    await act('engineer', 'classify', 'classified', {
      good: 250,
      scrap: 0,
      materials: [{ kind: 'SENSOR', inStock: true }],
      findings: 'sensor drift',
    });
    const detail = await eventuallyApi(async () => {
      const r = await api.get(`/api/rmas/${id}`, tokens.production);
      expect(r.body.state.openTasks).toContainEqual(
        expect.objectContaining({ step: 'disassembly', role: 'production' }),
      );
      return r.body;
    });
    expect(detail.state).toMatchObject({ stage: 'repair', repairTeam: 'production_line', step: 'disassembly' });
    await act('production', 'disassembly', 'done', { reclaimedParts: 0, ngParts: 0 });
    await eventuallyApi(async () => {
      const r = await api.get(`/api/rmas/${id}`, tokens.production);
      expect(r.body.state.step).toBe('repair-date');
    });
    await env.client.workflow.getHandle(opened.body.workflowId).terminate('test done');
  });

  it('drives an RMA from complaint to closed through the HTTP API, with days passing', async () => {
    if (skipped()) return;
    // Monday 09:00 in Shanghai.
    const now0 = await env.currentTimeMs();
    const d = new Date(now0);
    const monday = Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7),
      1,
      0,
      0,
    );
    await sleepUntil(monday);

    const opened = await api.post('/api/rmas', complaint(), tokens.buyer);
    expect(opened.status).toBe(201);
    const id: string = opened.body.id;
    const step = async (who: string, name: string, decision: string, data: Record<string, unknown> = {}) => {
      await eventuallyApi(async () => {
        const tasks = await api.get(`/api/rmas/${id}/tasks`, tokens[who]);
        expect(tasks.body.tasks.map((x: { step: string }) => x.step)).toContain(name);
      });
      const r = await api.post(`/api/rmas/${id}/steps/${name}`, { decision, data }, tokens[who]);
      expect([name, r.status, r.body]).toEqual([name, 200, expect.objectContaining({ step: name, decision })]);
    };

    // The salesperson lets the 24 h report run one day and an hour late: 50 CNY, the manager is emailed.
    await sleepUntil(monday + 24 * HOUR + DAY + HOUR);
    const ledger = await eventuallyApi(async () => {
      const r = await api.get(`/api/rmas/${id}/penalties`, tokens.manager);
      expect(r.body.totalFen).toBe(5_000);
      return r.body;
    });
    expect(ledger.entries).toEqual([
      expect.objectContaining({ responsibleParty: 'sales', daysLate: 1, amountFen: 5_000, currency: 'CNY' }),
    ]);
    await step('sales', 'quality-report', 'submitted', {
      defectQuantity: 120,
      returnRatioPercent: 4,
      symptoms: 'flicker on power-up',
    });
    const wide = await api.get('/api/rma-penalties?responsibleParty=sales', tokens.finance);
    expect(wide.body.entries.map((e: { rmaCaseId: string }) => e.rmaCaseId)).toContain(id);

    // QA misses the visit deadline (Thursday 20:00 local): the manager gets the escalation by SMTP.
    await sleepUntil(monday + 3 * DAY + 11 * HOUR + HOUR);
    await eventuallyApi(async () => {
      const caught = await caughtMailRepo.listCaughtMail(t.db, { to: 'manager@demo.local' });
      expect(caught.map((m) => m.subject)).toContainEqual(expect.stringMatching(/^Escalation: On-site confirmation/));
    }, 30_000);
    // The mail leaves from inside the activity; the workflow marks the wait escalated once the activity returns.
    const detail = await eventuallyApi(async () => {
      const r = await api.get(`/api/rmas/${id}`, tokens.sales);
      expect(r.body.state.openTasks).toContainEqual(expect.objectContaining({ step: 'site-visit', escalated: true }));
      return r;
    });
    expect(detail.body.state.deadlines).toContainEqual(
      expect.objectContaining({ name: 'site-visit', breachedAt: expect.any(String) }),
    );

    // QA completes the visit through the platform's tasks API (the same task).
    const tasks = await api.get(`/api/rmas/${id}/tasks`, tokens.qa);
    const visitTask = tasks.body.tasks.find((x: { step: string }) => x.step === 'site-visit');
    const visit = await api.post(
      `/api/tasks/${visitTask.id}/complete`,
      {
        decision: 'confirmed',
        data: {
          visitedOn: '2026-11-24',
          responsibility: 'factory',
          evidence: 'cold joints on U3',
          customerSignatory: 'Li Wei',
          factorySignatory: 'Zhang San',
        },
      },
      tokens.qa,
    );
    expect(visit.status).toBe(200);

    const claimed = await staffView(id);
    await step('sales', 'confirm-claims', 'confirmed', {
      saleDate: claimed.saleDate,
      productionDate: claimed.productionDate ?? null,
      quantity: 120,
      source: 'order and unit labels checked',
    });
    await step('sales_manager', 'return-acceptance', 'accept', { resolution: 'repair' });
    await step('warehouse', 'receive-units', 'received', {
      arrivedAt: new Date(Math.min(await env.currentTimeMs(), Date.now())).toISOString(),
      quantity: 120,
    });
    await step('engineer', 'classify', 'classified', {
      good: 120,
      scrap: 0,
      materials: [{ kind: 'SMT', inStock: false }],
      findings: 'U3 cold joints',
    });
    const analysed = await eventuallyApi(async () => {
      const r = await api.get(`/api/rmas/${id}`, tokens.sales);
      expect(r.body.state.step).toBe('disassembly');
      return r.body;
    });
    expect(analysed.state).toMatchObject({
      charge: 'free',
      repairTeam: 'after_sales',
      analysisDepartment: 'technical',
      warranty: { status: 'in_warranty', basis: 'sale_date' },
    });
    expect(analysed.state.materials).toEqual([
      expect.objectContaining({ kind: 'SMT', inStock: false, spareQuantity: 40 }),
    ]);
    expect(analysed.units).toHaveLength(120);
    expect(analysed.units[0]).toMatchObject({
      partNumber: 'PN-7001',
      model: 'CAM-7',
      classification: 'good',
      warranty: 'in_warranty',
      label: expect.objectContaining({ customer: DEMO_CUSTOMER.name }),
    });

    await step('qa', 'disassembly', 'done', { reclaimedParts: 6, ngParts: 2 });
    await step('qa', 'ipqc', 'pass', {});
    await step('production', 'repair-date', 'promised', { promisedOn: daysFromToday(21) });
    await sleepUntil((await env.currentTimeMs()) + 2 * DAY);
    await step('production', 'material-arrived:SMT', 'arrived', {});
    await step('qa', 'repair', 'repaired', { repaired: 120, scrapped: 0 });
    await step('qa', 'qa-confirmation', 'pass', {});
    await step('qa', 'outgoing-inspection', 'pass', {});
    await step('warehouse', 'pack', 'done', {});
    await step('warehouse', 'ship-back', 'shipped', { carrier: 'SF Express', trackingNumber: 'SF1234567890' });
    await step('qa', 'close-report', 'closed', {
      rootCause: 'reflow profile too cold on line 2',
      correctiveAction: 'profile re-qualified; AOI rule added',
    });

    const closed = await eventuallyApi(async () => {
      const r = await api.get(`/api/rmas/${id}`, tokens.buyer);
      expect(r.body.status).toBe('closed:repaired');
      return r.body;
    });
    // The customer's view: where it stands and the tracking; the penalty and the workflow state are internal.
    expect(closed).toMatchObject({
      stage: 'closed',
      outcome: 'repaired',
      warranty: 'in_warranty',
      charge: 'free',
      tracking: { carrier: 'SF Express', trackingNumber: 'SF1234567890' },
      unitsReceived: 120,
    });
    expect(closed).not.toHaveProperty('state');
    // 第七步 售后评价: the customer evaluates the service once the case is closed, once.
    const evaluation = await api.post(
      `/api/rmas/${id}/records/customer-evaluation`,
      { data: { satisfaction: 4, comment: 'fast repair / 维修及时' } },
      tokens.buyer,
    );
    expect(evaluation.status).toBe(201);
    expect(
      (await api.post(`/api/rmas/${id}/records/customer-evaluation`, { data: { satisfaction: 1 } }, tokens.buyer))
        .status,
    ).toBe(409);
    expect((await api.get(`/api/rmas/${id}/records`, tokens.buyer)).body.records).toEqual([
      expect.objectContaining({
        kind: 'customer-evaluation',
        recordedBy: null,
        data: { satisfaction: 4, comment: 'fast repair / 维修及时' },
      }),
    ]);
    const staffClosed = (await api.get(`/api/rmas/${id}`, tokens.sales)).body;
    expect(staffClosed.state).toMatchObject({ stage: 'closed', outcome: 'repaired' });
    expect((await api.get(`/api/rmas/${id}`, tokens.manager)).body.state.penalty).toEqual({
      days: 1,
      totalFen: 5_000,
      currency: 'CNY',
    });
    expect((await api.get(`/api/rmas/${id}/penalties`, tokens.buyer)).status).toBe(403);
    const customerTimeline = (await api.get(`/api/rmas/${id}/timeline`, tokens.buyer)).body.timeline as {
      kind: string;
    }[];
    expect(customerTimeline.filter((e) => e.kind === 'penalty' || e.kind === 'audit')).toEqual([]);
    expect(staffClosed.state.decisions.map((x: { step: string }) => x.step)).toEqual(
      expect.arrayContaining(['site-visit', 'return-acceptance', 'classify', 'repair', 'close-report']),
    );

    const timeline = (await api.get(`/api/rmas/${id}/timeline`, tokens.manager)).body.timeline as {
      kind: string;
      step?: string;
      actorRole: string | null;
    }[];
    expect(timeline.filter((e) => e.kind === 'task_completed').map((e) => e.step)).toEqual(
      expect.arrayContaining(['quality-report', 'site-visit', 'ship-back', 'close-report']),
    );
    expect(timeline.find((e) => e.kind === 'penalty')).toMatchObject({ actorRole: 'sales' });
    expect(timeline.find((e) => e.kind === 'task_completed' && e.step === 'return-acceptance')).toMatchObject({
      actorRole: 'sales_manager',
    });
    await eventuallyApi(async () => {
      const caught = await caughtMailRepo.listCaughtMail(t.db, { to: 'buyer@demo.local' });
      expect(caught.map((m) => m.subject)).toContainEqual(expect.stringMatching(/: shipped \/ 已发货$/));
    }, 30_000);
  });
  it('a paid repair over HTTP: staff correct the claimed sale date, the customer answers the quote, pays before ship-back, and reads every e-mail through SMTP; every endpoint the customer reaches answers the customer view', async () => {
    if (skipped()) return;
    const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);
    const customerBodies: { what: string; body: unknown }[] = [];
    const walked = new Set<string>();
    const asCustomer = async (method: 'GET' | 'POST', template: string, path: string, body?: unknown) => {
      const r = method === 'GET' ? await api.get(path, tokens.buyer) : await api.post(path, body, tokens.buyer);
      walked.add(`${method} ${template}`);
      customerBodies.push({ what: `${method} ${path} → ${r.status}`, body: r.body });
      return r;
    };
    const act = async (who: string, name: string, decision: string, data: Record<string, unknown> = {}) => {
      const r = await eventuallyApi(async () => {
        const res = await api.post(`/api/rmas/${id}/steps/${name}`, { decision, data }, tokens[who]);
        expect([name, res.status, res.body]).toEqual([name, 200, expect.anything()]);
        return res;
      });
      return r.body;
    };

    // The customer claims a sale 60 days ago (free repair); the order shows 400 days: staff correct it, so it is paid.
    const opened = await asCustomer(
      'POST',
      '/api/rmas',
      '/api/rmas',
      complaint({ quantity: 5, saleDate: daysAgo(60) }),
    );
    expect(opened.status).toBe(201);
    expect(Object.keys(opened.body).sort()).toEqual(
      [
        'awaitingYou',
        'charge',
        'complaint',
        'createdAt',
        'id',
        'outcome',
        'partNumber',
        'productModel',
        'promisedRepairDate',
        'quantity',
        'reference',
        'repairQuoteFen',
        'stage',
        'stageLabel',
        'status',
        'tracking',
        'unitsReceived',
        'warranty',
      ].sort(),
    );
    const id: string = opened.body.id;
    const reference: string = opened.body.reference;
    await act('sales', 'quality-report', 'submitted', {
      defectQuantity: 5,
      symptoms: 'internal: supplier lot 7 suspected',
    });
    await act('qa', 'site-visit', 'confirmed', {
      visitedOn: daysAgo(0),
      responsibility: 'factory',
      evidence: 'internal evidence: U3 cold joint',
      customerSignatory: 'Li Wei',
      factorySignatory: 'Zhang San',
    });
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('photo of the flicker')], { type: 'image/jpeg' }), 'flicker.jpg');
    const uploaded = await fetch(`${platform.url}/api/rmas/${id}/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.buyer}` },
      body: form,
    });
    const uploadedBody = (await uploaded.json()) as { evidence: { download: string }[] };
    walked.add('POST /api/rmas/{id}/evidence');
    customerBodies.push({ what: 'POST evidence', body: uploadedBody });
    expect(uploaded.status).toBe(201);
    const download = await fetch(`${platform.url}${uploadedBody.evidence[0].download}`, {
      headers: { authorization: `Bearer ${tokens.buyer}` },
    });
    expect([download.status, await download.text()]).toEqual([200, 'photo of the flicker']);
    walked.add('GET /api/rmas/{id}/evidence/{evidenceId}');

    // A date in the factory's future is refused (400 naming the field) and changes nothing.
    await eventuallyApi(async () => {
      const future = await api.post(
        `/api/rmas/${id}/steps/confirm-claims`,
        { decision: 'confirmed', data: { saleDate: '2099-01-01', productionDate: null, quantity: 5, source: 'x' } },
        tokens.sales,
      );
      expect([future.status, future.body.error?.field]).toEqual([400, 'data.saleDate']);
    });
    await act('sales', 'confirm-claims', 'confirmed', {
      saleDate: daysAgo(400),
      productionDate: null,
      quantity: 5,
      source: 'order and invoice checked',
    });
    await act('sales_manager', 'return-acceptance', 'accept', { resolution: 'repair' });
    await act('warehouse', 'receive-units', 'received', {
      arrivedAt: new Date(Math.min(await env.currentTimeMs(), Date.now())).toISOString(),
      quantity: 5,
    });
    await act('engineer', 'classify', 'classified', {
      good: 5,
      scrap: 0,
      materials: [{ kind: 'SMT', inStock: true }],
      findings: 'internal: U3 cracked',
    });
    await act('sales', 'repair-quote', 'quoted', { amountFen: 150_000, note: 'internal: margin 40%' });

    // The customer sees the step waiting on them, with the amount, and answers it.
    const mine = await eventuallyApi(async () => {
      const r = await asCustomer('GET', '/api/rmas/{id}/tasks', `/api/rmas/${id}/tasks`);
      expect(r.body.tasks.map((x: { step: string }) => x.step)).toEqual(['quote-confirmation']);
      return r.body.tasks[0];
    });
    expect(mine).toMatchObject({
      kind: 'rma.quote-confirmation',
      payload: { amountFen: 150_000, quantity: 5 },
      answerBy: expect.any(String),
    });
    // The shared inbox shows the customer the same step, the same answer-by date and the same figures.
    const inInbox = (await asCustomer('GET', '/api/tasks', `/api/tasks?case=${id}`)).body.tasks;
    expect(inInbox).toEqual([
      expect.objectContaining({
        id: mine.id,
        step: 'quote-confirmation',
        answerBy: mine.answerBy,
        payload: mine.payload,
        caseReference: reference,
      }),
    ]);
    expect((await asCustomer('GET', '/api/tasks/{id}', `/api/tasks/${mine.id}`)).body).toMatchObject({
      id: mine.id,
      answerBy: mine.answerBy,
      payload: mine.payload,
    });
    const answered = await asCustomer(
      'POST',
      '/api/rmas/{id}/steps/{step}',
      `/api/rmas/${id}/steps/quote-confirmation`,
      { decision: 'accept', data: {} },
    );
    expect(answered.status).toBe(200);

    await act('qa', 'disassembly', 'done', { reclaimedParts: 0, ngParts: 0 });
    await act('production', 'repair-date', 'promised', { promisedOn: daysFromToday(14) });
    await act('qa', 'repair', 'repaired', { repaired: 5, scrapped: 0 });
    await act('qa', 'qa-confirmation', 'pass');
    await act('qa', 'outgoing-inspection', 'pass');
    await act('warehouse', 'pack', 'done');
    // Paid before ship-back: the shipment step does not open until finance records the payment.
    await eventuallyApi(async () => {
      const tasks = await api.get(`/api/rmas/${id}/tasks`, tokens.finance);
      expect(tasks.body.tasks.map((x: { step: string }) => x.step)).toEqual(['repair-payment']);
    });
    expect(
      (
        await api.post(
          `/api/rmas/${id}/steps/ship-back`,
          { decision: 'shipped', data: { carrier: 'SF', trackingNumber: 'SF1' } },
          tokens.warehouse,
        )
      ).status,
    ).toBe(409);
    await act('finance', 'repair-payment', 'paid', { reference: 'BANK-PAID-1', amountFen: 150_000 });
    await act('warehouse', 'ship-back', 'shipped', { carrier: 'SF Express', trackingNumber: 'SF5550001' });
    await act('qa', 'close-report', 'closed', {
      rootCause: 'internal: reflow too cold',
      correctiveAction: 'internal: profile re-qualified',
    });
    await eventuallyApi(async () =>
      expect((await api.get(`/api/rmas/${id}`, tokens.buyer)).body.status).toBe('closed:repaired'),
    );

    // The customer's e-mails, as the mail catcher received them over SMTP (not the outbox table).
    const expected = [
      `RMA ${reference}: complaint received / 客诉已受理`,
      `RMA ${reference}: repair quote ¥1,500.00 / 维修报价 1,500.00 元`,
      `RMA ${reference}: repair date ${daysFromToday(14)} / 承诺维修日期`,
      `RMA ${reference}: shipped / 已发货`,
      `RMA ${reference}: closed / 已结案`,
    ];
    const caught = await eventuallyApi(async () => {
      const mail = await caughtMailRepo.listCaughtMail(t.db, { to: 'buyer@demo.local' });
      expect(mail.map((m) => m.subject)).toEqual(expect.arrayContaining(expected));
      return mail;
    }, 30_000);
    const quoteMail = caught.find((m) => m.subject === expected[1])!;
    // The message as it went over the wire: MIME headers, encoded subject, quoted-printable body.
    expect(quoteMail.raw).toMatch(/^MIME-Version: 1\.0/m);
    expect(quoteMail.raw).toMatch(/^Subject: =\?UTF-8\?Q\?/m);
    // In English and Chinese, the amount as money.
    expect(quoteMail.text_body).toContain('is chargeable (out of warranty): ¥1,500.00.');
    expect(quoteMail.text_body).toContain('件维修为收费维修:1,500.00 元。');
    for (const m of caught.filter((x) => x.subject?.includes(reference)))
      expect(`${m.subject} ${m.text_body}`).not.toMatch(/internal:|Zhang San|@demo\.local/);

    // 第七步 售后评价 after close.
    expect(
      (
        await asCustomer('POST', '/api/rmas/{id}/records/{kind}', `/api/rmas/${id}/records/customer-evaluation`, {
          data: { satisfaction: 5 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api.post(
          `/api/rmas/${id}/records/supplier-claim`,
          {
            data: {
              supplier: 'Acme Parts',
              material: 'U3',
              lossQuantity: 5,
              letter: 'internal: letter 12',
              chargeBackFen: 1000,
            },
          },
          tokens.engineer,
        )
      ).status,
    ).toBe(201);

    // The walk: every RMA endpoint a customer can reach.
    expect((await asCustomer('GET', '/api/rmas', '/api/rmas')).status).toBe(200);
    const detail = await asCustomer('GET', '/api/rmas/{id}', `/api/rmas/${id}`);
    expect(detail.body).toMatchObject({
      outcome: 'repaired',
      warranty: 'out_of_warranty',
      charge: 'paid',
      repairQuoteFen: 150_000,
    });
    const timeline = await asCustomer('GET', '/api/rmas/{id}/timeline', `/api/rmas/${id}/timeline`);
    expect(timeline.body.timeline.length).toBeGreaterThan(3);
    for (const e of timeline.body.timeline)
      expect(Object.keys(e).sort()).toEqual(['at', 'kind', 'label', 'step', 'title']);
    const records = await asCustomer('GET', '/api/rmas/{id}/records', `/api/rmas/${id}/records`);
    expect(records.body.records.map((r: { kind: string }) => r.kind)).toEqual(['customer-evaluation']);
    expect((await asCustomer('GET', '/api/rmas/{id}/penalties', `/api/rmas/${id}/penalties`)).status).toBe(403);
    expect((await asCustomer('GET', '/api/rma-penalties', '/api/rma-penalties')).status).toBe(403);
    expect(
      (
        await asCustomer(
          'POST',
          '/api/rma-penalties/{id}/waive',
          `/api/rma-penalties/00000000-0000-4000-8000-000000000000/waive`,
          { reason: 'x' },
        )
      ).status,
    ).toBe(403);

    // No staff identities, internal comments, deadlines or staff task roles anywhere.
    const staff = await t.db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'role'])
      .where('role', '!=', 'customer')
      .execute();
    const staffRoles = [...new Set(staff.map((u) => u.role))];
    for (const { what, body } of customerBodies) {
      const text = JSON.stringify(body);
      const leaks = [
        ...staff.flatMap((u) => [u.id, u.email, u.display_name]).filter((x) => text.includes(x)),
        ...[
          'internal',
          'Zhang San',
          'dueAt',
          'deadline',
          'escalat',
          'remind',
          'actorRole',
          'actorId',
          'penalt',
          'requestedByUserId',
          'completedBy',
          'capFen',
          'workflowId',
          'customerId',
          'repairTeam',
          'keyProduct',
          '"urgent"',
          'claimed',
        ].filter((x) => text.includes(x)),
        ...staffRoles.filter((r) => new RegExp(`"(role|actorRole)":"${r}"`).test(text)),
      ];
      expect({ what, leaks }).toEqual({ what, leaks: [] });
    }
    // Every RMA path of the API document was walked (a new endpoint needs its customer check here).
    const openapi = await api.get('/api/openapi.json');
    const rmaOps = Object.entries(openapi.body.paths as Record<string, Record<string, unknown>>)
      .filter(([p]) => p.startsWith('/api/rma'))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(rmaOps.filter((op) => !walked.has(op))).toEqual([]);
  });
});
