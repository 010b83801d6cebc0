/**
 * A paid repair with a short delivery (time skipping): the count difference goes to sales, impossible counts are
 * refused, the quote decision has a deadline, finance records the payment before the units ship back, and the
 * customer is emailed at each point the issue names.
 */
import { createRmaHarness, eventually, type RmaHarness } from './harness';
import { throughAcceptance, DAY } from './flow-helpers';
import { getRmaCase } from '../../infra/db/repositories/rma';
import { daysFromToday } from '../dates';

let h: RmaHarness;
beforeAll(async () => {
  h = await createRmaHarness();
}, 300_000);
afterAll(async () => {
  await h?.close();
});

async function customerMails(): Promise<string[]> {
  const rows = await h.testDb.db
    .selectFrom('outbox')
    .select(['subject'])
    .where('to_address', '=', 'customer@rma.test')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.subject);
}

describe('paid repair: counts reconciled, quote with a deadline, paid before ship-back, the customer told', () => {
  it('runs from complaint to closed', async () => {
    // Sold 400 days ago: out of warranty, so the repair is charged.
    const saleDate = new Date(Date.now() - 400 * DAY).toISOString().slice(0, 10);
    const { rmaId, workflowId, reference } = await h.open({ quantity: 5, saleDate });
    await eventually(async () =>
      expect(await customerMails()).toContain(`RMA ${reference}: complaint received / 客诉已受理`),
    );
    // 备注 1: the report cannot name more defective units than the complaint.
    await expect(
      h.complete(workflowId, 'quality-report', 'submitted', { defectQuantity: 999, symptoms: 'x' }),
    ).rejects.toThrow('data.defectQuantity: cannot exceed the 5 pcs the complaint names');
    await throughAcceptance(h, workflowId);

    // 5.3.1: 4 of 5 arrive — recorded, sales gets a task and an email.
    await h.complete(workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min((await h.now()).getTime(), Date.now())).toISOString(),
      quantity: 4,
    });
    const difference = await h.task(workflowId, 'count-difference');
    expect(difference).toMatchObject({ role: 'sales', payload: expect.objectContaining({ expected: 5, actual: 4 }) });
    const rows = await h.testDb.db
      .selectFrom('rma_count_differences')
      .selectAll()
      .where('rma_case_id', '=', rmaId)
      .execute();
    expect(rows.map((r) => [r.step, r.expected, r.actual])).toEqual([['receive-units', 5, 4]]);

    await expect(
      h.complete(workflowId, 'classify', 'classified', { good: 10, scrap: 3, findings: 'x' }),
    ).rejects.toThrow('data.scrap: good 10 + scrap 3 = 13, but 4 pcs were received');
    await h.complete(workflowId, 'classify', 'classified', {
      good: 4,
      scrap: 0,
      materials: [{ kind: 'SMT', inStock: true }],
      findings: 'U3 cracked by a drop',
    });
    await expect(h.complete(workflowId, 'repair-quote', 'quoted', { amountFen: 0 })).rejects.toThrow(
      'data.amountFen: a paid repair needs a price above 0',
    );
    await h.complete(workflowId, 'repair-quote', 'quoted', { amountFen: 150_000 });
    const decision = await h.task(workflowId, 'quote-confirmation');
    expect(decision.dueAt).not.toBeNull();
    await h.complete(workflowId, 'quote-confirmation', 'accept', {}, h.users.customer);
    await h.complete(workflowId, 'disassembly', 'done', { reclaimedParts: 0, ngParts: 4 });
    await h.complete(workflowId, 'repair-date', 'promised', { promisedOn: daysFromToday(21) });
    await expect(h.complete(workflowId, 'repair', 'repaired', { repaired: 4, scrapped: 1 })).rejects.toThrow(
      'data.scrapped: repaired 4 + scrapped 1 = 5, but 4 pcs went into repair',
    );
    await h.complete(workflowId, 'repair', 'repaired', { repaired: 4, scrapped: 0 });
    await h.complete(workflowId, 'qa-confirmation', 'pass', {});
    await h.complete(workflowId, 'outgoing-inspection', 'pass', {});
    await h.complete(workflowId, 'pack', 'done', {});

    // Paid before ship-back: the customer pays on prepay terms; finance records exactly what is owed.
    const payment = await h.task(workflowId, 'repair-payment');
    expect(payment).toMatchObject({
      role: 'finance',
      // Why it is paid first, as a code the task page says in the reader's language.
      payload: expect.objectContaining({ outstandingFen: 150_000, reason: 'prepay_terms' }),
    });
    expect((await h.state(workflowId)).step).toBe('repair-payment');
    await expect(
      h.complete(workflowId, 'repair-payment', 'paid', { reference: 'BANK-1', amountFen: 100 }),
    ).rejects.toThrow('data.amountFen: must be the outstanding ¥1,500.00');
    await h.complete(workflowId, 'repair-payment', 'paid', { reference: 'BANK-1', amountFen: 150_000 });
    await h.complete(workflowId, 'ship-back', 'shipped', { carrier: 'SF Express', trackingNumber: 'SF777' });
    await h.complete(workflowId, 'count-difference', 'settled', { note: 'customer keeps one unit' });
    await h.complete(workflowId, 'close-report', 'closed', {
      rootCause: 'drop damage',
      correctiveAction: 'none: customer fault',
    });
    expect(await h.env.client.workflow.getHandle(workflowId).result()).toEqual({ outcome: 'repaired', penaltyFen: 0 });

    const invoice = await h.testDb.db
      .selectFrom('invoices')
      .selectAll()
      .where('rma_case_id', '=', rmaId)
      .executeTakeFirstOrThrow();
    expect([Number(invoice.amount_fen), invoice.status]).toEqual([150_000, 'paid']);
    const payments = await h.testDb.db
      .selectFrom('payments')
      .selectAll()
      .where('invoice_id', '=', invoice.id)
      .execute();
    expect(payments.map((p) => [Number(p.amount_fen), p.reference, p.confirmed_by])).toEqual([
      [150_000, 'BANK-1', h.users.finance.id],
    ]);
    expect((await getRmaCase(h.testDb.db, rmaId))?.status).toBe('closed:repaired');
    const mails = await customerMails();
    expect(mails).toEqual(
      expect.arrayContaining([
        `RMA ${reference}: repair quote ¥1,500.00 / 维修报价 1,500.00 元`,
        `RMA ${reference}: repair date ${daysFromToday(21)} / 承诺维修日期`,
        `RMA ${reference}: shipped / 已发货`,
        `RMA ${reference}: closed / 已结案`,
      ]),
    );
    const sales = await h.testDb.db
      .selectFrom('outbox')
      .select('subject')
      .where('to_address', '=', 'sales@rma.test')
      .execute();
    expect(sales.map((m) => m.subject)).toContain(
      `RMA ${reference}: quantity differs — 1 pcs fewer than the complaint names / 数量不符`,
    );
  });
});
