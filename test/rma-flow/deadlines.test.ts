import { createRmaHarness, eventually, type RmaHarness } from './harness';
import { DAY, expectNear, HOUR, mails, throughAcceptance, throughClassification, visitForm } from './flow-helpers';
import { findTaskByStep } from '../../infra/db/repositories/tasks';
import { listPenalties } from '../../infra/db/repositories/rma';
import { daysFromToday } from '../dates';

// Each test starts at Monday 09:00 Shanghai (01:00Z) of a fresh week: the harness moves the clock, and each
// test moves it on to the next Monday before opening its RMA.
let h: RmaHarness;
beforeAll(async () => {
  h = await createRmaHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function nextMonday(): Promise<Date> {
  const now = await h.now();
  const days = (8 - now.getUTCDay()) % 7 || 7;
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, 1, 0, 0));
  await h.sleepUntil(monday);
  return monday;
}

async function terminate(workflowId: string) {
  await h.env.client.workflow.getHandle(workflowId).terminate('test done');
}

describe('on-site confirmation clock (3 working days; urgent: next working day)', () => {
  it('reminds QA halfway, then escalates to the manager when the visit is overdue', async () => {
    const monday = await nextMonday();
    const { workflowId } = await h.open();
    await h.complete(workflowId, 'quality-report', 'submitted', { defectQuantity: 1, symptoms: 'flicker' });
    const task = await h.task(workflowId, 'site-visit');
    // Monday 09:00 local + 3 working days → Thursday 20:00 local = Thursday 12:00Z.
    const due = new Date(monday.getTime() + 3 * DAY + 11 * HOUR);
    expect(task.dueAt?.toISOString()).toBe(due.toISOString());
    expect(task.role).toBe('qa');

    await h.sleepUntil(new Date(due.getTime() - HOUR));
    let row = await findTaskByStep(h.testDb.db, workflowId, 'site-visit');
    expect(row?.escalatedAt).toBeNull();
    expect(row?.remindedAt).not.toBeNull();

    await h.sleepUntil(new Date(due.getTime() + HOUR));
    row = await eventually(async () => {
      const t = await findTaskByStep(h.testDb.db, workflowId, 'site-visit');
      if (!t?.escalatedAt) throw new Error('not escalated yet');
      return t;
    });
    expect(row.status).toBe('open');
    const sent = await mails(h);
    expect(sent).toContainEqual({
      to: 'manager@rma.test',
      subject: expect.stringMatching(/^Escalation: On-site confirmation/),
    });
    expect(sent).toContainEqual({
      to: 'qa@rma.test',
      subject: expect.stringMatching(/^Reminder: On-site confirmation/),
    });
    // The row is stamped inside the activity; the workflow marks the wait escalated once the activity returns.
    const state = await eventually(async () => {
      const view = await h.state(workflowId);
      expect(view.openTasks).toContainEqual(expect.objectContaining({ step: 'site-visit', escalated: true }));
      return view;
    });
    expect(state.deadlines).toContainEqual(
      expect.objectContaining({ name: 'site-visit', dueAt: due.toISOString(), breachedAt: due.toISOString() }),
    );

    // Done late: the deadline shows met and breached.
    await h.complete(workflowId, 'site-visit', 'confirmed', visitForm());
    await eventually(async () => {
      const s = await h.state(workflowId);
      const d = s.deadlines.find((x) => x.name === 'site-visit');
      if (!d?.metAt) throw new Error('not met yet');
      expect(d.breachedAt).toBe(due.toISOString());
    });
    await terminate(workflowId);
  });

  it('an urgent complaint is due at the close of the next working day; Saturday counts, Sunday does not', async () => {
    const monday = await nextMonday();
    // Saturday 10:00 local.
    await h.sleepUntil(new Date(monday.getTime() + 5 * DAY + 1 * HOUR));
    const { workflowId } = await h.open({ urgent: true });
    const task = await h.task(workflowId, 'site-visit');
    // Next working day after Saturday is Monday: 20:00 local = 12:00Z.
    expect(task.dueAt?.toISOString()).toBe(new Date(monday.getTime() + 7 * DAY + 11 * HOUR).toISOString());
    await terminate(workflowId);
  });
});

describe('24 h quality-abnormality report: 50 CNY per day late, manager emailed each day', () => {
  it('a report handled 3 days late records 150 CNY in the ledger against sales', async () => {
    const monday = await nextMonday();
    const { rmaId, workflowId, reference } = await h.open();
    const due = new Date(monday.getTime() + 24 * HOUR);
    const report = await h.task(workflowId, 'quality-report');
    expectNear(report.dueAt, due);
    expect(report.role).toBe('sales');

    // 23 hours after the due time: escalated, no penalty yet (a day is charged once it has passed in full).
    await h.sleepUntil(new Date(due.getTime() + 23 * HOUR));
    await eventually(async () =>
      expect((await findTaskByStep(h.testDb.db, workflowId, 'quality-report'))?.escalatedAt).not.toBeNull(),
    );
    expect(await listPenalties(h.testDb.db, { rmaCaseId: rmaId })).toHaveLength(0);

    await h.sleepUntil(new Date(due.getTime() + 3 * DAY + HOUR));
    const entries = await eventually(async () => {
      const e = await listPenalties(h.testDb.db, { rmaCaseId: rmaId });
      if (e.length < 3) throw new Error(`${e.length} entries`);
      return e;
    });
    expect(entries.map((e) => [e.days_late, e.amount_fen, e.currency, e.responsible_party])).toEqual([
      [1, 5000, 'CNY', 'sales'],
      [2, 5000, 'CNY', 'sales'],
      [3, 5000, 'CNY', 'sales'],
    ]);
    const penaltyMails = (await mails(h)).filter((m) => m.subject.startsWith(`RMA ${reference}: quality report`));
    expect(penaltyMails).toEqual(
      [1, 2, 3].map((d) => ({
        to: 'manager@rma.test',
        subject: `RMA ${reference}: quality report ${d} day(s) late — 50 CNY penalty`,
      })),
    );

    await h.complete(workflowId, 'quality-report', 'submitted', { defectQuantity: 5, symptoms: 'flicker' });
    await eventually(async () =>
      expect((await h.state(workflowId)).penalty).toEqual({ days: 3, totalFen: 15_000, currency: 'CNY' }),
    );
    // Handled: no more entries however long the rest takes.
    await h.sleepUntil(new Date(due.getTime() + 6 * DAY));
    expect(await listPenalties(h.testDb.db, { rmaCaseId: rmaId })).toHaveLength(3);
    await terminate(workflowId);
  });

  it('a report handled on time costs nothing', async () => {
    await nextMonday();
    const { rmaId, workflowId } = await h.open();
    await h.sleepUntil(new Date((await h.now()).getTime() + 20 * HOUR));
    await h.complete(workflowId, 'quality-report', 'submitted', { defectQuantity: 5, symptoms: 'flicker' });
    await h.sleepUntil(new Date((await h.now()).getTime() + 3 * DAY));
    expect(await listPenalties(h.testDb.db, { rmaCaseId: rmaId })).toHaveLength(0);
    expect((await h.state(workflowId)).penalty.totalFen).toBe(0);
    await terminate(workflowId);
  });
});

describe('classification within 2 working days, material wait by type, repair date promise', () => {
  it('material FPC waits 7 days and SMT 2; the repair is due 2 working days after the kit is complete', async () => {
    const monday = await nextMonday();
    const { workflowId } = await h.open({ quantity: 40 });
    await throughAcceptance(h, workflowId);
    await h.complete(workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min((await h.now()).getTime(), Date.now())).toISOString(),
      quantity: 40,
    });
    const classify = await h.task(workflowId, 'classify');
    // Received Monday → classification due Wednesday 20:00 local.
    expect(classify.dueAt?.toISOString()).toBe(new Date(monday.getTime() + 2 * DAY + 11 * HOUR).toISOString());
    await h.complete(workflowId, 'classify', 'classified', {
      good: 40,
      scrap: 0,
      materials: [
        { kind: 'FPC', inStock: false },
        { kind: 'SMT', inStock: false },
      ],
      findings: 'FPC torn, SMT parts cracked',
    });
    await h.complete(workflowId, 'disassembly', 'done', { reclaimedParts: 0, ngParts: 40 });
    const requestedAt = await h.now();
    await h.complete(workflowId, 'repair-date', 'promised', { promisedOn: daysFromToday(11) });
    const fpc = await h.task(workflowId, 'material-arrived:FPC');
    const smt = await h.task(workflowId, 'material-arrived:SMT');
    expect(fpc.role).toBe('production');
    expectNear(fpc.dueAt, requestedAt.getTime() + 7 * DAY);
    expectNear(smt.dueAt, requestedAt.getTime() + 2 * DAY);
    const state = await h.state(workflowId);
    expect(state.materials).toEqual([
      { kind: 'FPC', inStock: false, spareQuantity: 20, expectedAt: fpc.dueAt!.toISOString() },
      { kind: 'SMT', inStock: false, spareQuantity: 20, expectedAt: smt.dueAt!.toISOString() },
    ]);

    // SMT on time; FPC a day late (Tuesday of the next week, 10:00 local): repair due Thursday 20:00 local.
    await h.sleepUntil(smt.dueAt!);
    await h.complete(workflowId, 'material-arrived:SMT', 'arrived', {});
    await h.sleepUntil(new Date(monday.getTime() + 8 * DAY + HOUR));
    await h.complete(workflowId, 'material-arrived:FPC', 'arrived', {});
    const repair = await h.task(workflowId, 'repair');
    expect(repair.dueAt?.toISOString()).toBe(new Date(monday.getTime() + 10 * DAY + 11 * HOUR).toISOString());
    // The date was promised at once: sales is not told anything.
    expect(await findTaskByStep(h.testDb.db, workflowId, 'no-repair-date')).toBeUndefined();
    const fpcRow = await findTaskByStep(h.testDb.db, workflowId, 'material-arrived:FPC');
    expect(fpcRow?.escalatedAt).not.toBeNull();
    await terminate(workflowId);
  });

  it('no repair date promised within 2 working days of disassembly: sales gets a task and an email', async () => {
    const monday = await nextMonday();
    const { workflowId, reference } = await h.open({ quantity: 10 });
    await throughAcceptance(h, workflowId);
    await throughClassification(h, workflowId, 10);
    await h.complete(workflowId, 'disassembly', 'done', { reclaimedParts: 0, ngParts: 10 });
    const promise = await h.task(workflowId, 'repair-date');
    expect(promise.dueAt?.toISOString()).toBe(new Date(monday.getTime() + 2 * DAY + 11 * HOUR).toISOString());
    await h.sleepUntil(new Date(promise.dueAt!.getTime() + HOUR));
    const told = await h.task(workflowId, 'no-repair-date');
    expect(told.role).toBe('sales');
    expect(await mails(h)).toContainEqual({ to: 'sales@rma.test', subject: `RMA ${reference}: no repair date yet` });
    await terminate(workflowId);
  });
});
