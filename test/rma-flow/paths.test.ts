import { WorkflowNotFoundError } from '@temporalio/client';
import { createRmaHarness, eventually, type RmaHarness } from './harness';
import { DAY, mails, throughAcceptance, throughClassification } from './flow-helpers';
import { findTaskByStep } from '../../infra/db/repositories/tasks';
import { getRmaCase, listRepairs } from '../../infra/db/repositories/rma';
import { rmaRepairWorkflowId, rmaStateQuery } from '../../domain/rma/contract';
import { daysFromToday } from '../dates';

let h: RmaHarness;
beforeAll(async () => {
  h = await createRmaHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const isoDaysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString().slice(0, 10);
const monthsAgo = (now: Date, months: number) => {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
};

async function stateAt(workflowId: string, step: string) {
  return eventually(async () => {
    const s = await h.state(workflowId);
    if (s.step !== step) throw new Error(`at ${s.step}, waiting for ${step}`);
    return s;
  });
}

async function terminate(workflowId: string) {
  await h.env.client.workflow.getHandle(workflowId).terminate('test done');
}

describe('warranty: 12 months from the sale date, else production date + 18 months', () => {
  it('no sale date, made 17 months ago → in warranty by production date → free repair', async () => {
    const now = await h.now();
    const { workflowId } = await h.open({ saleDate: undefined, productionDate: monthsAgo(now, 17) });
    await throughAcceptance(h, workflowId);
    await throughClassification(h, workflowId, 10);
    const s = await stateAt(workflowId, 'disassembly');
    expect(s.warranty).toMatchObject({ status: 'in_warranty', basis: 'production_date' });
    expect(s.charge).toBe('free');
    await terminate(workflowId);
  });

  it('sold 13 months ago though made 14 months ago → out of warranty by sale date → paid quote', async () => {
    const now = await h.now();
    const { workflowId } = await h.open({ saleDate: monthsAgo(now, 13), productionDate: monthsAgo(now, 14) });
    await throughAcceptance(h, workflowId);
    await throughClassification(h, workflowId, 10);
    const s = await stateAt(workflowId, 'repair-quote');
    expect(s.warranty).toMatchObject({ status: 'out_of_warranty', basis: 'sale_date' });
    expect(s.charge).toBe('paid');
    expect((await h.task(workflowId, 'repair-quote')).role).toBe('sales');
    await terminate(workflowId);
  });

  it('in warranty but the customer caused the fault → paid repair', async () => {
    const { workflowId } = await h.open();
    await throughAcceptance(h, workflowId, { responsibility: 'customer' });
    await throughClassification(h, workflowId, 5);
    const s = await stateAt(workflowId, 'repair-quote');
    expect(s.warranty?.status).toBe('in_warranty');
    expect(s.charge).toBe('paid');
    await terminate(workflowId);
  });
});

describe('paid repair declined', () => {
  it('declined → the units go back unrepaired with a tracking number and the report closes', async () => {
    const now = await h.now();
    const { rmaId, workflowId } = await h.open({ saleDate: isoDaysAgo(now, 400) });
    await throughAcceptance(h, workflowId);
    await throughClassification(h, workflowId, 8);
    await h.complete(workflowId, 'repair-quote', 'quoted', { amountFen: 120_000 });
    const confirm = await h.task(workflowId, 'quote-confirmation');
    expect(confirm.role).toBe('customer');
    expect(confirm.customerId).toBe(h.customerId);
    await h.complete(workflowId, 'quote-confirmation', 'decline', { onDecline: 'return' }, h.users.customer);
    await h.complete(workflowId, 'return-unrepaired', 'shipped', { carrier: 'SF', trackingNumber: 'SF-BACK-1' });
    await h.complete(workflowId, 'close-report', 'closed', {
      rootCause: 'ESD damage at the customer',
      correctiveAction: 'ESD guidance sent',
    });
    const result = await h.env.client.workflow.getHandle(workflowId).result();
    expect(result.outcome).toBe('returned_unrepaired');
    expect((await getRmaCase(h.testDb.db, rmaId))?.status).toBe('closed:returned_unrepaired');
    expect(await findTaskByStep(h.testDb.db, workflowId, 'repair')).toBeUndefined();
    const invoices = await h.testDb.db.selectFrom('invoices').selectAll().where('rma_case_id', '=', rmaId).execute();
    expect(invoices).toEqual([]);
    expect(await mails(h)).toContainEqual({
      to: 'customer@rma.test',
      subject: expect.stringMatching(/: shipped \/ 已发货$/),
    });
  });

  it('declined with "scrap" → the warehouse scraps the units; accepted → a repair invoice is raised', async () => {
    const now = await h.now();
    const scrapped = await h.open({ saleDate: isoDaysAgo(now, 400) });
    await throughAcceptance(h, scrapped.workflowId);
    await throughClassification(h, scrapped.workflowId, 8);
    await h.complete(scrapped.workflowId, 'repair-quote', 'quoted', { amountFen: 50_000 });
    await h.complete(scrapped.workflowId, 'quote-confirmation', 'decline', { onDecline: 'scrap' }, h.users.customer);
    expect((await h.task(scrapped.workflowId, 'scrap')).role).toBe('warehouse');
    await terminate(scrapped.workflowId);

    const accepted = await h.open({ saleDate: isoDaysAgo(now, 400) });
    await throughAcceptance(h, accepted.workflowId);
    await throughClassification(h, accepted.workflowId, 8);
    await h.complete(accepted.workflowId, 'repair-quote', 'quoted', { amountFen: 80_000 });
    await h.complete(accepted.workflowId, 'quote-confirmation', 'accept', {}, h.users.customer);
    await h.task(accepted.workflowId, 'disassembly');
    const invoices = await h.testDb.db
      .selectFrom('invoices')
      .selectAll()
      .where('rma_case_id', '=', accepted.rmaId)
      .execute();
    expect(invoices.map((i) => [i.kind, i.amount_fen, i.currency.trim()])).toEqual([['repair', 80_000, 'CNY']]);
    await terminate(accepted.workflowId);
  });
});

describe('repair routing by batch size', () => {
  it('250 pcs → a production-line repair child on the production queue; its steps are for production', async () => {
    const { rmaId, workflowId } = await h.open({ quantity: 250 });
    await throughAcceptance(h, workflowId);
    await throughClassification(h, workflowId, 250);
    const childId = rmaRepairWorkflowId(rmaId);
    const disassembly = await h.task(childId, 'disassembly');
    expect(disassembly.role).toBe('production');
    expect(disassembly.caseId).toBe(rmaId);
    const child = await h.env.client.workflow.getHandle(childId).describe();
    expect(child.taskQueue).toBe('production');
    const parent = await h.state(workflowId);
    expect(parent.repairTeam).toBe('production_line');
    // 250 pcs is past the seed's table (it stops at 200): the last tier, +50.
    expect(parent.materials).toEqual([{ kind: 'SMT', inStock: true, spareQuantity: 50 }]);

    await h.complete(childId, 'disassembly', 'done', { reclaimedParts: 0, ngParts: 0 });
    await h.complete(childId, 'repair-date', 'promised', { promisedOn: daysFromToday(21) });
    await h.complete(childId, 'repair', 'repaired', { repaired: 248, scrapped: 2 });
    expect((await h.env.client.workflow.getHandle(childId).query(rmaStateQuery)).repairTeam).toBe('production_line');
    await h.task(workflowId, 'qa-confirmation');
    const repairs = await listRepairs(h.testDb.db, rmaId);
    expect(repairs.map((r) => r.team)).toEqual(['production_line']);
    const s = await h.state(workflowId);
    expect(s.decisions.map((d) => d.step)).toEqual(expect.arrayContaining(['disassembly', 'repair-date', 'repair']));
    // A failed QA check sends the units back to rework by the production line.
    await h.complete(workflowId, 'qa-confirmation', 'fail', { note: 'two units still flicker' });
    expect((await h.task(workflowId, 'rework#1')).role).toBe('production');
    await terminate(workflowId);
  });

  it('150 pcs stays with the after-sales team (no child workflow)', async () => {
    const { rmaId, workflowId } = await h.open({ quantity: 150 });
    await throughAcceptance(h, workflowId);
    await throughClassification(h, workflowId, 150);
    expect((await h.task(workflowId, 'disassembly')).role).toBe('qa');
    await expect(h.env.client.workflow.getHandle(rmaRepairWorkflowId(rmaId)).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    await terminate(workflowId);
  });
});

describe('analysis routing and return acceptance', () => {
  it('a key customer’s units are analysed by R&D', async () => {
    const { workflowId } = await h.open({}, { key: true });
    await throughAcceptance(h, workflowId);
    await h.complete(workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min((await h.now()).getTime(), Date.now())).toISOString(),
      quantity: 150,
    });
    const classify = await h.task(workflowId, 'classify');
    expect(classify.payload).toMatchObject({ department: 'rd' });
    expect((await h.state(workflowId)).analysisDepartment).toBe('rd');
    await terminate(workflowId);
  });

  it('an outsourced product returned for a customer-caused fault becomes a paid repair, even when exchange was asked', async () => {
    const { workflowId } = await h.open({ outsourced: true, requestedResolution: 'exchange' });
    await throughAcceptance(h, workflowId, { responsibility: 'customer', resolution: 'exchange' });
    await throughClassification(h, workflowId, 5);
    const s = await stateAt(workflowId, 'repair-quote');
    expect(s.resolution).toBe('repair');
    expect(s.charge).toBe('paid');
    await terminate(workflowId);
  });

  it('a rejected return closes the report without receiving units', async () => {
    const { rmaId, workflowId } = await h.open();
    await throughAcceptance(h, workflowId, { accept: false });
    await h.complete(workflowId, 'close-report', 'closed', {
      rootCause: 'no defect found on site',
      correctiveAction: 'none',
    });
    expect((await h.env.client.workflow.getHandle(workflowId).result()).outcome).toBe('rejected');
    expect((await getRmaCase(h.testDb.db, rmaId))?.status).toBe('closed:rejected');
    expect(await findTaskByStep(h.testDb.db, workflowId, 'receive-units')).toBeUndefined();
  });
});

describe('exchange path', () => {
  it('replacement shipped first; faulty units never returned → weekly reminders, then finance invoices them', async () => {
    const { rmaId, workflowId, reference } = await h.open({ requestedResolution: 'exchange' });
    await throughAcceptance(h, workflowId, { resolution: 'exchange' });
    await h.complete(workflowId, 'ship-replacement', 'shipped', { carrier: 'SF', trackingNumber: 'SF-REPL-1' });
    const waiting = await h.task(workflowId, 'faulty-return');
    const start = await h.now();
    await h.sleepUntil(new Date(start.getTime() + 31 * DAY));
    const invoiceTask = await h.task(workflowId, 'invoice-unreturned');
    expect(invoiceTask.role).toBe('finance');
    expect((await findTaskByStep(h.testDb.db, workflowId, 'faulty-return'))?.status).toBe('cancelled');
    const reminders = (await mails(h)).filter(
      (m) => m.subject === `RMA ${reference}: please return the faulty units / 请退回不良品`,
    );
    expect(reminders).toHaveLength(4);
    expect(reminders.every((m) => m.to === 'customer@rma.test')).toBe(true);
    // In English and Chinese, the same last day (the factory's calendar date).
    const { text_body: text } = await h.testDb.db
      .selectFrom('outbox')
      .select('text_body')
      .where('subject', '=', reminders[0].subject)
      .executeTakeFirstOrThrow();
    const lastDay = /Please send back the (\d+) faulty units by (\d{4}-\d\d-\d\d);/.exec(text);
    expect(lastDay).not.toBeNull();
    expect(text).toContain(`请于 ${lastDay![2]} 前寄回 ${lastDay![1]} 件不良品`);
    expect(waiting.role).toBe('warehouse');

    await h.complete(workflowId, 'invoice-unreturned', 'invoiced', { amountFen: 300_000 });
    await h.complete(workflowId, 'close-report', 'closed', {
      rootCause: 'lens scratched in assembly',
      correctiveAction: 'protective film added',
    });
    expect((await h.env.client.workflow.getHandle(workflowId).result()).outcome).toBe('exchanged_invoiced');
    const invoices = await h.testDb.db.selectFrom('invoices').selectAll().where('rma_case_id', '=', rmaId).execute();
    expect(invoices.map((i) => [i.number, i.amount_fen])).toEqual([[`${reference}-U`, 300_000]]);
  });

  it('faulty units back in time → exchanged, no invoice', async () => {
    const { rmaId, workflowId } = await h.open({ requestedResolution: 'exchange' });
    await throughAcceptance(h, workflowId, { resolution: 'exchange' });
    await h.complete(workflowId, 'ship-replacement', 'shipped', { carrier: 'SF', trackingNumber: 'SF-REPL-2' });
    await h.sleepUntil(new Date((await h.now()).getTime() + 10 * DAY));
    await h.complete(workflowId, 'faulty-return', 'received', { quantity: 150 });
    await h.complete(workflowId, 'close-report', 'closed', { rootCause: 'x', correctiveAction: 'y' });
    expect((await h.env.client.workflow.getHandle(workflowId).result()).outcome).toBe('exchanged');
    expect(await h.testDb.db.selectFrom('invoices').selectAll().where('rma_case_id', '=', rmaId).execute()).toEqual([]);
  });
});

// The refund path (received, inspected, capped, four eyes) is in resolution.test.ts.
