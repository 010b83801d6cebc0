/**
 * The daily routines (seed 002) as workflows on the time-skipping server: each runs at its local time on the
 * factory's calendar against real open RMA steps, and mails the right roles once per day.
 */
import { Client } from '@temporalio/client';
import { createRmaHarness, type RmaHarness } from './harness';
import { throughAcceptance, HOUR, DAY } from './flow-helpers';
import { RMA_TASK_QUEUE } from '../../domain/rma/contract';
import { localDate } from '../../domain/rma/calendar';
import {
  rmaDailyReportWorkflow,
  rmaPenaltyAssessmentWorkflow,
  rmaPmcAgendaWorkflow,
  rmaTripPlanWorkflow,
  type RoutineResult,
} from '../../workflows/rma/routines';
import { listPenalties } from '../../infra/db/repositories/rma';

let h: RmaHarness;
let monday: number;
beforeAll(async () => {
  h = await createRmaHarness();
  monday = (await h.now()).getTime() - 9 * HOUR + 1; // Monday 00:00 local (+1 ms)
}, 300_000);
afterAll(async () => {
  await h?.close();
});

let run = 0;
/**
 * Runs a routine at the server's current time: the test environment's own client would skip time ahead (to the
 * RMAs' next reminder) while waiting for the result, so a plain client on the same connection waits instead.
 */
function atTheCurrentTime<A extends unknown[], R>(
  workflow: (...args: A) => Promise<R>,
  options: { taskQueue: string; workflowId: string; args: A },
): Promise<R> {
  return new Client({ connection: h.env.connection, namespace: h.env.namespace }).workflow.execute(workflow, options);
}

async function runRoutine(
  workflow: (input: { calendar: typeof h.calendar }) => Promise<RoutineResult>,
  at: number,
): Promise<RoutineResult> {
  await h.sleepUntil(new Date(at));
  return atTheCurrentTime(workflow, {
    taskQueue: RMA_TASK_QUEUE,
    workflowId: `routine-test-${++run}`,
    args: [{ calendar: h.calendar }],
  });
}

async function routineMails(name: string): Promise<{ to: string; subject: string; text: string }[]> {
  const rows = await h.testDb.db
    .selectFrom('outbox')
    .select(['to_address', 'subject', 'text_body'])
    .where('idempotency_key', 'like', `rma-routine:${name}:%`)
    .orderBy('to_address')
    .execute();
  return rows.map((r) => ({ to: r.to_address, subject: r.subject, text: r.text_body }));
}

const local = (dayOffset: number, hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number);
  return monday + dayOffset * DAY + (hh * 60 + mm) * 60_000;
};

describe('daily routines on the factory calendar (Asia/Shanghai, Mon–Sat)', () => {
  let a: { workflowId: string; reference: string };
  let b: { workflowId: string; reference: string };
  let c: { workflowId: string; reference: string };

  it('16:00 PMC agenda (3.4.3 每天下午16:00与PMC梳理售后品的排产及物料进度): materials awaited and promised dates at risk', async () => {
    a = await h.open({ quantity: 5 });
    b = await h.open({ quantity: 3, urgent: true });
    c = await h.open({ quantity: 10 });
    await throughAcceptance(h, c.workflowId);
    const now = await h.now();
    // An arrival is a fact: not after the wall clock's now (the server's skipped clock runs ahead of it).
    await h.complete(c.workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min(now.getTime(), Date.now())).toISOString(),
      quantity: 10,
    });
    await h.complete(c.workflowId, 'classify', 'classified', {
      good: 10,
      scrap: 0,
      materials: [{ kind: 'FPC', inStock: false }],
      findings: 'FPC cracked',
    });
    await h.complete(c.workflowId, 'disassembly', 'done', { reclaimedParts: 0, ngParts: 1 });
    const tuesday = localDate(h.calendar, new Date(local(1, '12:00')));
    await h.complete(c.workflowId, 'repair-date', 'promised', { promisedOn: tuesday });
    await h.task(c.workflowId, 'material-arrived:FPC');

    const result = await runRoutine(rmaPmcAgendaWorkflow, local(0, '16:00'));
    expect(result).toMatchObject({ ran: true, day: localDate(h.calendar, new Date(local(0, '12:00'))) });
    const mails = await routineMails('pmc-agenda');
    expect(mails.map((m) => m.to)).toEqual(['production@rma.test', 'qa@rma.test']);
    expect(mails[0].text).toContain(`${c.reference} · FPC · expected`);
    expect(mails[0].text).toMatch(
      new RegExp(`${c.reference} · promised 承诺 ${tuesday} · FPC material expected after it`),
    );
  });

  it('17:20 trip plan (1. 排定出差计划表,每日下午17:20更新): the urgent visit due tomorrow, not the one due Thursday', async () => {
    const result = await runRoutine(rmaTripPlanWorkflow, local(0, '17:20'));
    expect(result.items).toBe(1);
    expect(result.recipients.sort()).toEqual(['qa@rma.test', 'sales@rma.test']);
    const [mail] = await routineMails('trip-plan');
    expect(mail.subject).toContain(localDate(h.calendar, new Date(local(1, '12:00'))));
    expect(mail.text).toContain(`${b.reference} · Acme Optics, 1 Lens Road, Shenzhen · due 截止`);
    expect(mail.text).toContain('URGENT 紧急');
    expect(mail.text).not.toContain(a.reference);
  });

  it('the daily work report (3. 将处理结果共享在工作日报中) counts the steps done today', async () => {
    const result = await runRoutine(rmaDailyReportWorkflow, local(0, '19:30'));
    expect(result.ran).toBe(true);
    const [mail] = await routineMails('daily-report');
    expect(mail.to).toBe('manager@rma.test');
    // (Cases are stamped by the database's wall clock, which the time-skipping server does not move.)
    expect(mail.text).toContain('  classify: 1');
    expect(mail.text).toContain('  repair-date: 1');
  });

  it("Wednesday's trip plan lists Thursday's visit and the overdue urgent one", async () => {
    const result = await runRoutine(rmaTripPlanWorkflow, local(2, '17:20'));
    expect(result.items).toBe(2);
    const mails = await routineMails('trip-plan');
    const wednesday = mails.find((m) => m.text.includes(a.reference));
    expect(wednesday?.text).toMatch(new RegExp(`${b.reference}.*OVERDUE 已逾期`));
  });

  it('penalty assessment (备注 4: 处以 50 元一次罚款,情节严重者加倍处罚): once per overdue step, the urgent one doubled', async () => {
    const result = await runRoutine(rmaPenaltyAssessmentWorkflow, local(4, '19:45'));
    expect(result.items).toBe(2);
    const fines = (await listPenalties(h.testDb.db, {})).filter((p) => p.kind === 'violation');
    expect(fines.map((f) => [f.responsible_party, Number(f.amount_fen), f.serious]).sort()).toEqual([
      ['qa', 10_000, true],
      ['qa', 5_000, false],
    ]);
    // A second run the same day books nothing more.
    const again = await atTheCurrentTime(rmaPenaltyAssessmentWorkflow, {
      taskQueue: RMA_TASK_QUEUE,
      workflowId: `routine-test-${++run}`,
      args: [{ calendar: h.calendar }],
    });
    expect(again.items).toBe(0);
  });

  it('does nothing on a Sunday', async () => {
    const before = (await routineMails('trip-plan')).length;
    const result = await runRoutine(rmaTripPlanWorkflow, local(6, '17:20'));
    expect(result).toMatchObject({ ran: false, items: 0 });
    expect(await routineMails('trip-plan')).toHaveLength(before);
  });
});
