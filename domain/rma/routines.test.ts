import { FACTORY_CALENDAR } from './calendar';
import { assessViolations, dailyReport, pmcAgenda, routineRunsOn, tripPlan, type OpenStep } from './routines';

const cal = { ...FACTORY_CALENDAR, holidays: ['2026-12-02'] };
// Monday 2026-11-30 17:20 in Shanghai.
const now = new Date('2026-11-30T09:20:00Z');
const step = (over: Partial<OpenStep>): OpenStep => ({
  taskId: 't1',
  rmaId: 'r1',
  reference: 'RMA-1',
  customerName: 'Acme Optics',
  customerAddress: '1 Lens Road',
  urgent: false,
  step: 'site-visit',
  kind: 'rma.site-visit',
  role: 'qa',
  title: 'On-site confirmation',
  dueAt: null,
  ...over,
});

describe('routines run on working days (Mon–Sat, holidays from the calendar)', () => {
  it.each([
    ['Monday', '2026-11-30T09:20:00Z', true],
    ['Saturday', '2026-12-05T09:20:00Z', true],
    ['Sunday', '2026-12-06T09:20:00Z', false],
    ['a holiday Wednesday', '2026-12-02T09:20:00Z', false],
  ])('%s → %s', (_name, at, runs) => {
    expect(routineRunsOn(cal, new Date(at))).toBe(runs);
  });
});

describe('trip plan (1. 对客户端的投诉情况进行登记,排定出差计划表,每日下午17:20更新)', () => {
  it("lists tomorrow's and overdue visits, urgent first, and leaves later ones out", () => {
    const plan = tripPlan(
      [
        step({ taskId: 'a', reference: 'RMA-A', dueAt: '2026-12-01T12:00:00Z' }), // Tue 20:00 local: tomorrow
        step({ taskId: 'b', reference: 'RMA-B', dueAt: '2026-12-03T12:00:00Z' }), // Thu: later
        step({ taskId: 'c', reference: 'RMA-C', dueAt: '2026-12-01T12:00:00Z', urgent: true }),
        step({ taskId: 'd', reference: 'RMA-D', dueAt: '2026-11-28T12:00:00Z' }), // Saturday: overdue
        step({
          taskId: 'e',
          reference: 'RMA-E',
          kind: 'rma.classify',
          step: 'classify',
          dueAt: '2026-12-01T12:00:00Z',
        }),
      ],
      now,
      cal,
    );
    expect(plan.tomorrow).toBe('2026-12-01');
    expect(plan.visits.map((v) => [v.reference, v.overdue])).toEqual([
      ['RMA-C', false],
      ['RMA-D', true],
      ['RMA-A', false],
    ]);
    expect(plan.mail.roles).toEqual(['qa', 'sales']);
    expect(plan.mail.lines.join('\n')).toContain(
      'RMA-C · Acme Optics, 1 Lens Road · due 截止 2026-12-01 20:00 · URGENT 紧急',
    );
  });
  it('on the day before a holiday, tomorrow is the next working day', () => {
    // Tuesday 2026-12-01 17:20: Wednesday is a holiday, so the plan is for Thursday.
    expect(tripPlan([], new Date('2026-12-01T09:20:00Z'), cal).tomorrow).toBe('2026-12-03');
  });
});

describe('PMC agenda (3.4.3 售后工程师每天下午16:00与PMC梳理售后品的排产及物料进度)', () => {
  const at = new Date('2026-11-30T08:00:00Z'); // Monday 16:00
  it('materials awaited, repairs due today and overdue, promised dates at risk', () => {
    const agenda = pmcAgenda(
      [
        step({
          taskId: 'm1',
          rmaId: 'r1',
          reference: 'RMA-1',
          kind: 'rma.material-arrived',
          step: 'material-arrived:FPC',
          dueAt: '2026-12-04T12:00:00Z',
        }),
        step({
          taskId: 'm2',
          rmaId: 'r2',
          reference: 'RMA-2',
          kind: 'rma.material-arrived',
          step: 'material-arrived:SMT',
          dueAt: '2026-11-28T12:00:00Z',
        }),
        step({
          taskId: 'p1',
          rmaId: 'r3',
          reference: 'RMA-3',
          kind: 'rma.repair',
          step: 'repair',
          dueAt: '2026-11-30T12:00:00Z',
        }),
        step({
          taskId: 'p2',
          rmaId: 'r4',
          reference: 'RMA-4',
          kind: 'rma.repair',
          step: 'repair',
          dueAt: '2026-11-27T12:00:00Z',
        }),
        step({
          taskId: 'p3',
          rmaId: 'r5',
          reference: 'RMA-5',
          kind: 'rma.repair',
          step: 'repair',
          dueAt: '2026-12-05T12:00:00Z',
        }),
      ],
      [
        { rmaId: 'r1', reference: 'RMA-1', promisedOn: '2026-12-03', repaired: false }, // FPC arrives after it
        { rmaId: 'r3', reference: 'RMA-3', promisedOn: '2026-12-01', repaired: false }, // due next working day
        { rmaId: 'r4', reference: 'RMA-4', promisedOn: '2026-11-28', repaired: false }, // passed
        { rmaId: 'r5', reference: 'RMA-5', promisedOn: '2026-12-10', repaired: false }, // fine
        { rmaId: 'r6', reference: 'RMA-6', promisedOn: '2026-11-20', repaired: true }, // done
      ],
      at,
      cal,
    );
    expect(agenda.materials.map((m) => [m.reference, m.material, m.late])).toEqual([
      ['RMA-2', 'SMT', true],
      ['RMA-1', 'FPC', false],
    ]);
    expect(agenda.repairsDue.map((r) => r.reference)).toEqual(['RMA-3']);
    expect(agenda.repairsOverdue.map((r) => r.reference)).toEqual(['RMA-4']);
    expect(agenda.atRisk.map((p) => p.reference)).toEqual(['RMA-1', 'RMA-3', 'RMA-4']);
    expect(agenda.mail.roles).toEqual(['production', 'qa']);
  });
});

describe('daily work report (3. 并将处理结果共享在工作日报中)', () => {
  it("counts today's work and lists what is overdue", () => {
    const report = dailyReport(
      {
        opened: 2,
        closed: 1,
        completed: [
          { step: 'classify', reference: 'RMA-1' },
          { step: 'qa-confirmation#2', reference: 'RMA-2' },
          { step: 'material-arrived:FPC', reference: 'RMA-3' },
          { step: 'classify', reference: 'RMA-4' },
        ],
      },
      [step({ dueAt: '2026-11-28T12:00:00Z' }), step({ taskId: 'x', dueAt: '2026-12-04T12:00:00Z' })],
      now,
      cal,
    );
    expect(report.overdue).toHaveLength(1);
    expect(report.mail.lines).toEqual(
      expect.arrayContaining([
        'Opened today / 今日登记: 2',
        '  classify: 2',
        '  qa-confirmation: 1',
        '  material-arrived: 1',
        'Open steps / 未完成步骤: 2, overdue / 逾期: 1',
      ]),
    );
  });
});

describe('penalty assessment (备注 4: 无故违反本流程制度,处以 50 元一次罚款,情节严重者加倍处罚)', () => {
  it.each([
    ['on time', '2026-12-01T12:00:00Z', false, undefined],
    ['late the same day', '2026-11-30T08:00:00Z', false, 5_000],
    ['1 working day late', '2026-11-28T12:00:00Z', false, 5_000],
    ['2 working days late: serious', '2026-11-26T12:00:00Z', false, 10_000],
    ['urgent case late: serious', '2026-11-30T08:00:00Z', true, 10_000],
  ])('%s (due %s, urgent %s) → %s fen', (_name, dueAt, urgent, fen) => {
    const fines = assessViolations(
      [step({ kind: 'rma.classify', step: 'classify', role: 'engineer', dueAt, urgent })],
      now,
      cal,
    );
    expect(fines[0]?.amountFen).toBe(fen);
    if (fen) expect(fines[0]).toMatchObject({ key: 'violation:t1', responsibleRole: 'engineer' });
  });
  it('does not fine the 24 h report twice (it has its own 50 CNY per day)', () => {
    expect(assessViolations([step({ kind: 'rma.quality-report', dueAt: '2026-11-27T12:00:00Z' })], now, cal)).toEqual(
      [],
    );
  });
});
