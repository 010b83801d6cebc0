import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestEnv } from '../../infra/temporal/test-env';
import { TEST_DB_KINDS, type TestDb, type TestDbKind } from '../../infra/db/testing';
import { DEMO_CUSTOMER } from '../../infra/db/seed';
import { auditRepo, customersRepo, tasksRepo, usersRepo } from '../../infra/db';
import { createTaskActivities } from '../../activities/tasks';
import { createMailActivities } from '../../activities/mail';
import { createOrderActivities } from '../../activities/order';
import { ORDER_TASK_KINDS } from '../../domain/order/task-kinds';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { eventually } from './harness';
import { daysFromToday } from '../dates';
import { hashPassword } from '../../infra/auth/passwords';
import { addOtherCustomer, startTestPlatform, type TestPlatform } from '../platform/helpers';
import { startAcceptedOrder } from './start-order';

// API tests of services/production: a real listening server (the platform's launcher with the auth, tasks and
// production services), the embedded Temporal server, a worker with the real activities, and the database —
// PGlite and the real PostgreSQL (TEST_DATABASE_URL). People act only through HTTP.

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already by another test file in this worker process.
  }
  env = await createTestEnv();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

describe.each(TEST_DB_KINDS.map((kind) => [kind]))('services/production over %s', (kind: TestDbKind) => {
  let running: TestPlatform;
  let t: TestDb;
  let worker: Worker;
  let workerRun: Promise<void>;
  let api: TestPlatform['api'];
  let customerId: string;
  const taskQueue = `production-api-${kind}-${randomUUID().slice(0, 8)}`;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    running = await startTestPlatform({
      temporalEnv: env,
      dbKind: kind,
      currency: 'USD',
      dataDirPrefix: 'smt-orders-api-',
      prepare: async (db) => {
        customerId = (await customersRepo.findCustomerByCode(db, DEMO_CUSTOMER.code))!.id;
        await addOtherCustomer(db, { currency: 'USD' });
        // A second finance person: four eyes between finance people (approving, paying out).
        await usersRepo.createUser(db, {
          email: 'finance2@demo.local',
          displayName: 'Second finance',
          passwordHash: await hashPassword('demo'),
          role: 'finance',
        });
      },
      services: ['auth', 'tasks', 'production'],
      workers: [],
      taskKinds: [...ORDER_TASK_KINDS],
      mailSender: false,
      logins: [
        ...['customer', 'sales_manager', 'production', 'engineer', 'qa', 'finance', 'warehouse', 'manager'].map(
          (who) => `${who}@demo.local`,
        ),
        'finance2@demo.local',
        'other@other.test',
      ],
    });
    ({ t, api, tokens } = running);
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowsPath: require.resolve('../../workflows/order'),
      activities: {
        ...createTaskActivities({ db: t.db }),
        ...createMailActivities({ db: t.db }),
        ...createOrderActivities({ db: t.db }),
      },
    });
    workerRun = worker.run();
  }, 120_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await running?.stop();
  });

  /** What the quote workflow does when the customer accepts: start the order (here on this file's queue). */
  async function startOrder(
    quantity = 10,
    totalFen = 100_000,
    parts?: { designators: string[]; quantity: number; supplierPart: string; throughHole: boolean }[],
  ) {
    const { handle, orderId } = await startAcceptedOrder(t.db, env.client, {
      customerId,
      taskQueue,
      quantity,
      totalFen,
      currency: 'USD',
      parts,
    });
    await eventually(async () => expect((await api.get(`/api/orders/${orderId}`, tokens.customer)).status).toBe(200));
    return { handle, orderId };
  }

  /** Completes the order's open task of `kind` through the tasks API as `who`. */
  async function completeTask(
    orderId: string,
    kindName: string,
    who: string,
    decision: string,
    data: Record<string, unknown> = {},
  ) {
    const task = await eventually(async () => {
      const r = await api.get(`/api/tasks?case=${orderId}&kind=${kindName}`, tokens[who]);
      expect(r.status).toBe(200);
      expect(r.body.tasks).toHaveLength(1);
      return r.body.tasks[0] as { id: string };
    });
    const r = await api.post(`/api/tasks/${task.id}/complete`, { decision, data }, tokens[who]);
    expect(r.status).toBe(200);
  }

  /** POSTs to a step endpoint once the workflow has opened that step (409 until then). */
  async function postStep(path: string, body: unknown, who: string, expected = 202) {
    return eventually(async () => {
      const r = await api.post(path, body, tokens[who]);
      expect(r.status).toBe(expected);
      return r;
    });
  }

  test('an order driven to delivery through HTTP only, with 400 / 403 / 404 / 409 / 422 on the way', async () => {
    const { handle, orderId } = await startOrder();
    const base = `/api/orders/${orderId}`;

    // Ownership and roles.
    expect((await api.get(base, tokens.other)).status).toBe(404);
    expect((await api.get('/api/orders', tokens.other)).body.orders).toEqual([]);
    expect((await api.get('/api/orders', tokens.customer)).body.orders.map((o: { id: string }) => o.id)).toContain(
      orderId,
    );
    expect(
      (await api.post(`${base}/payments`, { amountFen: 100, currency: 'USD', reference: 'X' }, tokens.qa)).status,
    ).toBe(403);
    expect((await api.post(`${base}/cancel`, { reason: 'because' }, tokens.customer)).status).toBe(403);
    expect((await api.post(`${base}/payments`, { amountFen: 100, currency: 'USD', reference: 'X' })).status).toBe(401);
    // Bad input names the field; a step that is not open is 409 (shipping before QC passed).
    const bad = await api.post(`${base}/payments`, { amountFen: -5, currency: 'USD', reference: 'X' }, tokens.finance);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'amountFen' });
    expect((await api.get('/api/orders/not-a-uuid', tokens.customer)).status).toBe(400);
    const early = await api.post(`${base}/shipments`, { carrier: 'DHL Express' }, tokens.warehouse);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/^shipment .* is not open/);

    await completeTask(orderId, K.contractSignature, 'customer', 'sign');
    await completeTask(orderId, K.contractApproval, 'sales_manager', 'approve');
    // Deposit 30 000: an overpayment is refused (422 naming the field), partial payments accumulate.
    const over = await postStep(
      `${base}/payments`,
      { amountFen: 30_001, currency: 'USD', reference: 'DEP-0' },
      'finance',
      422,
    );
    expect(over.body.error).toMatchObject({ code: 'business_rule', field: 'amountFen' });
    await postStep(`${base}/payments`, { amountFen: 10_000, currency: 'USD', reference: 'DEP-1' }, 'finance');
    const rest = await postStep(
      `${base}/payments`,
      { amountFen: 20_000, currency: 'USD', reference: 'DEP-2' },
      'finance',
    );
    expect(rest.body.outstandingFen).toBe(0);

    await completeTask(orderId, K.kitting, 'production', 'report', {
      lines: [{ partNumber: 'R1', quantity: 100, source: { kind: 'in_stock' } }],
    });
    await completeTask(orderId, K.stencil, 'production', 'ready');
    await completeTask(orderId, K.program, 'engineer', 'ready');
    await completeTask(orderId, K.reflowProfile, 'engineer', 'ready', { profileName: 'SAC305', furnaceBoard: 'FTB-1' });
    // Dates (domain/shared/fields): a plan is today or later, in the factory's zone; an impossible day is a 400 naming the field.
    const slot = await eventually(async () => {
      const r = await api.get(`/api/tasks?case=${orderId}&kind=${K.lineSlot}`, tokens.production);
      expect(r.body.tasks).toHaveLength(1);
      return r.body.tasks[0] as { id: string };
    });
    for (const startsOn of [daysFromToday(-1), '2026-02-30', 'tomorrow']) {
      const refused = await api.post(
        `/api/tasks/${slot.id}/complete`,
        { decision: 'booked', data: { line: 'SMT-1', startsOn } },
        tokens.production,
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe('data.startsOn');
    }
    expect((await tasksRepo.getTask(t.db, slot.id))?.status).toBe('open');
    await completeTask(orderId, K.lineSlot, 'production', 'booked', { line: 'SMT-1', startsOn: daysFromToday(3) });
    await completeTask(orderId, K.buildSamples, 'production', 'built', { sampleCount: 2 });
    await completeTask(orderId, K.sampleApproval, 'customer', 'approve');

    // The step endpoints complete tasks through the platform's completeTask: the kind's decision and data checks
    // answer as on the tasks API, a refused completion changes nothing, and the step's completion is audited alike.
    const progressTask = await eventually(async () => {
      const r = await api.get(`/api/tasks?case=${orderId}&kind=${K.progress}`, tokens.production);
      expect(r.body.tasks).toHaveLength(1);
      return r.body.tasks[0] as { id: string };
    });
    const wrongDecision = await api.post(
      `/api/tasks/${progressTask.id}/complete`,
      { decision: 'maybe', data: { step: 'smt_top', quantityDone: 6 } },
      tokens.production,
    );
    expect(wrongDecision.status).toBe(400);
    expect(wrongDecision.body.error).toMatchObject({ field: 'decision', message: 'decision: must be one of report' });
    const badCount = await api.post(
      `/api/tasks/${progressTask.id}/complete`,
      { decision: 'report', data: { step: 'smt_top', quantityDone: -1 } },
      tokens.production,
    );
    expect(badCount.status).toBe(400);
    expect(badCount.body.error.field).toBe('data.quantityDone');
    expect((await tasksRepo.getTask(t.db, progressTask.id))?.status).toBe('open');
    expect(await auditRepo.listAudit(t.db, 'task', progressTask.id)).toEqual([]);

    // Progress: visible to the customer; a step ahead of the one before is refused.
    await postStep(`${base}/progress`, { step: 'smt_top', quantityDone: 6 }, 'production');
    expect(await auditRepo.listAudit(t.db, 'task', progressTask.id)).toEqual([
      expect.objectContaining({
        action: 'task.complete',
        actor_role: 'production',
        before: { status: 'open' },
        after: { status: 'completed', decision: 'report', data: { step: 'smt_top', quantityDone: 6 } },
      }),
    ]);
    const again = await api.post(
      `/api/tasks/${progressTask.id}/complete`,
      { decision: 'report', data: { step: 'smt_top', quantityDone: 7 } },
      tokens.production,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('task is already completed');
    const ahead = await postStep(`${base}/progress`, { step: 'reflow', quantityDone: 7 }, 'production', 422);
    expect(ahead.body.error.field).toBe('quantityDone');
    await eventually(async () =>
      expect((await api.get(base, tokens.customer)).body.workflow.progress).toEqual([
        { step: 'smt_top', quantityDone: 6 },
      ]),
    );
    await postStep(`${base}/progress`, { step: 'smt_top', quantityDone: 10 }, 'production');
    await postStep(`${base}/progress`, { step: 'assembly', quantityDone: 10 }, 'production');

    // Inspection: a round that does not cover the lot is refused; failed units go to rework, then pass.
    const short = await postStep(
      `${base}/inspections`,
      { lotIndex: 1, kind: 'aoi', passedCount: 5, failedUnits: [] },
      'qa',
      422,
    );
    expect(short.body.error.message).toBe('this round must cover 10 unit(s); 5 were reported');
    await postStep(
      `${base}/inspections`,
      {
        lotIndex: 1,
        kind: 'aoi',
        passedCount: 9,
        failedUnits: [{ serial: 'S1', defects: [{ code: 'BRIDGE', designator: 'U1' }] }],
      },
      'qa',
    );
    await completeTask(orderId, K.rework, 'production', 'reworked');
    await postStep(`${base}/inspections`, { lotIndex: 1, kind: 'xray', passedCount: 1, failedUnits: [] }, 'qa');

    // Balance, then the warehouse ships and confirms delivery. Facts (money received, goods delivered) are today or earlier.
    for (const receivedOn of [daysFromToday(1), '2026-02-30']) {
      const refused = await api.post(
        `${base}/payments`,
        { amountFen: 70_000, currency: 'USD', reference: 'BAL-1', receivedOn },
        tokens.finance,
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe('receivedOn');
    }
    await postStep(
      `${base}/payments`,
      { amountFen: 70_000, currency: 'USD', reference: 'BAL-1', receivedOn: daysFromToday(0) },
      'finance',
    );
    await postStep(`${base}/shipments`, { carrier: 'DHL Express' }, 'warehouse');
    for (const deliveredOn of [daysFromToday(1), '2026-13-01']) {
      const refused = await api.post(`${base}/shipments/delivered`, { deliveredOn }, tokens.warehouse);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({
        field: 'deliveredOn',
        message: expect.stringMatching(
          /deliveredOn: must be (today \(\d{4}-\d{2}-\d{2}\) or earlier|a real calendar date)/,
        ),
      });
    }
    await postStep(`${base}/shipments/delivered`, { deliveredOn: daysFromToday(0) }, 'warehouse');
    expect(await handle.result()).toEqual({ orderId, status: 'delivered' });

    // The customer reads an explicit view: progress and milestones, not the line slot or the inspections.
    const mine = await api.get(base, tokens.customer);
    expect(mine.body).toMatchObject({ status: 'delivered', production: { producedQuantity: 10 } });
    expect(mine.body.production).not.toHaveProperty('lineSlot');
    expect(mine.body.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['order.created', 'shipment.delivered']),
    );
    expect(mine.body.timeline.map((e: { action: string }) => e.action)).not.toContain('qc.inspection');
    const detail = await api.get(base, tokens.sales_manager);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      status: 'delivered',
      quantity: 10,
      totalFen: 100_000,
      production: { producedQuantity: 10, lineSlot: `SMT-1 from ${daysFromToday(3)}` },
    });
    expect(detail.body.shipments).toEqual([
      expect.objectContaining({
        status: 'delivered',
        carrier: 'DHL Express',
        trackingNumber: expect.stringMatching(/^DHL\d{10}$/),
      }),
    ]);
    expect(detail.body.invoices.map((i: { kind: string; status: string }) => [i.kind, i.status])).toEqual([
      ['deposit', 'paid'],
      ['balance', 'paid'],
    ]);
    expect(detail.body.workflow.lots).toEqual([
      expect.objectContaining({ status: 'passed', firstPassYield: 0.9, reworkCount: 1 }),
    ]);
    const actions = detail.body.timeline.map((e: { action: string }) => e.action);
    const expectedActions = [
      'order.created',
      'contract.signed',
      'contract.approved',
      'payment.recorded',
      'qc.inspection',
      'qc.lot_passed',
      'shipment.released',
      'shipment.booked',
      'shipment.delivered',
    ];
    expect(expectedActions.filter((a) => !actions.includes(a))).toEqual([]);
    expect(actions.indexOf('qc.lot_passed')).toBeLessThan(actions.indexOf('shipment.released'));
    // Too late to cancel.
    expect((await api.post(`${base}/cancel`, { reason: 'too late' }, tokens.sales_manager)).status).toBe(409);
  }, 180_000);

  test('whoever reads a waiting stage (contract, deposit, kitting … qc, payment) acts at once: the stage never runs ahead of its task', async () => {
    const { handle, orderId } = await startOrder(2, 10_000);
    const base = `/api/orders/${orderId}`;
    const pay = (amountFen: number, reference: string) =>
      api.post(`${base}/payments`, { amountFen, currency: 'USD', reference }, tokens.finance);
    /** Polls only the stage (status column or workflow query, whichever shows it first), never the task. */
    const stageReads = (stage: string, who = 'finance') =>
      eventually(async () => {
        const order = (await api.get(base, tokens[who])).body;
        expect([order.status, order.workflow?.stage]).toContain(stage);
      }, 30_000);
    await stageReads('contract', 'customer');
    const sign = await api.get(`/api/tasks?case=${orderId}&kind=${K.contractSignature}`, tokens.customer);
    expect(sign.body.tasks).toHaveLength(1);
    const signed = await api.post(
      `/api/tasks/${sign.body.tasks[0].id}/complete`,
      { decision: 'sign' },
      tokens.customer,
    );
    expect(signed.status).toBe(200);
    await completeTask(orderId, K.contractApproval, 'sales_manager', 'approve');
    await stageReads('deposit');
    expect((await pay(3_000, 'DEP')).status).toBe(202);

    /** Once the stage reads `stage`, the task of `kind` is listed and completes at first try (200, not 409). */
    const completeAtOnce = async (
      stage: string,
      kindName: string,
      who: string,
      decision: string,
      data: Record<string, unknown> = {},
    ) => {
      await stageReads(stage, who);
      const listed = await api.get(`/api/tasks?case=${orderId}&kind=${kindName}`, tokens[who]);
      expect([kindName, listed.body.tasks.length]).toEqual([kindName, 1]);
      const r = await api.post(`/api/tasks/${listed.body.tasks[0].id}/complete`, { decision, data }, tokens[who]);
      expect([kindName, r.status]).toEqual([kindName, 200]);
    };
    await completeAtOnce('kitting', K.kitting, 'production', 'report', {
      lines: [{ partNumber: 'R1', quantity: 20, source: { kind: 'in_stock' } }],
    });
    await completeAtOnce('preparation', K.reflowProfile, 'engineer', 'ready', {
      profileName: 'SAC305',
      furnaceBoard: 'FTB-1',
    });
    await completeTask(orderId, K.stencil, 'production', 'ready');
    await completeTask(orderId, K.program, 'engineer', 'ready');
    await completeAtOnce('line_slot', K.lineSlot, 'production', 'booked', {
      line: 'SMT-1',
      startsOn: daysFromToday(3),
    });
    await completeAtOnce('proofing', K.buildSamples, 'production', 'built', { sampleCount: 1 });
    await completeTask(orderId, K.sampleApproval, 'customer', 'approve');
    await stageReads('volume_production', 'production');
    expect((await api.post(`${base}/progress`, { step: 'smt_top', quantityDone: 2 }, tokens.production)).status).toBe(
      202,
    );
    await postStep(`${base}/progress`, { step: 'assembly', quantityDone: 2 }, 'production');
    await stageReads('qc', 'qa');
    const inspected = await api.post(
      `${base}/inspections`,
      { lotIndex: 1, kind: 'aoi', passedCount: 2, failedUnits: [] },
      tokens.qa,
    );
    expect(inspected.status).toBe(202);
    await stageReads('payment');
    const balance = await pay(7_000, 'BAL');
    expect(balance.status).toBe(202);
    expect(balance.body.outstandingFen).toBe(0);
    await handle.terminate('test over');
  }, 180_000);

  test('kitting that does not cover the quoted BOM is refused with 422 naming the line; nothing changes', async () => {
    // 4 × C1525 per board (SMT: spare max(5, 3 %)) and one through-hole header; 10 boards.
    const parts = [
      { designators: ['C1', 'C2', 'C3', 'C4'], quantity: 4, supplierPart: 'C1525', throughHole: false },
      { designators: ['J1'], quantity: 1, supplierPart: 'PZ254V-11-04P', throughHole: true },
    ];
    const { handle, orderId } = await startOrder(10, 100_000, parts);
    await completeTask(orderId, K.contractSignature, 'customer', 'sign');
    await completeTask(orderId, K.contractApproval, 'sales_manager', 'approve');
    await postStep(
      `/api/orders/${orderId}/payments`,
      { amountFen: 30_000, currency: 'USD', reference: 'DEP' },
      'finance',
    );
    const kitting = await eventually(async () => {
      const r = await api.get(`/api/tasks?case=${orderId}&kind=${K.kitting}`, tokens.production);
      expect(r.body.tasks).toHaveLength(1);
      return r.body.tasks[0] as { id: string };
    });
    const kit = (lines: unknown[]) =>
      api.post(`/api/tasks/${kitting.id}/complete`, { decision: 'report', data: { lines } }, tokens.production);
    const stock = (partNumber: string, quantity: number) => ({ partNumber, quantity, source: { kind: 'in_stock' } });
    const offBom = await kit([stock('R-0402-1K', 1)]);
    expect(offBom.status).toBe(422);
    expect(offBom.body.error).toMatchObject({
      field: 'data.lines.0',
      message: expect.stringContaining('R-0402-1K is not on the quoted BOM'),
    });
    const short = await kit([stock('C1525', 44), stock('PZ254V-11-04P', 10)]);
    expect(short.status).toBe(422);
    expect(short.body.error).toMatchObject({
      field: 'data.lines.0',
      message: expect.stringContaining('C1525 (C1, C2, C3, C4): 44 kitted, 45 needed (4 × 10 boards + 5 attrition)'),
    });
    const missing = await kit([stock('C1525', 45)]);
    expect(missing.body.error).toMatchObject({
      field: 'data.lines',
      message: expect.stringContaining('PZ254V-11-04P (J1): 0 kitted, 10 needed'),
    });
    const unreceived = await kit([
      { partNumber: 'C1525', quantity: 45, source: { kind: 'consigned', arrived: true } },
      stock('PZ254V-11-04P', 10),
    ]);
    expect(unreceived.body.error.message).toMatch(/consigned material counts only as received from the customer/);
    expect((await api.get(`/api/tasks/${kitting.id}`, tokens.production)).body.status).toBe('open');
    const ok = await kit([
      { partNumber: 'C1525', quantity: 45, receivedQuantity: 50, source: { kind: 'consigned', arrived: true } },
      stock('PZ254V-11-04P', 10),
    ]);
    expect(ok.status).toBe(200);
    await eventually(async () =>
      expect((await api.get(`/api/orders/${orderId}`, tokens.sales_manager)).body.workflow.stage).toBe('preparation'),
    );
    await handle.terminate('test over');
  }, 120_000);

  test('the sales manager cancels mid-production through the API: compensation runs, the order reads cancelled', async () => {
    const { handle, orderId } = await startOrder(5, 20_000);
    const base = `/api/orders/${orderId}`;
    await completeTask(orderId, K.contractSignature, 'customer', 'sign');
    await completeTask(orderId, K.contractApproval, 'sales_manager', 'approve');
    await postStep(`${base}/payments`, { amountFen: 6_000, currency: 'USD', reference: 'DEP' }, 'finance');
    await completeTask(orderId, K.kitting, 'production', 'report', {
      lines: [{ partNumber: 'R1', quantity: 50, source: { kind: 'in_stock' } }],
    });
    await eventually(async () =>
      expect((await api.get(base, tokens.sales_manager)).body.workflow.stage).toBe('preparation'),
    );
    expect((await api.post(`${base}/cancel`, { reason: 'x' }, tokens.sales_manager)).status).toBe(400);
    const r = await api.post(`${base}/cancel`, { reason: 'project stopped' }, tokens.sales_manager);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ cancelling: true, stage: 'preparation' });
    // The deposit was paid: finance works out the refund; the same person cannot approve it (four eyes).
    await completeTask(orderId, K.refund, 'finance', 'propose', { materialsPurchasedFen: 1_000, toolingFen: 0 });
    const approval = await eventually(async () => {
      const list = await api.get(`/api/tasks?case=${orderId}&kind=${K.moneyApproval}`, tokens.finance);
      expect(list.body.tasks).toHaveLength(1);
      return list.body.tasks[0] as { id: string };
    });
    const own = await api.post(`/api/tasks/${approval.id}/complete`, { decision: 'approve', data: {} }, tokens.finance);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/must be approved by someone other than the person who asked for it/);
    expect((await api.get(`/api/tasks/${approval.id}`, tokens.finance)).body.status).toBe('open');
    expect(
      (await api.post(`/api/tasks/${approval.id}/complete`, { decision: 'approve', data: {} }, tokens.finance2)).status,
    ).toBe(200);
    // Approved: finance pays it out and records the day (a real date, not in the future) and the bank reference.
    const payout = await eventually(async () => {
      const list = await api.get(`/api/tasks?case=${orderId}&kind=${K.refundPayout}`, tokens.finance);
      expect(list.body.tasks).toHaveLength(1);
      return list.body.tasks[0] as { id: string; role: string; title: string; payload: Record<string, unknown> };
    });
    expect(payout).toMatchObject({
      role: 'finance',
      title: 'Pay out the approved refund of USD 50.00 and record it',
      payload: { amountFen: 5_000, currency: 'USD', approvedBy: 'finance2@demo.local' },
    });
    // Four eyes: whoever approved the refund does not record it paid out; refused, the task stays open, nothing moves.
    const ownPayout = await api.post(
      `/api/tasks/${payout.id}/complete`,
      { decision: 'paid', data: { paidOutOn: daysFromToday(-1), bankReference: 'BOC-SELF' } },
      tokens.finance2,
    );
    expect([ownPayout.status, ownPayout.body.error.message]).toEqual([
      403,
      '"Pay out the approved refund of USD 50.00 and record it" must be done by someone other than the person who approved this refund (four eyes)',
    ]);
    expect((await api.get(`/api/tasks/${payout.id}`, tokens.finance)).body.status).toBe('open');
    expect(await auditRepo.listAudit(t.db, 'task', payout.id)).toEqual([]);
    expect((await api.get(base, tokens.finance)).body.timeline).not.toContainEqual(
      expect.objectContaining({ action: 'order.refund_paid' }),
    );
    await eventually(async () =>
      expect((await api.get(base, tokens.customer)).body.workflow.refund).toEqual({
        status: 'approved',
        paidFen: 6_000,
        refundFen: 5_000,
        retainedFen: 1_000,
        currency: 'USD',
        paidOutOn: null,
      }),
    );
    const payOut = (data: Record<string, unknown>) =>
      api.post(`/api/tasks/${payout.id}/complete`, { decision: 'paid', data }, tokens.finance);
    for (const [data, message] of [
      [{ paidOutOn: daysFromToday(1), bankReference: 'BOC-1' }, /must be today .* or earlier/],
      [{ paidOutOn: '2026-02-30', bankReference: 'BOC-1' }, /./],
      [{ paidOutOn: daysFromToday(-1) }, /./],
    ] as const) {
      const refused = await payOut(data);
      expect([refused.status, refused.body.error.field]).toEqual([
        400,
        'bankReference' in data ? 'data.paidOutOn' : 'data.bankReference',
      ]);
      expect(refused.body.error.message).toMatch(message);
    }
    expect((await api.get(`/api/tasks/${payout.id}`, tokens.finance)).body.status).toBe('open');
    const paidOutOn = daysFromToday(-1);
    expect((await payOut({ paidOutOn, bankReference: 'BOC-20261130-7781' })).status).toBe(200);
    expect(await handle.result()).toEqual({ orderId, status: 'cancelled' });
    expect((await api.get(base, tokens.finance)).body.workflow.refund).toEqual({
      status: 'paid',
      paidFen: 6_000,
      refundFen: 5_000,
      retainedFen: 1_000,
      currency: 'USD',
      paidOutOn,
    });
    // The customer reads when the refund was paid; who prepared, approved or paid it is not theirs to see.
    const mine = await api.get(base, tokens.customer);
    expect(mine.body.workflow.refund).toMatchObject({ status: 'paid', refundFen: 5_000, paidOutOn });
    expect(mine.body.timeline).toContainEqual(
      expect.objectContaining({ action: 'order.refund_paid', actorRole: null, details: null }),
    );
    // Staff read who recorded the payout and who had approved the refund: two people.
    const idOf = async (email: string) =>
      (await t.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    expect((await api.get(base, tokens.finance)).body.timeline).toContainEqual(
      expect.objectContaining({
        action: 'order.refund_paid',
        actorRole: 'finance',
        details: expect.objectContaining({
          bankReference: 'BOC-20261130-7781',
          paidBy: { userId: await idOf('finance@demo.local'), role: 'finance' },
          approvedBy: { userId: await idOf('finance2@demo.local'), role: 'finance' },
        }),
      }),
    );
    expect(JSON.stringify(mine.body)).not.toMatch(/finance@|manager@|BOC-20261130/);
    const detail = await api.get(base, tokens.sales_manager);
    expect(detail.body.status).toBe('cancelled');
    expect(detail.body.workflow.cancelled).toMatchObject({ reason: 'project stopped', by: 'sales_manager@demo.local' });
    expect(detail.body.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['materials.released', 'tasks.closed', 'order.cancelled']),
    );
    expect((await api.get(`/api/tasks?case=${orderId}`, tokens.engineer)).body.tasks).toEqual([]);
    expect((await api.post(`${base}/cancel`, { reason: 'again please' }, tokens.sales_manager)).status).toBe(409);
  }, 120_000);
});
