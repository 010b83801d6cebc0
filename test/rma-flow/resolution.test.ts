/**
 * What decides money on an RMA (time skipping, real workers, PGlite): staff confirm the customer's claims before
 * warranty and eligibility rest on them; exchange and refund only where responsibility and warranty allow (or a
 * manager's exception); a refund needs the goods received and inspected, is capped by what was paid, and is approved
 * and paid by different people. Also the dispatch form emailed to the departments, the quality review the visit
 * calls for (reminded, escalated), and material lead times counted from the PMC request.
 */
import { createRmaHarness, eventually, type RmaHarness } from './harness';
import { DAY, HOUR, confirmClaims, mails, throughClassification, visitForm } from './flow-helpers';
import { findTaskByStep } from '../../infra/db/repositories/tasks';
import { createUser } from '../../infra/db/repositories/users';
import { getRmaCase } from '../../infra/db/repositories/rma';
import { ORDER_STAGES } from '../../domain/order/contract';
import type { Responsibility } from '../../domain/rma/responsibility';
import { daysFromToday } from '../dates';

let h: RmaHarness;
beforeAll(async () => {
  h = await createRmaHarness();
}, 300_000);
afterAll(async () => {
  await h?.close();
});

const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);
const result = (workflowId: string) => h.env.client.workflow.getHandle(workflowId).result();
const terminate = (workflowId: string) => h.env.client.workflow.getHandle(workflowId).terminate('test done');

async function throughVisit(workflowId: string, responsibility: Responsibility = 'factory', internalReview?: string) {
  await h.complete(workflowId, 'quality-report', 'submitted', { defectQuantity: 1, symptoms: 'flicker' });
  await h.complete(workflowId, 'site-visit', 'confirmed', {
    ...visitForm(responsibility),
    ...(internalReview ? { internalReview } : {}),
  });
}

/** An order of `quantity` pcs on which the customer paid `paidFen`. */
async function paidOrder(quantity: number, paidFen: number): Promise<string> {
  const { db } = h.testDb;
  const ref = `ORD-${Math.random().toString(36).slice(2, 8)}`;
  const order = await db
    .insertInto('orders')
    .values({
      reference: ref,
      customer_id: h.customerId,
      status: ORDER_STAGES[ORDER_STAGES.length - 1],
      quantity,
      total_fen: paidFen,
      currency: 'CNY',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const invoice = await db
    .insertInto('invoices')
    .values({
      number: `${ref}-B`,
      customer_id: h.customerId,
      order_id: order.id,
      kind: 'balance',
      amount_fen: paidFen,
      currency: 'CNY',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('payments')
    .values({
      invoice_id: invoice.id,
      amount_fen: paidFen,
      currency: 'CNY',
      reference: `${ref}-PAY`,
      received_on: daysAgo(30),
      confirmed_by: h.users.finance.id,
      idempotency_key: `${ref}-PAY`,
    })
    .execute();
  return order.id;
}

describe('claims are confirmed by staff before money depends on them', () => {
  it('staff correct the sale date: the warranty follows the confirmed date, the case keeps the claim and the correction is audited', async () => {
    // 客户返修品处理流程 3.1: 保修期为12个月,以产品销售时间为准 — the customer claims a recent sale; the order shows 400 days.
    const { rmaId, workflowId } = await h.open({ saleDate: daysAgo(100) });
    await throughVisit(workflowId);
    const task = await h.task(workflowId, 'confirm-claims');
    expect(task.role).toBe('sales');
    expect(task.payload.claimed).toEqual({ saleDate: daysAgo(100), productionDate: null, quantity: 150 });
    // Refused and changing nothing: a sale before production, more pieces than the complaint, a future date.
    await expect(
      h.complete(workflowId, 'confirm-claims', 'confirmed', {
        saleDate: daysAgo(400),
        productionDate: daysAgo(300),
        quantity: 150,
        source: 'order',
      }),
    ).rejects.toThrow('data.saleDate: a unit cannot be sold before it was made');
    await expect(
      h.complete(workflowId, 'confirm-claims', 'confirmed', {
        saleDate: daysAgo(400),
        productionDate: null,
        quantity: 151,
        source: 'order',
      }),
    ).rejects.toThrow('data.quantity: cannot exceed the 150 pcs the complaint names');
    await expect(
      h.complete(workflowId, 'confirm-claims', 'confirmed', {
        saleDate: new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10),
        productionDate: null,
        quantity: 150,
        source: 'order',
      }),
    ).rejects.toThrow(/or earlier/);
    expect((await findTaskByStep(h.testDb.db, workflowId, 'confirm-claims'))?.status).toBe('open');

    await confirmClaims(h, workflowId, { saleDate: daysAgo(400) });
    const acceptance = await h.task(workflowId, 'return-acceptance');
    expect(acceptance.payload).toMatchObject({ responsibility: 'factory', warranty: 'out_of_warranty' });
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'repair' });
    await throughClassification(h, workflowId, 150);
    const s = await eventually(async () => {
      const st = await h.state(workflowId);
      if (st.step !== 'repair-quote') throw new Error(`at ${st.step}`);
      return st;
    });
    expect(s.warranty).toMatchObject({ status: 'out_of_warranty', basis: 'sale_date' });
    expect(s.charge).toBe('paid');
    expect(s.claims).toEqual({
      claimed: { saleDate: daysAgo(100), productionDate: null, quantity: 150 },
      confirmed: { saleDate: daysAgo(400), productionDate: null, quantity: 150 },
      corrected: ['saleDate'],
    });
    const row = await getRmaCase(h.testDb.db, rmaId);
    expect(row?.sale_date).toBe(daysAgo(400));
    expect(row?.claimed).toMatchObject({ saleDate: daysAgo(100) });
    const audit = await h.testDb.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', rmaId)
      .where('action', '=', 'rma.confirm-claims')
      .execute();
    expect(audit.map((a) => a.after)).toEqual([
      expect.objectContaining({ decision: 'corrected', corrected: ['saleDate'] }),
    ]);
    await terminate(workflowId);
  });

  it('an exchange replaces the quantity staff confirmed, and unreturned units are counted against it', async () => {
    const { workflowId } = await h.open({ requestedResolution: 'exchange', quantity: 150 });
    await throughVisit(workflowId);
    await confirmClaims(h, workflowId, { quantity: 100 });
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'exchange' });
    await h.complete(workflowId, 'ship-replacement', 'shipped', { carrier: 'SF', trackingNumber: 'SF-R-100' });
    const waiting = await h.task(workflowId, 'faulty-return');
    expect(waiting.payload).toMatchObject({ replaced: 100 });
    await expect(h.complete(workflowId, 'faulty-return', 'received', { quantity: 150 })).rejects.toThrow(
      /data\.quantity/,
    );
    await h.complete(workflowId, 'faulty-return', 'received', { quantity: 100 });
    await h.complete(workflowId, 'close-report', 'closed', { rootCause: 'x', correctiveAction: 'y' });
    expect((await result(workflowId)).outcome).toBe('exchanged');
  });
});

describe('exchange and refund only where responsibility and warranty allow', () => {
  it("the customer's fault: an exchange is refused with the reason, nothing changes, and a repair goes ahead", async () => {
    const { workflowId } = await h.open({ requestedResolution: 'exchange' });
    await throughVisit(workflowId, 'customer');
    await confirmClaims(h, workflowId);
    await expect(h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'exchange' })).rejects.toThrow(
      "data.resolution: exchange is not allowed: the fault is the customer's; choose repair, or give exceptionReason to ask a manager for an exception",
    );
    // The requested resolution counts when none is chosen: refused the same way.
    await expect(h.complete(workflowId, 'return-acceptance', 'accept', {})).rejects.toThrow(/exchange is not allowed/);
    expect((await findTaskByStep(h.testDb.db, workflowId, 'return-acceptance'))?.status).toBe('open');
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'repair' });
    await h.task(workflowId, 'receive-units');
    expect((await h.state(workflowId)).resolution).toBe('repair');
    await terminate(workflowId);
  });

  it('out of warranty: a refund with an exception goes to a manager; refused, the case becomes a repair and the customer is told', async () => {
    const { workflowId, reference } = await h.open({ requestedResolution: 'refund', saleDate: daysAgo(400) });
    await throughVisit(workflowId);
    await confirmClaims(h, workflowId);
    await expect(h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'refund' })).rejects.toThrow(
      'data.resolution: refund is not allowed: the unit is out of warranty',
    );
    await h.complete(workflowId, 'return-acceptance', 'accept', {
      resolution: 'refund',
      exceptionReason: 'key account, goodwill',
    });
    const exception = await h.task(workflowId, 'resolution-exception');
    expect(exception).toMatchObject({
      role: 'manager',
      payload: expect.objectContaining({
        resolution: 'refund',
        why: 'the unit is out of warranty',
        requestedByUserId: h.users.sales_manager.id,
      }),
    });
    await h.complete(workflowId, 'resolution-exception', 'reject', { note: 'no goodwill refunds this quarter' });
    await h.task(workflowId, 'receive-units');
    const s = await h.state(workflowId);
    expect(s.resolution).toBe('repair');
    expect(s.resolutionRefused).toBe(
      'refund is not allowed: the unit is out of warranty; the manager refused the exception',
    );
    await eventually(async () =>
      expect(await mails(h)).toContainEqual({
        to: 'customer@rma.test',
        subject: `RMA ${reference}: refund not granted, handled as a repair / 退款不予受理,按维修处理`,
      }),
    );
    await terminate(workflowId);
  });

  it("the customer's fault: a manager approves an exchange as an exception, the replacement ships", async () => {
    const { rmaId, workflowId } = await h.open({ requestedResolution: 'exchange' });
    await throughVisit(workflowId, 'customer');
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'accept', {
      resolution: 'exchange',
      exceptionReason: 'strategic customer',
    });
    await h.complete(workflowId, 'resolution-exception', 'approve', {});
    await h.task(workflowId, 'ship-replacement');
    expect((await h.state(workflowId)).resolution).toBe('exchange');
    const audit = await h.testDb.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', rmaId)
      .where('action', '=', 'rma.resolution-exception')
      .execute();
    expect(audit.map((a) => [a.actor_id, (a.after as { decision: string }).decision])).toEqual([
      [h.users.manager.id, 'approved'],
    ]);
    await terminate(workflowId);
  });
});

describe('refund: received and inspected, capped by what was paid, approved and paid by different people', () => {
  it('runs to refunded with the cap and four eyes enforced', async () => {
    // 2 of an order's 100 pcs, 10,000.00 CNY paid: at most 200.00 CNY.
    const orderId = await paidOrder(100, 1_000_000);
    const { rmaId, workflowId } = await h.open({ requestedResolution: 'refund', quantity: 2, orderId });
    await throughVisit(workflowId);
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'refund' });
    // No money is decided before the goods are back and inspected.
    await h.complete(workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min((await h.now()).getTime(), Date.now())).toISOString(),
      quantity: 2,
    });
    expect(await findTaskByStep(h.testDb.db, workflowId, 'refund-review')).toBeUndefined();
    await expect(h.complete(workflowId, 'refund-inspection', 'accepted', { units: 3, findings: 'x' })).rejects.toThrow(
      'data.units: cannot exceed the 2 pcs received',
    );
    await h.complete(workflowId, 'refund-inspection', 'accepted', {
      units: 2,
      findings: 'both units flicker; no user damage',
    });
    const review = await h.task(workflowId, 'refund-review');
    expect(review.payload).toMatchObject({ units: 2, capFen: 20_000 });
    await expect(h.complete(workflowId, 'refund-review', 'approve', { amountFen: 99_999_999 })).rejects.toThrow(
      'data.amountFen: exceeds the ¥200.00 the customer paid for these units',
    );
    await h.complete(workflowId, 'refund-review', 'approve', { amountFen: 15_000 });
    await h.complete(workflowId, 'refund-approval', 'approve', {});
    // The finance user who approved cannot also pay.
    await expect(
      h.complete(workflowId, 'refund-payment', 'paid', { reference: 'BANK-1' }, h.users.finance),
    ).rejects.toThrow(/must be done by someone other than the person who approved this refund \(four eyes\)/);
    const payer = await createUser(h.testDb.db, {
      email: 'finance2@rma.test',
      displayName: 'finance 2',
      passwordHash: 'x',
      role: 'finance',
      customerId: null,
    });
    await h.complete(workflowId, 'refund-payment', 'paid', { reference: 'BANK-1' }, payer);
    await h.complete(workflowId, 'refund-confirmation', 'confirmed', {}, h.users.customer);
    await h.complete(workflowId, 'close-report', 'closed', { rootCause: 'x', correctiveAction: 'y' });
    expect((await result(workflowId)).outcome).toBe('refunded');
    const audit = await h.testDb.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', rmaId)
      .where('action', '=', 'rma.refund-payment')
      .execute();
    expect(audit.map((a) => [a.actor_id, a.after])).toEqual([
      [payer.id, expect.objectContaining({ amountFen: 15_000, approvedBy: h.users.finance.id })],
    ]);
  });

  it('no order linked: nothing can be refunded; the review rejects and the customer is told why', async () => {
    const { workflowId, reference } = await h.open({ requestedResolution: 'refund', quantity: 2 });
    await throughVisit(workflowId);
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'refund' });
    await h.complete(workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min((await h.now()).getTime(), Date.now())).toISOString(),
      quantity: 2,
    });
    await h.complete(workflowId, 'refund-inspection', 'accepted', { units: 2, findings: 'ok' });
    await expect(h.complete(workflowId, 'refund-review', 'approve', { amountFen: 100 })).rejects.toThrow(
      'data.amountFen: nothing can be refunded: no order is linked to the RMA, so no payment for these units is known',
    );
    await h.complete(workflowId, 'refund-review', 'reject', { reason: 'no order on record' });
    await h.complete(workflowId, 'close-report', 'closed', { rootCause: 'x', correctiveAction: 'y' });
    expect((await result(workflowId)).outcome).toBe('refund_rejected');
    expect(await findTaskByStep(h.testDb.db, workflowId, 'refund-approval')).toBeUndefined();
    expect(await mails(h)).toContainEqual({
      to: 'customer@rma.test',
      subject: `RMA ${reference}: refund not granted / 退款未获批准`,
    });
  });

  it('the inspection refuses the goods: refund_rejected without a review', async () => {
    const orderId = await paidOrder(10, 100_000);
    const { workflowId } = await h.open({ requestedResolution: 'refund', quantity: 2, orderId });
    await throughVisit(workflowId);
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'refund' });
    await h.complete(workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min((await h.now()).getTime(), Date.now())).toISOString(),
      quantity: 2,
    });
    await h.complete(workflowId, 'refund-inspection', 'refused', { units: 0, findings: 'housing cracked by a drop' });
    await h.complete(workflowId, 'close-report', 'closed', { rootCause: 'x', correctiveAction: 'y' });
    expect((await result(workflowId)).outcome).toBe('refund_rejected');
    expect(await findTaskByStep(h.testDb.db, workflowId, 'refund-review')).toBeUndefined();
  });
});

describe('dispatch form and quality review (seed 002, 5.)', () => {
  it('the signed dispatch form is emailed to the departments; a quality-abnormality form is due in 24 h, reminded, escalated, and the report closes on it', async () => {
    // 5.<客户服务派遣单>以邮件方式发送给相关单位 … 开出<品质异常处理单>安排内部检讨分析.
    const { workflowId, reference } = await h.open();
    await throughVisit(workflowId, 'factory', 'abnormality-form');
    const visitedAt = (await findTaskByStep(h.testDb.db, workflowId, 'site-visit'))!.completedAt!;
    await eventually(async () => {
      const dispatch = (await mails(h))
        .filter((m) => m.subject === `RMA ${reference}: service dispatch form / 客户服务派遣单`)
        .map((m) => m.to);
      expect(dispatch.sort()).toEqual(['engineer@rma.test', 'qa@rma.test', 'sales@rma.test', 'warehouse@rma.test']);
    });
    const body = await h.testDb.db
      .selectFrom('outbox')
      .select('text_body')
      .where('to_address', '=', 'warehouse@rma.test')
      .where('subject', 'like', `RMA ${reference}: service dispatch form%`)
      .executeTakeFirstOrThrow();
    expect(body.text_body).toContain('Responsibility / 责任判定: ours / 我责');
    expect(body.text_body).toContain('Signed by / 签字: Li Wei (customer / 客户), Zhang San (factory / 我司)');

    const review = await h.task(workflowId, 'quality-review');
    expect(review).toMatchObject({
      role: 'qa',
      payload: expect.objectContaining({ form: 'abnormality-form', responsibility: 'factory' }),
    });
    const due = new Date(visitedAt.getTime() + 24 * HOUR);
    expect(Math.abs(review.dueAt!.getTime() - due.getTime())).toBeLessThan(5_000);
    expect(
      (await mails(h))
        .filter((m) => m.subject.startsWith(`RMA ${reference}: quality-abnormality form to process`))
        .map((m) => m.to),
    ).toContain('production@rma.test');

    // The return is rejected; the report still waits for the review.
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'reject', { reason: 'no defect reproduced' });
    await h.sleepUntil(new Date(due.getTime() - HOUR));
    await eventually(async () =>
      expect((await findTaskByStep(h.testDb.db, workflowId, 'quality-review'))?.remindedAt).not.toBeNull(),
    );
    expect(await findTaskByStep(h.testDb.db, workflowId, 'close-report')).toBeUndefined();
    await h.sleepUntil(new Date(due.getTime() + HOUR));
    await eventually(async () =>
      expect((await findTaskByStep(h.testDb.db, workflowId, 'quality-review'))?.escalatedAt).not.toBeNull(),
    );
    expect(await mails(h)).toContainEqual({
      to: 'manager@rma.test',
      subject: expect.stringMatching(/^Escalation: Process the quality-abnormality form/),
    });

    const record = {
      heldOn: daysAgo(0),
      participants: 'QA, engineering, line 2',
      rootCause: 'reflow too cold',
      correctiveActions: 'profile re-qualified',
      responsiblePerson: 'Wang Wu',
    };
    await expect(h.complete(workflowId, 'quality-review', 'reviewed', record)).rejects.toThrow(
      'data.formNumber: the quality-abnormality form needs its number',
    );
    await h.complete(workflowId, 'quality-review', 'reviewed', { ...record, formNumber: 'QA-2026-117' });
    const close = await h.task(workflowId, 'close-report');
    expect(close.payload).toMatchObject({
      outcome: 'rejected',
      review: { rootCause: 'reflow too cold', correctiveActions: 'profile re-qualified' },
    });
    await h.complete(workflowId, 'close-report', 'closed', {
      rootCause: 'reflow too cold',
      correctiveAction: 'profile re-qualified',
    });
    expect((await result(workflowId)).outcome).toBe('rejected');
    expect((await h.state(workflowId)).deadlines).toContainEqual(
      expect.objectContaining({ name: 'quality-review', breachedAt: expect.any(String), metAt: expect.any(String) }),
    );
  });

  it('a quality review meeting is called by notice and due within 2 working days of the visit', async () => {
    const { workflowId, reference } = await h.open();
    await throughVisit(workflowId, 'shared', 'meeting');
    const review = await h.task(workflowId, 'quality-review');
    expect(review.payload).toMatchObject({ form: 'meeting' });
    // Opened Monday 09:00 local, visited the same day: 2 working days → Wednesday 20:00 local.
    const visitedAt = (await findTaskByStep(h.testDb.db, workflowId, 'site-visit'))!.completedAt!;
    expect(review.dueAt!.getTime()).toBeGreaterThan(visitedAt.getTime() + DAY);
    expect(review.dueAt!.getTime()).toBeLessThanOrEqual(visitedAt.getTime() + 3 * DAY);
    await eventually(async () =>
      expect((await mails(h)).map((m) => m.subject)).toContainEqual(
        expect.stringMatching(new RegExp(`^RMA ${reference}: quality review meeting by .* / 品质检讨会通知$`)),
      ),
    );
    await terminate(workflowId);
  });

  it('no internal review asked: no review task, the report closes straight after', async () => {
    const { workflowId } = await h.open();
    await throughVisit(workflowId);
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'reject', { reason: 'x' });
    await h.task(workflowId, 'close-report');
    expect(await findTaskByStep(h.testDb.db, workflowId, 'quality-review')).toBeUndefined();
    await terminate(workflowId);
  });
});

describe('material lead time runs from the PMC request', () => {
  it('FPC ordered at the request is due 7 days after it, whatever day disassembly ends', async () => {
    // 由PMC下单,按FPC:7天 … 返厂后进行返工.
    const { workflowId } = await h.open({ quantity: 20 });
    await throughVisit(workflowId);
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'repair' });
    await throughClassification(h, workflowId, 20, [{ kind: 'FPC', inStock: false }]);
    await h.task(workflowId, 'disassembly');
    const requestedAt = (await h.state(workflowId)).decisions.find((d) => d.step === 'classify')!.at;
    // Disassembly a day and a half later (still within its 2 working days).
    await h.sleepUntil(new Date(Date.parse(requestedAt) + 36 * HOUR));
    await h.complete(workflowId, 'disassembly', 'done', { reclaimedParts: 0, ngParts: 0 });
    await h.complete(workflowId, 'repair-date', 'promised', { promisedOn: daysFromToday(14) });
    const arrival = await h.task(workflowId, 'material-arrived:FPC');
    expect(Math.abs(arrival.dueAt!.getTime() - (Date.parse(requestedAt) + 7 * DAY))).toBeLessThan(5_000);
    await terminate(workflowId);
  });
});
