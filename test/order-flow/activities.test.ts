import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { openTestDb, TEST_DB_KINDS, type TestDb, type TestDbKind } from '../../infra/db/testing';
import { seedDemo, DEMO_CUSTOMER } from '../../infra/db/seed';
import { customersRepo, ordersRepo, tasksRepo } from '../../infra/db';
import { createOrderActivities, type OrderActivities } from '../../activities/order';
import { simulatedTrackingNumber } from '../../domain/order/shipment';

// The order activities are idempotent: a retry after a crash (the same call twice) changes nothing more.
describe.each(TEST_DB_KINDS.map((kind) => [kind]))('order activities on %s', (kind: TestDbKind) => {
  let t: TestDb;
  let acts: OrderActivities;
  let customerId: string;
  let finance: { userId: string; role: string };

  beforeAll(async () => {
    t = await openTestDb(kind);
    await seedDemo(t.db, 'USD');
    customerId = (await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code))!.id;
    const user = await t.db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('email', '=', 'finance@demo.local')
      .executeTakeFirstOrThrow();
    finance = { userId: user.id, role: user.role };
    acts = createOrderActivities({ db: t.db });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Runs an activity twice in the context of the order workflow, as a retry would. */
  async function twice<A extends unknown[], R>(
    workflowId: string,
    fn: (...args: A) => Promise<R>,
    ...args: A
  ): Promise<[R, R]> {
    const env = new MockActivityEnvironment({
      workflowExecution: { workflowId, runId: randomUUID() },
    } as Partial<Info>);
    return [await env.run(fn, ...args), await env.run(fn, ...args)];
  }

  async function newOrder() {
    const quote = await t.db
      .insertInto('quotes')
      .values({
        reference: `Q-${randomUUID().slice(0, 8)}`,
        customer_id: customerId,
        status: 'accepted',
        quantity: 5,
        currency: 'USD',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const orderId = randomUUID();
    const workflowId = `order:${quote.id}`;
    await twice(workflowId, acts.orderRecord, {
      orderId,
      quoteId: quote.id,
      customerId,
      quantity: 5,
      totalFen: 10_000,
      currency: 'USD',
    });
    return { orderId, workflowId };
  }

  const auditCount = async (orderId: string, action: string) =>
    (
      await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_id', '=', orderId)
        .where('action', '=', action)
        .execute()
    ).length;
  const mailCount = async (prefix: string) =>
    (await t.db.selectFrom('outbox').select('id').where('idempotency_key', 'like', `${prefix}%`).execute()).length;

  test('order, contract and invoice are created once; the customer is mailed once', async () => {
    const { orderId, workflowId } = await newOrder();
    expect(await auditCount(orderId, 'order.created')).toBe(1);
    await twice(workflowId, acts.orderIssueContract, { orderId, customerId, depositFen: 3_000, currency: 'USD' });
    expect((await ordersRepo.getContractByOrder(t.db, orderId))?.deposit_required_fen).toBe(3_000);
    expect(await mailCount(`${workflowId}:contract:issued:`)).toBe(2); // customer@ and buyer@ of the demo customer
    const [a, b] = await twice(workflowId, acts.orderIssueInvoice, {
      orderId,
      customerId,
      kind: 'deposit',
      amountFen: 3_000,
      currency: 'USD',
    });
    expect(a).toEqual(b);
    expect(await ordersRepo.listInvoices(t.db, { orderId })).toHaveLength(1);
    expect(await auditCount(orderId, 'invoice.issued')).toBe(1);
  });

  test('a payment is recorded once per reference; the invoice is paid when covered and then not voided', async () => {
    const { orderId, workflowId } = await newOrder();
    await twice(workflowId, acts.orderIssueInvoice, {
      orderId,
      customerId,
      kind: 'balance',
      amountFen: 10_000,
      currency: 'USD',
    });
    const payment = { orderId, kind: 'balance' as const, currency: 'USD', receivedOn: '2026-11-24', actor: finance };
    const [first] = await twice(workflowId, acts.orderRecordPayment, {
      ...payment,
      amountFen: 4_000,
      reference: 'TT-1',
    });
    expect(first.invoiceStatus).toBe('open');
    const [second] = await twice(workflowId, acts.orderRecordPayment, {
      ...payment,
      amountFen: 6_000,
      reference: 'TT-2',
    });
    expect(second.invoiceStatus).toBe('paid');
    expect(await auditCount(orderId, 'payment.recorded')).toBe(2);
    const [voided] = await twice(workflowId, acts.orderVoidInvoice, { orderId, kind: 'balance' });
    expect(voided).toEqual({ voided: false });
  });

  test('release and carrier booking happen once; a retried booking keeps its tracking number', async () => {
    const { orderId, workflowId } = await newOrder();
    await twice(workflowId, acts.orderRelease, { orderId, onCredit: false, actor: null });
    const [a, b] = await twice(workflowId, acts.orderBookCarrier, {
      orderId,
      customerId,
      carrier: 'UPS',
      actor: finance,
    });
    expect(a).toEqual({
      carrier: 'UPS',
      trackingNumber: simulatedTrackingNumber('UPS', `${workflowId}:shipment:book`),
    });
    expect(b).toEqual(a);
    const shipments = await ordersRepo.listShipments(t.db, { orderId });
    expect(shipments).toHaveLength(1);
    expect(shipments[0]).toMatchObject({ status: 'booked', tracking_number: a.trackingNumber });
    expect(await auditCount(orderId, 'shipment.booked')).toBe(1);
    expect(await mailCount(`${workflowId}:shipment:book:mail:`)).toBe(2);
  });

  test('closing the order tasks cancels only its open tasks', async () => {
    const mine = await newOrder();
    const other = await newOrder();
    const open = (orderId: string, workflowId: string, step: string) =>
      tasksRepo.openTask(t.db, {
        workflowId,
        step,
        kind: 'order.stencil',
        title: 't',
        role: 'production',
        caseType: 'order',
        caseId: orderId,
      });
    await open(mine.orderId, mine.workflowId, 'stencil');
    await open(mine.orderId, `${mine.workflowId}:production`, 'program');
    await open(other.orderId, other.workflowId, 'stencil');
    const [first, again] = await twice(mine.workflowId, acts.orderCloseTasks, { orderId: mine.orderId });
    expect(first).toEqual({ closed: 2 });
    expect(again).toEqual({ closed: 0 });
    expect(await tasksRepo.listTasks(t.db, { caseId: other.orderId, status: 'open' })).toHaveLength(1);
  });
});
