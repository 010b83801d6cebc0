import { auditRepo, ordersRepo, productionRepo, tasksRepo } from '../../infra/db';
import { cancelOrderSignal, orderStateQuery, productionWorkflowId, type OrderStage } from '../../domain/order/contract';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { simulatedTrackingNumber } from '../../domain/order/shipment';
import { openExposureFen } from '../../infra/db/repositories/orders';
import { eventually, startOrderHarness, type OrderHarness } from './harness';
import { daysFromToday } from '../dates';

// Workflow tests: embedded Temporal with time skipping, PGlite, the real activities. Each test drives one order
// through its tasks the way people do (complete the task, the workflow is signalled).

const CUSTOMER = 'customer@demo.local';
const STOCK_KIT = { lines: [{ partNumber: 'R-0402-1K', quantity: 200, source: { kind: 'in_stock' } }] };

let h: OrderHarness;

/** The sales manager's cancel request, as POST /api/orders/:id/cancel sends it. */
async function cancelRequest(reason: string) {
  const sm = await h.t.db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', '=', 'sales_manager@demo.local')
    .executeTakeFirstOrThrow();
  return {
    reason,
    cancelledBy: { userId: sm.id, email: sm.email, role: 'sales_manager' as const },
    at: new Date().toISOString(),
  };
}

beforeAll(async () => {
  h = await startOrderHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** Finance proposes the refund with no charges, the manager approves it, finance pays it out (money was paid). */
async function refundAll(orderId: string) {
  await h.act(orderId, K.refund, 'propose', { materialsPurchasedFen: 0, toolingFen: 0 }, 'finance@demo.local');
  await h.act(orderId, K.moneyApproval, 'approve', {}, 'manager@demo.local');
  await h.act(
    orderId,
    K.refundPayout,
    'paid',
    { paidOutOn: daysFromToday(0), bankReference: 'BOC-REFUND' },
    'finance@demo.local',
  );
}

/** Contract signed and approved (and the deposit paid in full when `deposit` is given). */
async function throughContract(orderId: string, deposit?: number) {
  await h.act(orderId, K.contractSignature, 'sign', {}, CUSTOMER);
  await h.act(orderId, K.contractApproval, 'approve', { comment: 'terms fine' }, 'sales_manager@demo.local');
  if (deposit)
    await h.act(
      orderId,
      K.payment,
      'record',
      { amountFen: deposit, currency: 'USD', reference: `DEP-${orderId.slice(0, 6)}` },
      'finance@demo.local',
    );
}

/** Kitting from stock, stencil, program, reflow profile, line slot. */
async function throughPreparation(orderId: string) {
  await h.act(orderId, K.kitting, 'report', STOCK_KIT, 'production@demo.local');
  await h.act(orderId, K.stencil, 'ready', { stencilId: 'ST-1' }, 'production@demo.local');
  await h.act(orderId, K.program, 'ready', {}, 'engineer@demo.local');
  await h.act(
    orderId,
    K.reflowProfile,
    'ready',
    { profileName: 'SAC305-8zone', furnaceBoard: 'FTB-12' },
    'engineer@demo.local',
  );
  await h.act(orderId, K.lineSlot, 'booked', { line: 'SMT-2', startsOn: daysFromToday(2) }, 'production@demo.local');
}

async function throughProofingAndBuild(orderId: string, quantity: number) {
  await h.act(orderId, K.buildSamples, 'built', { sampleCount: 2 }, 'production@demo.local');
  await h.act(orderId, K.sampleApproval, 'approve', {}, CUSTOMER);
  await h.act(orderId, K.progress, 'report', { step: 'smt_top', quantityDone: quantity }, 'production@demo.local');
  await h.act(orderId, K.progress, 'report', { step: 'assembly', quantityDone: quantity }, 'production@demo.local');
}

test('a prepay order goes from contract to delivery: proofing rejected then approved, a lot failing twice then passing, partial payments', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId, { quantity: 10, totalFen: 100_000 });
  const { orderId } = input;
  await throughContract(orderId, 30_000);
  await throughPreparation(orderId);

  // Proofing: rejected with comments, rebuilt, approved.
  await h.act(orderId, K.buildSamples, 'built', { sampleCount: 2 }, 'production@demo.local');
  await h.act(orderId, K.sampleApproval, 'reject', { comment: 'U3 rotated 90°' }, CUSTOMER);
  const rebuild = await h.openTask(orderId, K.buildSamples);
  expect(rebuild.step).toBe('proofing:build:2');
  await h.complete(rebuild, 'built', { sampleCount: 2 }, 'production@demo.local');
  await h.act(orderId, K.sampleApproval, 'approve', { comment: 'good' }, CUSTOMER);

  // Volume production, reported by the floor, visible in the query.
  await h.act(orderId, K.progress, 'report', { step: 'smt_top', quantityDone: 6 }, 'production@demo.local');
  await eventually(async () =>
    expect((await handle.query(orderStateQuery)).progress).toEqual([{ step: 'smt_top', quantityDone: 6 }]),
  );
  await h.act(orderId, K.progress, 'report', { step: 'smt_top', quantityDone: 10 }, 'production@demo.local');
  await h.act(orderId, K.progress, 'report', { step: 'assembly', quantityDone: 10 }, 'production@demo.local');

  // QC: 8 pass, 2 fail → rework → 1 pass, 1 fails again → rework → passes: 100 %.
  await h.act(
    orderId,
    K.inspection,
    'record',
    {
      lotIndex: 1,
      kind: 'aoi',
      passedCount: 8,
      failedUnits: [
        { serial: 'S1', defects: [{ code: 'BRIDGE', designator: 'U3' }] },
        { serial: 'S2', defects: [{ code: 'TOMBSTONE', designator: 'C7' }] },
      ],
    },
    'qa@demo.local',
  );
  await h.act(orderId, K.rework, 'reworked', {}, 'production@demo.local');
  await h.act(
    orderId,
    K.inspection,
    'record',
    {
      lotIndex: 1,
      kind: 'aoi',
      passedCount: 1,
      failedUnits: [{ serial: 'S2', defects: [{ code: 'TOMBSTONE', designator: 'C7' }] }],
    },
    'qa@demo.local',
  );
  await h.act(orderId, K.rework, 'reworked', {}, 'production@demo.local');
  await h.act(
    orderId,
    K.inspection,
    'record',
    { lotIndex: 1, kind: 'functional', passedCount: 1, failedUnits: [] },
    'qa@demo.local',
  );

  // Payment before shipment: 70 000 balance paid in two parts.
  const firstPayment = await h.openTask(orderId, K.payment);
  expect(firstPayment.step).toBe('payment:balance:1');
  // The task row is written before the workflow hears its activity returned and enters the stage: wait for both.
  const state = await eventually(async () => {
    const view = await handle.query(orderStateQuery);
    expect(view.stage).toBe('payment');
    return view;
  });
  expect(state.lots).toEqual([
    expect.objectContaining({
      lotIndex: 1,
      status: 'passed',
      rounds: 3,
      passedUnits: 10,
      reworkCount: 3,
      scrappedUnits: 0,
      firstPassYield: 0.8,
    }),
  ]);
  await h.complete(
    firstPayment,
    'record',
    { amountFen: 40_000, currency: 'USD', reference: 'TT-1' },
    'finance@demo.local',
  );
  const second = await h.openTask(orderId, K.payment);
  expect(second.step).toBe('payment:balance:2');
  // What is still outstanding, as money.
  expect([firstPayment.title, second.title]).toEqual([
    'Record the balance payment (USD 700.00 outstanding)',
    'Record the balance payment (USD 300.00 outstanding)',
  ]);
  expect((await handle.query(orderStateQuery)).payment).toMatchObject({
    paidFen: 70_000,
    outstandingFen: 30_000,
    depositPaid: true,
  });
  await h.complete(second, 'record', { amountFen: 30_000, currency: 'USD', reference: 'TT-2' }, 'finance@demo.local');

  // Shipment: carrier booked (deterministic tracking number), delivery confirmed.
  await h.act(orderId, K.shipmentBooking, 'book', { carrier: 'DHL Express' }, 'warehouse@demo.local');
  await h.act(orderId, K.delivery, 'delivered', { deliveredOn: '2026-12-20' }, 'warehouse@demo.local');
  expect(await handle.result()).toEqual({ orderId, status: 'delivered' });

  const order = await ordersRepo.getOrder(h.t.db, orderId);
  expect(order?.status).toBe('delivered');
  const invoices = await ordersRepo.listInvoices(h.t.db, { orderId });
  expect(invoices.map((i) => [i.kind, Number(i.amount_fen), i.status])).toEqual([
    ['deposit', 30_000, 'paid'],
    ['balance', 70_000, 'paid'],
  ]);
  const [shipment] = await ordersRepo.listShipments(h.t.db, { orderId });
  expect(shipment).toMatchObject({
    status: 'delivered',
    carrier: 'DHL Express',
    tracking_number: simulatedTrackingNumber('DHL Express', `order:${input.quoteId}:shipment:book`),
  });
  const po = await productionRepo.getProductionOrderByOrder(h.t.db, orderId);
  expect(po).toMatchObject({ produced_quantity: 10, line_slot: `SMT-2 from ${daysFromToday(2)}` });
  expect(po?.samples_approved_at).toBeInstanceOf(Date);
  const [lot] = await productionRepo.listLots(h.t.db, po!.id);
  expect(lot.status).toBe('passed');
  expect(lot.packed_at).toBeInstanceOf(Date);
  const inspections = await productionRepo.listInspections(h.t.db, lot.id);
  expect(inspections.map((i) => [i.round, i.passed_count, i.failed_count])).toEqual([
    [1, 8, 2],
    [2, 1, 1],
    [3, 1, 0],
  ]);
  expect((await productionRepo.listRework(h.t.db, lot.id)).map((r) => [r.unit_serial, r.attempt, r.result])).toEqual([
    ['S1', 1, 'pass'],
    ['S2', 1, 'fail'],
    ['S2', 2, 'pass'],
  ]);
  // Decisions: who decided what, when.
  const decisions = (await handle.query(orderStateQuery)).decisions;
  expect(decisions.find((d) => d.step === 'proofing:approve:1')).toMatchObject({
    decision: 'reject',
    comment: 'U3 rotated 90°',
    by: { email: CUSTOMER, role: 'customer' },
  });
  expect(decisions.find((d) => d.step === 'contract:approve')).toMatchObject({
    decision: 'approve',
    by: { email: 'sales_manager@demo.local' },
  });
  expect((await h.mailTo(CUSTOMER)).map((m) => m.subject)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^Order (SO-\w+) shipped \/ 订单 \1 已发货$/)]),
  );
  // Search attributes follow the stage.
  const description = await handle.describe();
  expect(description.searchAttributes).toMatchObject({
    OrderId: [orderId],
    CustomerId: [h.prepayCustomerId],
    Stage: ['delivered'],
  });
}, 120_000);

test('every waiting stage, contract to payment, shows only once its tasks are open: whoever reads the stage can act at once', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId, { quantity: 2, totalFen: 10_000 });
  const { orderId } = input;
  /**
   * Reads the stage (query, then status column) until the column shows `waiting`; at every reading that shows it,
   * the tasks of `kinds` are already open (in the query and in the tasks table).
   */
  async function readUntil(waiting: OrderStage, ...kinds: string[]): Promise<void> {
    for (let readings = 0; ; readings++) {
      const state = await handle.query(orderStateQuery);
      if (state.stage === waiting)
        for (const kind of kinds)
          expect([kind, state.openTasks.filter((t) => t.kind === kind && t.taskId !== null).length]).toEqual([kind, 1]);
      const order = await ordersRepo.getOrder(h.t.db, orderId);
      if (order?.status === waiting) {
        for (const kind of kinds) {
          const open = await tasksRepo.listTasks(h.t.db, { caseType: 'order', caseId: orderId, kind, status: 'open' });
          expect([kind, open.length]).toEqual([kind, 1]);
        }
        return;
      }
      if (readings > 2_000) throw new Error(`the order never read ${waiting}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await readUntil('contract', K.contractSignature);
  await h.act(orderId, K.contractSignature, 'sign', {}, CUSTOMER);
  await h.act(orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');
  await readUntil('deposit', K.payment);
  await h.act(
    orderId,
    K.payment,
    'record',
    { amountFen: 3_000, currency: 'USD', reference: 'DEP' },
    'finance@demo.local',
  );
  await readUntil('kitting', K.kitting);
  await h.act(orderId, K.kitting, 'report', STOCK_KIT, 'production@demo.local');
  await readUntil('preparation', K.stencil, K.program, K.reflowProfile);
  await h.act(orderId, K.stencil, 'ready', { stencilId: 'ST-1' }, 'production@demo.local');
  await h.act(orderId, K.program, 'ready', {}, 'engineer@demo.local');
  await h.act(
    orderId,
    K.reflowProfile,
    'ready',
    { profileName: 'SAC305-8zone', furnaceBoard: 'FTB-12' },
    'engineer@demo.local',
  );
  await readUntil('line_slot', K.lineSlot);
  await h.act(orderId, K.lineSlot, 'booked', { line: 'SMT-2', startsOn: daysFromToday(2) }, 'production@demo.local');
  await readUntil('proofing', K.buildSamples);
  await h.act(orderId, K.buildSamples, 'built', { sampleCount: 2 }, 'production@demo.local');
  await h.act(orderId, K.sampleApproval, 'approve', {}, CUSTOMER);
  await readUntil('volume_production', K.progress);
  await h.act(orderId, K.progress, 'report', { step: 'smt_top', quantityDone: 2 }, 'production@demo.local');
  await h.act(orderId, K.progress, 'report', { step: 'assembly', quantityDone: 2 }, 'production@demo.local');
  await readUntil('qc', K.inspection);
  await h.act(
    orderId,
    K.inspection,
    'record',
    { lotIndex: 1, kind: 'aoi', passedCount: 2, failedUnits: [] },
    'qa@demo.local',
  );
  await readUntil('payment', K.payment);
  await h.act(
    orderId,
    K.payment,
    'record',
    { amountFen: 7_000, currency: 'USD', reference: 'BAL' },
    'finance@demo.local',
  );
  await h.act(orderId, K.shipmentBooking, 'book', { carrier: 'SF Express' }, 'warehouse@demo.local');
  await h.act(orderId, K.delivery, 'delivered', {}, 'warehouse@demo.local');
  expect(await handle.result()).toEqual({ orderId, status: 'delivered' });
  // The stage moves were recorded after their tasks were opened, each stage once, in the factory's order.
  const stages = (await auditRepo.listAudit(h.t.db, 'order', orderId)).filter((e) => e.action === 'order.stage');
  const tasks = await tasksRepo.listTasks(h.t.db, { caseType: 'order', caseId: orderId });
  // The order was created `opening`, not at a stage whose task did not exist yet.
  expect(stages[0]).toMatchObject({ before: { stage: 'opening' }, after: { stage: 'contract' } });
  expect(stages.map((e) => (e.after as { stage: string }).stage)).toEqual([
    'contract',
    'deposit',
    'kitting',
    'preparation',
    'line_slot',
    'proofing',
    'volume_production',
    'qc',
    'payment',
    'shipment',
    'delivered',
  ]);
  for (const [stage, step] of [
    ['contract', 'contract:sign'],
    ['deposit', 'payment:deposit:1'],
    ['kitting', 'kitting:1'],
    ['preparation', 'stencil'],
    ['preparation', 'program'],
    ['preparation', 'reflow_profile'],
    ['line_slot', 'line_slot'],
    ['proofing', 'proofing:build:1'],
    ['volume_production', 'progress:1'],
    ['qc', 'lot:1:inspect:1'],
    ['payment', 'payment:balance:1'],
  ]) {
    const entered = stages.find((e) => (e.after as { stage: string }).stage === stage);
    const task = tasks.find((t) => t.step === step);
    expect([stage, step, entered!.at.getTime() >= task!.createdAt.getTime()]).toEqual([stage, step, true]);
  }
}, 120_000);

test('contract unsigned: the customer is reminded at 2 and 4 days, the sales manager escalated to at 5 days; an unpaid deposit escalates to the finance manager after 7 days', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId, { totalFen: 50_000 });
  const { orderId } = input;
  const sign = await h.openTask(orderId, K.contractSignature);
  await h.env.sleep('5d');
  await eventually(async () => expect((await ordersRepo.getOrder(h.t.db, orderId))?.status).toBe('contract'));
  const signKeys = async () =>
    (await h.mailTo(CUSTOMER))
      .map((m) => m.idempotency_key)
      .filter((k) => k.startsWith(`order:${input.quoteId}:contract:sign:`));
  await eventually(async () =>
    expect((await signKeys()).sort()).toEqual([
      `order:${input.quoteId}:contract:sign:reminder-2:${CUSTOMER}`,
      `order:${input.quoteId}:contract:sign:reminder:${CUSTOMER}`,
    ]),
  );
  // The customer's reminder reads in English and Chinese, the deadline in the factory's zone.
  const signReminder = (await h.mailTo(CUSTOMER)).find((m) => m.idempotency_key.includes(':contract:sign:reminder:'));
  expect(signReminder?.subject).toMatch(
    /^Reminder: Sign the commission agreement \(order \S+\) \/ 任务提醒：订单 \S+$/,
  );
  expect(signReminder?.text_body).toMatch(
    /is waiting for the customer role\.\nIt is due at \d{4}-\d\d-\d\d \d\d:\d\d GMT\+8\./,
  );
  expect(signReminder?.text_body).toMatch(
    /的任务“Sign the commission agreement”正等待客户处理。\n截止时间：.+（北京时间）。/,
  );
  // The 5-day escalation fires at the very end of the sleep: wait for its mail rather than race it.
  await eventually(async () =>
    expect((await h.mailTo('sales_manager@demo.local')).map((m) => m.idempotency_key)).toContain(
      `order:${input.quoteId}:contract:sign:escalation:sales_manager@demo.local`,
    ),
  );
  await h.complete(sign, 'sign', {}, CUSTOMER);
  await h.act(orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');

  const deposit = await h.openTask(orderId, K.payment);
  expect(deposit.step).toBe('payment:deposit:1');
  expect(deposit.title).toBe('Record the deposit payment (USD 150.00 outstanding)');
  await h.env.sleep('6d');
  // Three reminders to the customer (days 2, 4, 6); the finance manager not yet.
  const reminders = await eventually(async () => {
    const sent = (await h.mailTo(CUSTOMER)).filter((m) => m.idempotency_key.includes(':payment:deposit:reminder:'));
    expect(sent).toHaveLength(3);
    return sent;
  });
  // The customer's mails about the money read in English and Chinese, amounts in the order's currency.
  const customerMail = await h.mailTo(CUSTOMER);
  const mailWith = (key: string) =>
    customerMail.find((m) => m.idempotency_key.startsWith(`order:${input.quoteId}:${key}:`));
  expect(mailWith('contract:issued')).toMatchObject({
    subject: expect.stringMatching(/^Commission agreement for order (SO-\S+) \/ 订单 \1 的委托加工协议$/),
    text_body: expect.stringContaining('a deposit of USD 150.00 is due once it is approved.'),
  });
  expect(mailWith('contract:issued')?.text_body).toContain('协议批准后须支付定金 150.00 美元。');
  expect(mailWith('invoice:deposit')).toMatchObject({
    subject: expect.stringMatching(/^Invoice (SO-\S+-DEPOSIT) \/ 发票 \1$/),
    text_body: expect.stringContaining('(deposit) for USD 150.00 is due.'),
  });
  expect(mailWith('invoice:deposit')?.text_body).toContain('（定金）金额 150.00 美元');
  for (const reminder of reminders) {
    expect(reminder.subject).toMatch(/^Payment reminder: invoice (\S+) \/ 付款提醒：发票 \1$/);
    expect(reminder.text_body).toContain('still has USD 150.00 outstanding.');
    expect(reminder.text_body).toContain('尚有 150.00 美元 未付');
  }
  const escalationKey = `order:${input.quoteId}:payment:deposit:1:escalation:manager@demo.local`;
  expect((await h.mailTo('manager@demo.local')).map((m) => m.idempotency_key)).not.toContain(escalationKey);
  await h.env.sleep('1d');
  await eventually(async () =>
    expect((await h.mailTo('manager@demo.local')).map((m) => m.idempotency_key)).toContain(escalationKey),
  );
  // The mail is written inside the activity; the workflow marks the wait escalated once the activity returns.
  await eventually(async () => {
    const view = await handle.query(orderStateQuery);
    expect(view.stage).toBe('deposit');
    expect(view.openTasks).toEqual([
      expect.objectContaining({ step: 'payment:deposit:1', role: 'finance', escalated: true, taskId: deposit.id }),
    ]);
  });
  // A partial payment after the escalation: the next task does not escalate again.
  await h.complete(
    deposit,
    'record',
    { amountFen: 10_000, currency: 'USD', reference: 'PART-1' },
    'finance@demo.local',
  );
  const rest = await h.openTask(orderId, K.payment);
  expect(rest.step).toBe('payment:deposit:2');
  expect(rest.title).toBe('Record the deposit payment (USD 50.00 outstanding)');
  expect(rest.escalateAt).toBeNull();
  await handle.signal(cancelOrderSignal, await cancelRequest('test over'));
  await refundAll(orderId);
  expect(await handle.result()).toEqual({ orderId, status: 'cancelled' });
}, 120_000);

test('a floor step unanswered: production is reminded every day, at most 5 times, and the manager escalated to once at 3 days', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId, { totalFen: 100_000 });
  const { orderId } = input;
  await throughContract(orderId, 30_000);
  const kitting = await h.openTask(orderId, K.kitting);
  const prefix = `${productionWorkflowId(input.quoteId)}:kitting:1:`;
  const keysTo = async (email: string) =>
    (await h.mailTo(email)).map((m) => m.idempotency_key).filter((k) => k.startsWith(prefix));
  await h.env.sleep('2d');
  await eventually(async () => expect(await keysTo('production@demo.local')).toHaveLength(2));
  expect(await keysTo('manager@demo.local')).toEqual([]);
  await h.env.sleep('8d');
  await eventually(async () => expect(await keysTo('production@demo.local')).toHaveLength(5));
  expect(await keysTo('manager@demo.local')).toEqual([`${prefix}escalation:manager@demo.local`]);
  expect((await handle.query(orderStateQuery)).openTasks).toEqual([
    expect.objectContaining({ step: 'kitting:1', taskId: kitting.id, reminded: true, escalated: true }),
  ]);
  await handle.signal(cancelOrderSignal, await cancelRequest('test over'));
  await refundAll(orderId);
  expect(await handle.result()).toEqual({ orderId, status: 'cancelled' });
}, 120_000);

test('an order started before the money rename (totalMinor in its input, amountMinor / materialsPurchasedMinor in its signals) runs as one started after it', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId, { totalFen: 100_000, oldMoneyNames: true });
  const { orderId } = input;
  await h.act(orderId, K.contractSignature, 'sign', {}, CUSTOMER);
  await h.act(orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');
  // The deposit is 30 % of the total given as totalMinor.
  const deposit = await h.openTask(orderId, K.payment);
  expect(deposit.payload).toMatchObject({ outstandingFen: 30_000 });
  await h.complete(
    deposit,
    'record',
    { amountMinor: 30_000, currency: 'USD', reference: 'OLD-1' },
    'finance@demo.local',
  );
  await h.openTask(orderId, K.kitting);
  expect((await handle.query(orderStateQuery)).payment).toMatchObject({
    depositFen: 30_000,
    paidFen: 30_000,
    outstandingFen: 0,
    depositPaid: true,
  });

  await handle.signal(cancelOrderSignal, await cancelRequest('customer project stopped'));
  const prepare = await h.openTask(orderId, K.refund);
  await h.complete(prepare, 'propose', { materialsPurchasedMinor: 2_500, toolingMinor: 500 }, 'finance@demo.local');
  const approval = await h.openTask(orderId, K.moneyApproval);
  expect(approval.payload).toMatchObject({ amountFen: 27_000, retainedFen: 3_000 });
  await h.complete(approval, 'approve', {}, 'manager@demo.local');
  const payout = await h.openTask(orderId, K.refundPayout);
  expect(payout.payload).toMatchObject({ amountFen: 27_000 });
  expect((await handle.query(orderStateQuery)).refund).toMatchObject({
    status: 'approved',
    paidFen: 30_000,
    refundFen: 27_000,
    retainedFen: 3_000,
  });
  await h.complete(payout, 'paid', { paidOutOn: daysFromToday(0), bankReference: 'BOC-OLD' }, 'finance@demo.local');
  expect(await handle.result()).toEqual({ orderId, status: 'cancelled' });
  const state = await handle.query(orderStateQuery);
  // Queries and task payloads say only the new names.
  expect(JSON.stringify(state)).not.toMatch(/Minor"/);
  expect((await ordersRepo.getOrder(h.t.db, orderId))?.total_fen).toBe(100_000);
});

test('the sales manager cancels mid-production: line slot and materials released, deposit invoice kept for refund, tasks closed', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId, { totalFen: 100_000 });
  const { orderId } = input;
  await throughContract(orderId, 30_000);
  await throughPreparation(orderId);
  const samples = await h.openTask(orderId, K.buildSamples);
  // The stage follows its open task (the child enters it, then tells the order).
  await eventually(async () => expect((await handle.query(orderStateQuery)).stage).toBe('proofing'));
  await eventually(async () => expect((await ordersRepo.getOrder(h.t.db, orderId))?.status).toBe('proofing'));

  await handle.signal(cancelOrderSignal, await cancelRequest('customer project stopped'));
  // Money was paid: finance works out the refund (parts already bought are retained), a second person approves.
  const prepare = await h.openTask(orderId, K.refund);
  expect(prepare).toMatchObject({
    role: 'finance',
    step: 'refund:prepare',
    payload: expect.objectContaining({ paidFen: 30_000, reason: 'customer project stopped' }),
  });
  await eventually(async () =>
    expect((await handle.query(orderStateQuery)).refund).toMatchObject({ status: 'preparing', paidFen: 30_000 }),
  );
  await h.complete(prepare, 'propose', { materialsPurchasedFen: 8_000, toolingFen: 0 }, 'finance@demo.local');
  const finance = await h.t.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'finance@demo.local')
    .executeTakeFirstOrThrow();
  const firstApproval = await h.openTask(orderId, K.moneyApproval);
  expect(firstApproval).toMatchObject({
    role: 'finance',
    // Amounts in titles read as money, in the order's currency.
    title: 'Approve the refund of USD 220.00 (USD 80.00 retained)',
    payload: expect.objectContaining({
      what: 'refund',
      amountFen: 22_000,
      retainedFen: 8_000,
      requestedByUserId: finance.id,
    }),
  });
  // Refused: finance works it out again; the second proposal is approved by the manager.
  await h.complete(firstApproval, 'reject', { comment: 'the parts can be returned' }, 'manager@demo.local');
  const again = await h.openTask(orderId, K.refund);
  expect(again.step).toBe('refund:prepare:2');
  await h.complete(again, 'propose', { materialsPurchasedFen: 0, toolingFen: 2_500 }, 'finance@demo.local');
  const approval = await h.act(orderId, K.moneyApproval, 'approve', {}, 'manager@demo.local');
  // Approved: finance pays it out and records when and under which bank reference. Four eyes: the task names the
  // approver, whom the task API refuses (the preparer may record it).
  const payout = await h.openTask(orderId, K.refundPayout);
  const manager = await h.t.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'manager@demo.local')
    .executeTakeFirstOrThrow();
  expect(approval.title).toBe('Approve the refund of USD 275.00 (USD 25.00 retained)');
  expect(payout).toMatchObject({
    role: 'finance',
    step: 'refund:pay',
    title: 'Pay out the approved refund of USD 275.00 and record it',
    payload: expect.objectContaining({
      amountFen: 27_500,
      currency: 'USD',
      approvedBy: 'manager@demo.local',
      requestedByUserId: manager.id,
      requesterDid: 'approved this refund',
    }),
  });
  expect((await handle.query(orderStateQuery)).refund).toMatchObject({ status: 'approved', refundFen: 27_500 });
  const paidOutOn = daysFromToday(-1);
  await h.complete(payout, 'paid', { paidOutOn, bankReference: 'BOC-20261130-0042' }, 'finance@demo.local');
  expect(await handle.result()).toEqual({ orderId, status: 'cancelled' });
  expect((await handle.query(orderStateQuery)).refund).toEqual({
    status: 'paid',
    paidFen: 30_000,
    refundFen: 27_500,
    retainedFen: 2_500,
    currency: 'USD',
    paidOutOn,
  });
  const paidOut = await h.t.db
    .selectFrom('audit_log')
    .select(['after', 'actor_role'])
    .where('entity_id', '=', orderId)
    .where('action', '=', 'order.refund_paid')
    .executeTakeFirstOrThrow();
  expect(paidOut).toMatchObject({
    actor_role: 'finance',
    after: {
      refundFen: 27_500,
      currency: 'USD',
      paidOutOn,
      bankReference: 'BOC-20261130-0042',
      paidBy: { userId: finance.id, role: 'finance' },
      approvedBy: { userId: manager.id, role: 'manager' },
    },
  });
  const refunded = await h.t.db
    .selectFrom('audit_log')
    .select(['after', 'actor_role'])
    .where('entity_id', '=', orderId)
    .where('action', '=', 'order.refund_approved')
    .executeTakeFirstOrThrow();
  expect(refunded).toMatchObject({
    actor_role: 'manager',
    after: {
      refundFen: 27_500,
      retainedFen: 2_500,
      preparedBy: { role: 'finance' },
      approvedBy: { role: 'manager' },
    },
  });
  const customerMail = await h.t.db
    .selectFrom('outbox')
    .select(['subject', 'text_body'])
    .where('to_address', '=', CUSTOMER)
    .where('idempotency_key', 'like', `%${input.quoteId}%`)
    .execute();
  // Every email to the customer reads in English and Chinese, with the amounts as money in the order's currency.
  const cancelledMail = customerMail.find((m) => / cancelled \/ /.test(m.subject));
  expect(cancelledMail?.subject).toMatch(/^Order SO-\S+ cancelled \/ 订单 SO-\S+ 已取消$/);
  expect(cancelledMail?.text_body).toContain(
    'was cancelled: customer project stopped. You have paid USD 300.00: our finance department is working out the refund',
  );
  expect(cancelledMail?.text_body).toContain(
    '已取消，原因：customer project stopped。您已支付 300.00 美元：我司财务部正在核算退款',
  );
  const approvedMail = customerMail.find((m) => /^Refund for cancelled order \S+: /.test(m.subject));
  expect(approvedMail?.subject).toMatch(/: USD 275\.00 \/ 已取消订单 SO-\S+ 的退款：275\.00 美元$/);
  expect(approvedMail?.text_body).toContain(
    'after you paid USD 300.00. We refund USD 275.00 to the account you paid from. We retain USD 25.00 for tooling already made',
  );
  expect(approvedMail?.text_body).toContain(
    '在您支付 300.00 美元 后取消。我们将退还 275.00 美元 至您的付款账户。按合同约定，我们保留 25.00 美元，用于已制作的工装（钢网、程序）。',
  );
  // The payout, in English and Chinese: amount, day and the bank reference to trace it by.
  const paidMail = customerMail.find((m) => / paid \/ /.test(m.subject));
  expect(paidMail?.subject).toMatch(/退款已支付/);
  expect(paidMail?.text_body).toContain(`We paid the refund of USD 275.00`);
  expect(paidMail?.text_body).toContain(
    `on ${paidOutOn} to the account you paid from (bank reference BOC-20261130-0042)`,
  );
  expect(paidMail?.text_body).toContain(
    `退款 275.00 美元 已于 ${paidOutOn} 退回您的付款账户（银行流水号 BOC-20261130-0042）`,
  );

  const view = await handle.query(orderStateQuery);
  expect(view.stage).toBe('cancelled');
  expect(view.cancelled).toMatchObject({
    reason: 'customer project stopped',
    by: 'sales_manager@demo.local',
    compensations: ['release_line_slot', 'release_materials', 'keep_paid_deposit_invoice', 'close_tasks'],
  });
  expect(view.openTasks).toEqual([]);
  const timeline = (
    await h.t.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'order')
      .where('entity_id', '=', orderId)
      .orderBy('id')
      .execute()
  ).map((r) => r.action);
  // The production child undid its own steps newest first, then the order closed tasks and recorded the cancellation.
  const tail = timeline.filter((a) =>
    ['production.line_slot_released', 'materials.released', 'tasks.closed', 'order.cancelled'].includes(a),
  );
  expect(tail).toEqual(['production.line_slot_released', 'materials.released', 'tasks.closed', 'order.cancelled']);
  expect(
    (await h.t.db.selectFrom('tasks').select('status').where('id', '=', samples.id).executeTakeFirstOrThrow()).status,
  ).toBe('cancelled');
  const po = await productionRepo.getProductionOrderByOrder(h.t.db, orderId);
  expect(po).toMatchObject({ line_slot: null, materials_ready_at: null, status: 'materials_released' });
  // The deposit was paid: not voided, refunded by finance (the plan says how much).
  const [deposit] = await ordersRepo.listInvoices(h.t.db, { orderId });
  expect(deposit).toMatchObject({ kind: 'deposit', status: 'paid' });
  const cancelledEntry = await h.t.db
    .selectFrom('audit_log')
    .select('after')
    .where('entity_id', '=', orderId)
    .where('action', '=', 'order.cancelled')
    .executeTakeFirstOrThrow();
  expect(cancelledEntry.after).toMatchObject({ refundFen: 30_000 });
  const production = await h.env.client.workflow.getHandle(productionWorkflowId(input.quoteId)).describe();
  expect(production.status.name).toBe('CANCELLED');
  expect((await h.mailTo(CUSTOMER)).map((m) => m.subject)).toEqual(
    expect.arrayContaining([expect.stringMatching(/ cancelled \/ 订单 \S+ 已取消$/)]),
  );
}, 120_000);

test('cancelling while the balance is unpaid voids the balance invoice', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId, {
    totalFen: 10_000,
    settings: { prepayDepositPercent: 0 },
  });
  const { orderId } = input;
  await throughContract(orderId);
  await throughPreparation(orderId);
  await throughProofingAndBuild(orderId, 10);
  await h.act(
    orderId,
    K.inspection,
    'record',
    { lotIndex: 1, kind: 'aoi', passedCount: 10, failedUnits: [] },
    'qa@demo.local',
  );
  await h.openTask(orderId, K.payment);
  await handle.signal(cancelOrderSignal, await cancelRequest('no payment'));
  expect(await handle.result()).toEqual({ orderId, status: 'cancelled' });
  expect((await ordersRepo.listInvoices(h.t.db, { orderId })).map((i) => [i.kind, i.status])).toEqual([
    ['balance', 'void'],
  ]);
  // Production had finished: the materials are in the boards, nothing of it is undone.
  expect((await handle.query(orderStateQuery)).cancelled?.compensations).toEqual([
    'void_balance_invoice',
    'close_tasks',
  ]);
}, 120_000);

test('a monthly-settlement customer within the credit limit ships on an approved statement entry, without a deposit', async () => {
  const buyer = 'buyer@monthly.test';
  const { handle, input } = await h.startOrder(h.monthlyCustomerId, { quantity: 4, totalFen: 80_000 });
  const { orderId } = input;
  await h.act(orderId, K.contractSignature, 'sign', {}, buyer);
  await h.act(orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');
  // No deposit for monthly settlement: production starts right away.
  await throughPreparation(orderId);
  await h.act(orderId, K.buildSamples, 'built', { sampleCount: 1 }, 'production@demo.local');
  await h.act(orderId, K.sampleApproval, 'approve', {}, buyer);
  await h.act(orderId, K.progress, 'report', { step: 'assembly', quantityDone: 4 }, 'production@demo.local');
  await h.act(
    orderId,
    K.inspection,
    'record',
    { lotIndex: 1, kind: 'aoi', passedCount: 4, failedUnits: [] },
    'qa@demo.local',
  );
  const entry = await h.openTask(orderId, K.statementEntry);
  expect(entry.payload).toMatchObject({ balanceFen: 80_000, headroomAfterFen: 5_000_000 - 80_000 });
  await h.complete(entry, 'approve', {}, 'finance@demo.local');
  // Four eyes: the entry waits for a second person before the goods ship on credit.
  const second = await h.openTask(orderId, K.moneyApproval);
  const finance = await h.t.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'finance@demo.local')
    .executeTakeFirstOrThrow();
  expect(second).toMatchObject({
    step: 'payment:statement:approve',
    title: 'Approve the statement entry of USD 800.00 (ship on credit)',
    payload: expect.objectContaining({ what: 'statement_entry', amountFen: 80_000, requestedByUserId: finance.id }),
  });
  expect((await handle.query(orderStateQuery)).payment.releasedOnCredit).toBe(false);
  await h.complete(second, 'approve', {}, 'manager@demo.local');
  await h.act(orderId, K.shipmentBooking, 'book', { carrier: 'SF Express' }, 'warehouse@demo.local');
  await h.act(orderId, K.delivery, 'delivered', {}, 'warehouse@demo.local');
  expect(await handle.result()).toEqual({ orderId, status: 'delivered' });
  expect((await handle.query(orderStateQuery)).payment).toMatchObject({
    terms: 'monthly',
    depositFen: 0,
    releasedOnCredit: true,
    released: true,
    paidFen: 0,
  });
  expect(
    (await ordersRepo.listInvoices(h.t.db, { orderId })).map((i) => [i.kind, Number(i.amount_fen), i.status]),
  ).toEqual([['statement', 80_000, 'open']]);
}, 120_000);

test('the customer declining the contract ends the order as cancelled with nothing left open', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId);
  await h.act(input.orderId, K.contractSignature, 'decline', { comment: 'found another supplier' }, CUSTOMER);
  expect(await handle.result()).toEqual({ orderId: input.orderId, status: 'cancelled' });
  expect((await handle.query(orderStateQuery)).cancelled).toMatchObject({
    reason: 'the customer declined the commission agreement',
    by: CUSTOMER,
  });
  expect((await ordersRepo.getOrder(h.t.db, input.orderId))?.status).toBe('cancelled');
  await expect(
    h.t.db.selectFrom('tasks').select('id').where('case_id', '=', input.orderId).where('status', '=', 'open').execute(),
  ).resolves.toEqual([]);
}, 60_000);

test('kitting waits out the purchase lead time, then asks again', async () => {
  const { handle, input } = await h.startOrder(h.monthlyCustomerId);
  const { orderId } = input;
  await h.act(orderId, K.contractSignature, 'sign', {}, 'buyer@monthly.test');
  await h.act(orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');
  await h.act(
    orderId,
    K.kitting,
    'report',
    { lines: [{ partNumber: 'STM32G0', quantity: 10, source: { kind: 'purchase', leadTimeDays: 12 } }] },
    'production@demo.local',
  );
  await eventually(async () => expect((await handle.query(orderStateQuery)).openTasks).toEqual([]));
  await h.env.sleep('12d');
  const second = await h.openTask(orderId, K.kitting);
  expect(second.step).toBe('kitting:2');
  expect(second.payload).toMatchObject({
    outstanding: [{ partNumber: 'STM32G0', reason: 'purchase', leadTimeDays: 12 }],
  });
  await handle.signal(cancelOrderSignal, await cancelRequest('test over'));
  await expect(handle.result()).resolves.toEqual({ orderId, status: 'cancelled' });
}, 60_000);

test('the sales manager rejecting the signed contract cancels the order', async () => {
  const { handle, input } = await h.startOrder(h.prepayCustomerId);
  await h.act(input.orderId, K.contractSignature, 'sign', {}, CUSTOMER);
  await h.act(input.orderId, K.contractApproval, 'reject', { comment: 'price too low' }, 'sales_manager@demo.local');
  expect(await handle.result()).toEqual({ orderId: input.orderId, status: 'cancelled' });
  const contract = await ordersRepo.getContractByOrder(h.t.db, input.orderId);
  expect(contract?.status).toBe('rejected');
  expect((await handle.query(orderStateQuery)).cancelled).toMatchObject({
    reason: 'the sales manager rejected the commission agreement',
    by: 'sales_manager@demo.local',
  });
}, 60_000);

test('two lots inspected side by side; a unit failing past the rework limit is scrapped and rebuilt', async () => {
  const { handle, input } = await h.startOrder(h.monthlyCustomerId, {
    quantity: 6,
    totalFen: 30_000,
    settings: { maxLotSize: 3, reworkLimit: 1 },
  });
  const { orderId } = input;
  await h.act(orderId, K.contractSignature, 'sign', {}, 'buyer@monthly.test');
  await h.act(orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');
  await throughPreparation(orderId);
  await h.act(orderId, K.buildSamples, 'built', { sampleCount: 1 }, 'production@demo.local');
  await h.act(orderId, K.sampleApproval, 'approve', {}, 'buyer@monthly.test');
  await h.act(orderId, K.progress, 'report', { step: 'assembly', quantityDone: 6 }, 'production@demo.local');
  const lot = (n: number) => (task: { payload: Record<string, unknown> }) => task.payload.lotIndex === n;
  // Lot 2 passes at once; lot 1's unit X1 fails, is reworked once (the limit), fails again: scrapped, rebuilt, passes.
  await h.complete(
    await h.openTask(orderId, K.inspection, lot(2)),
    'record',
    { lotIndex: 2, kind: 'aoi', passedCount: 3, failedUnits: [] },
    'qa@demo.local',
  );
  await h.complete(
    await h.openTask(orderId, K.inspection, lot(1)),
    'record',
    {
      lotIndex: 1,
      kind: 'aoi',
      passedCount: 2,
      failedUnits: [{ serial: 'X1', defects: [{ code: 'VOID', designator: 'U2' }] }],
    },
    'qa@demo.local',
  );
  await h.act(orderId, K.rework, 'reworked', {}, 'production@demo.local');
  await h.complete(
    await h.openTask(orderId, K.inspection, lot(1)),
    'record',
    {
      lotIndex: 1,
      kind: 'xray',
      passedCount: 0,
      failedUnits: [{ serial: 'X1', defects: [{ code: 'VOID', designator: 'U2' }] }],
    },
    'qa@demo.local',
  );
  const rebuild = await h.openTask(orderId, K.rework);
  expect(rebuild.payload).toMatchObject({ rework: [], rebuild: 1 });
  await h.complete(rebuild, 'reworked', {}, 'production@demo.local');
  const last = await h.openTask(orderId, K.inspection, lot(1));
  expect(last.payload).toMatchObject({ unitsToInspect: 1, round: 3 });
  await h.complete(
    last,
    'record',
    { lotIndex: 1, kind: 'functional', passedCount: 1, failedUnits: [] },
    'qa@demo.local',
  );
  await h.openTask(orderId, K.statementEntry);
  const view = await handle.query(orderStateQuery);
  expect(view.lots).toEqual([
    expect.objectContaining({
      lotIndex: 1,
      quantity: 3,
      status: 'passed',
      rounds: 3,
      reworkCount: 1,
      scrappedUnits: 1,
      firstPassYield: 0.6667,
    }),
    expect.objectContaining({
      lotIndex: 2,
      quantity: 3,
      status: 'passed',
      rounds: 1,
      reworkCount: 0,
      scrappedUnits: 0,
      firstPassYield: 1,
    }),
  ]);
  const po = await productionRepo.getProductionOrderByOrder(h.t.db, orderId);
  const lots = await productionRepo.listLots(h.t.db, po!.id);
  expect(lots.map((l) => [l.lot_number.slice(-3), l.quantity, l.status])).toEqual([
    ['-L1', 3, 'passed'],
    ['-L2', 3, 'passed'],
  ]);
  expect(
    (await productionRepo.listRework(h.t.db, lots[0].id)).map((r) => [r.unit_serial, r.attempt, r.result]),
  ).toEqual([
    ['X1', 1, 'fail'],
    ['X1', 2, 'scrap'],
  ]);
  await handle.signal(cancelOrderSignal, await cancelRequest('test over'));
  await handle.result();
}, 120_000);

test('a monthly-settlement customer over the credit limit pays first; a refused statement entry also means paying first', async () => {
  // Another open statement leaves 10 000 of the 5 000 000 limit (other tests' statements count too).
  const exposure = await openExposureFen(h.t.db, h.monthlyCustomerId, '00000000-0000-0000-0000-000000000000');
  await h.t.db
    .insertInto('invoices')
    .values({
      number: `STMT-${Date.now()}`,
      customer_id: h.monthlyCustomerId,
      kind: 'statement',
      amount_fen: 5_000_000 - exposure - 10_000,
      currency: 'USD',
    })
    .execute();
  const within = await h.startOrder(h.monthlyCustomerId, { quantity: 2, totalFen: 5_000 });
  const over = await h.startOrder(h.monthlyCustomerId, { quantity: 2, totalFen: 20_000 });
  for (const { input } of [over, within]) {
    await h.act(input.orderId, K.contractSignature, 'sign', {}, 'buyer@monthly.test');
    await h.act(input.orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');
    await throughPreparation(input.orderId);
    await throughProofingAndBuild(input.orderId, 2);
  }
  // Within the credit: finance is asked for a statement entry, refuses it, so the balance is invoiced.
  await h.act(
    within.input.orderId,
    K.inspection,
    'record',
    { lotIndex: 1, kind: 'aoi', passedCount: 2, failedUnits: [] },
    'qa@demo.local',
  );
  await h.act(
    within.input.orderId,
    K.statementEntry,
    'require_payment',
    { comment: 'overdue statements' },
    'finance@demo.local',
  );
  const withinPay = await h.openTask(within.input.orderId, K.payment);
  expect(withinPay.payload).toMatchObject({ invoiceKind: 'balance', outstandingFen: 5_000 });
  expect((await within.handle.query(orderStateQuery)).payment).toMatchObject({
    releasedOnCredit: false,
    balanceInvoicedFen: 5_000,
  });

  // Over the credit (10 000 left minus the 5 000 just invoiced, against 20 000): straight to payment.
  await h.act(
    over.input.orderId,
    K.inspection,
    'record',
    { lotIndex: 1, kind: 'aoi', passedCount: 2, failedUnits: [] },
    'qa@demo.local',
  );
  const pay = await h.openTask(over.input.orderId, K.payment);
  expect(pay.payload).toMatchObject({ invoiceKind: 'balance', outstandingFen: 20_000 });
  expect(
    await h.t.db
      .selectFrom('tasks')
      .select('id')
      .where('case_id', '=', over.input.orderId)
      .where('kind', '=', K.statementEntry)
      .execute(),
  ).toEqual([]);
  for (const { handle } of [over, within]) {
    await handle.signal(cancelOrderSignal, await cancelRequest('test over'));
    await handle.result();
  }
}, 120_000);

test('consigned material not yet sent: sales and the customer are told, kitting is asked again a day later', async () => {
  const { handle, input } = await h.startOrder(h.monthlyCustomerId);
  const { orderId } = input;
  await h.act(orderId, K.contractSignature, 'sign', {}, 'buyer@monthly.test');
  await h.act(orderId, K.contractApproval, 'approve', {}, 'sales_manager@demo.local');
  await h.act(
    orderId,
    K.kitting,
    'report',
    { lines: [{ partNumber: 'CUST-MCU', quantity: 10, source: { kind: 'consigned', arrived: false } }] },
    'production@demo.local',
  );
  await eventually(async () =>
    expect((await h.mailTo('buyer@monthly.test')).map((m) => m.subject)).toContain(
      'Consigned material awaited / 等待客供物料',
    ),
  );
  expect((await h.mailTo('sales@demo.local')).map((m) => m.subject)).toContain(
    'Consigned material awaited / 等待客供物料',
  );
  await h.env.sleep('1d');
  await h.act(
    orderId,
    K.kitting,
    'report',
    { lines: [{ partNumber: 'CUST-MCU', quantity: 10, source: { kind: 'consigned', arrived: true } }] },
    'production@demo.local',
  );
  await h.openTask(orderId, K.stencil);
  expect((await productionRepo.getProductionOrderByOrder(h.t.db, orderId))?.materials_ready_at).toBeInstanceOf(Date);
  await handle.signal(cancelOrderSignal, await cancelRequest('test over'));
  await handle.result();
}, 60_000);
