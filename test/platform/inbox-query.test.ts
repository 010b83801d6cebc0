/**
 * The inbox query over the repository (no API, no workflows): the case reference, customer name and amount kept
 * on a task when it opens, search and sorts over them, paging, and a customer's new name reaching its tasks.
 * The tasks-flow test covers the same over HTTP with real workflows.
 */
import { randomUUID } from 'node:crypto';
import { TEST_DB_KINDS, openTestDb, type TestDb } from '../../infra/db/testing';
import { customersRepo, ordersRepo, quotesRepo, tasksRepo } from '../../infra/db';
import { daysFromToday } from '../dates';

describe.each(TEST_DB_KINDS)('the inbox query on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a task keeps its case reference, customer and amount; the inbox searches, sorts and pages by them', async () => {
    const tag = randomUUID().slice(0, 8);
    const acme = await customersRepo.createCustomer(t.db, { code: `A${tag}`, name: `Acme ${tag}`, currency: 'CNY' });
    const zeta = await customersRepo.createCustomer(t.db, { code: `Z${tag}`, name: `Zeta ${tag}`, currency: 'CNY' });
    const quote = await quotesRepo.createQuote(t.db, {
      reference: `Q-${tag}`,
      customer_id: zeta.id,
      status: 'draft',
      quantity: 10,
      currency: 'CNY',
    });
    await quotesRepo.addQuoteRevision(t.db, { quote_id: quote.id, revision: 1, quantity: 10, total_fen: 50_000 });
    const order = await ordersRepo.createOrder(t.db, {
      reference: `O-${tag}`,
      quote_id: quote.id,
      customer_id: acme.id,
      status: 'contract',
      quantity: 10,
      total_fen: 90_000,
      currency: 'CNY',
    });
    const open = (step: string, input: Partial<tasksRepo.OpenTaskInput>) =>
      tasksRepo.openTask(t.db, {
        workflowId: `inbox-${tag}`,
        step,
        kind: 'approval',
        title: `${step} ${tag}`,
        role: 'finance',
        caseType: 'quote',
        caseId: quote.id,
        customerId: zeta.id,
        dueAt: new Date(`${daysFromToday(3)}T08:00:00Z`),
        ...input,
      });
    await open('review', {});
    await open('kitting', { caseType: 'order', caseId: order.id, customerId: acme.id });
    await open('payment', {
      caseType: 'order',
      caseId: order.id,
      customerId: acme.id,
      payload: { outstandingFen: 70_000 },
      dueAt: new Date(`${daysFromToday(1)}T08:00:00Z`),
    });

    const all = await tasksRepo.listInbox(t.db, { search: tag, status: 'open' });
    expect(all.total).toBe(3);
    // Due first: the payment, then the two due on the same day in the order they opened.
    expect(all.tasks.map((x) => [x.step, x.caseReference, x.customerName, x.amountFen])).toEqual([
      ['payment', `O-${tag}`, `Acme ${tag}`, 70_000],
      ['review', `Q-${tag}`, `Zeta ${tag}`, 50_000],
      ['kitting', `O-${tag}`, `Acme ${tag}`, 90_000],
    ]);
    const steps = async (filter: tasksRepo.InboxFilter) =>
      (await tasksRepo.listInbox(t.db, { search: tag, ...filter })).tasks.map((x) => x.step);
    // Ties keep the order the tasks opened in.
    expect(await steps({ sort: 'amount', dir: 'desc' })).toEqual(['kitting', 'payment', 'review']);
    expect(await steps({ sort: 'customer', dir: 'desc' })).toEqual(['review', 'kitting', 'payment']);
    expect(await steps({ sort: 'reference' })).toEqual(['kitting', 'payment', 'review']);
    expect(await steps({ sort: 'amount', dir: 'desc', limit: 1, offset: 1 })).toEqual(['payment']);
    // The reference and the customer's name are searched as well as the title (case-insensitive).
    expect((await tasksRepo.listInbox(t.db, { search: `q-${tag}` })).tasks.map((x) => x.step)).toEqual(['review']);
    expect((await tasksRepo.listInbox(t.db, { search: `acme ${tag}` })).total).toBe(2);
    // A search is words, not a pattern: % and _ match only themselves.
    expect((await tasksRepo.listInbox(t.db, { search: `${tag}%` })).total).toBe(0);
    // Words match within one of the three, never across the end of the title into the reference.
    expect((await tasksRepo.listInbox(t.db, { search: `review ${tag}` })).total).toBe(1);
    expect((await tasksRepo.listInbox(t.db, { search: `${tag} q-${tag}` })).total).toBe(0);
    // The total counts every match, whatever the page, with or without a search, and past the last page.
    for (const search of [undefined, tag]) {
      const onePage = await tasksRepo.listInbox(t.db, { caseId: order.id, search, limit: 1 });
      expect([onePage.total, onePage.tasks.map((x) => x.step)]).toEqual([2, ['payment']]);
      const pastTheEnd = await tasksRepo.listInbox(t.db, { caseId: order.id, search, limit: 1, offset: 5 });
      expect([pastTheEnd.total, pastTheEnd.tasks]).toEqual([2, []]);
    }
    expect(await tasksRepo.listInbox(t.db, { caseId: randomUUID() })).toEqual({ total: 0, tasks: [] });

    // A customer's new name reaches its tasks (the inbox shows it and finds it).
    await customersRepo.updateCustomer(t.db, acme.id, { name: `Acme Renamed ${tag}` });
    const renamed = await tasksRepo.listInbox(t.db, { search: `Acme Renamed ${tag}` });
    expect(renamed.tasks.map((x) => x.customerName)).toEqual([`Acme Renamed ${tag}`, `Acme Renamed ${tag}`]);
  });
});
