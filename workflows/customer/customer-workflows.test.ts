// Customer onboarding (factory audit) and payment-terms approval on the embedded Temporal server with time
// skipping; activities are recording doubles.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  customerOnboardingStateQuery,
  customerWorkflowId,
  paymentTermsWorkflowId,
  type CustomerOnboardingInput,
} from '../../domain/customer/contract';
import { taskCompletedSignal } from '../shared/task-signals';
import { completion, eventually, startHarness, type Harness } from '../../test/quote-flow/workflow-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const sales = { userId: 'u-sales', email: 'sales@demo.local', role: 'sales' };

async function startOnboarding(auditRequired: boolean) {
  const customerId = randomUUID();
  const input: CustomerOnboardingInput = { customerId, name: 'Acme Ltd', auditRequired, registeredBy: sales };
  const id = customerWorkflowId(customerId);
  const handle = await h.env.client.workflow.start('customerOnboardingWorkflow', {
    taskQueue: 'quote',
    workflowId: id,
    args: [input],
  });
  return { customerId, id, handle };
}

async function taskOpen(handle: WorkflowHandle, step: string) {
  return eventually(async () => {
    const state = await handle.query(customerOnboardingStateQuery);
    if (!state.openTasks.some((t) => t.step === step)) throw new Error(`task ${step} not open; step ${state.step}`);
    return state;
  });
}

/** A visit date `days` from the server's current time (YYYY-MM-DD, UTC date is fine for the test). */
async function dayFromNow(days: number): Promise<string> {
  const now = await h.env.currentTimeMs();
  return new Date(now + days * 86_400_000).toISOString().slice(0, 10);
}

describe('customerOnboardingWorkflow', () => {
  it('approves at once when the customer does not audit (audit optional per customer)', async () => {
    const { id, handle } = await startOnboarding(false);
    expect(await handle.result()).toEqual({ status: 'approved' });
    expect(h.recorder.of(id, 'projectOnboarding')).toEqual([
      expect.objectContaining({ onboarding: 'approved', auditRequired: false }),
    ]);
    expect(h.recorder.of(id, 'openTask')).toHaveLength(0);
  });

  it('audit pass: sales schedules the visit, is reminded the day before, records the result → approved', async () => {
    const { id, handle } = await startOnboarding(true);
    await taskOpen(handle, 'schedule-audit');
    const visitOn = await dayFromNow(5);
    await handle.signal(taskCompletedSignal, completion('schedule-audit', 'schedule', { visitOn }, 'sales'));
    const state = await taskOpen(handle, 'record-audit-result');
    expect(state).toMatchObject({ status: 'audit_scheduled', visitOn });
    expect(state.deadlines.visitReminderAt).toBe(
      new Date(Date.parse(`${visitOn}T00:00:00Z`) - 24 * 3_600_000).toISOString(),
    );

    // To an hour past the end of the visit day in the factory's zone (how far that is depends on the time of day).
    await h.env.sleep(Date.parse(String(state.deadlines.resultDueAt)) + 3_600_000 - (await h.env.currentTimeMs()));
    // The platform's reminder to sales the morning before, then the overdue note to sales at the end of the day.
    await eventually(() => expect(h.recorder.of(id, 'remindTask')).toEqual([{ step: 'record-audit-result' }]));
    await eventually(() =>
      expect(h.recorder.of(id, 'escalateTask')).toEqual([{ step: 'record-audit-result', escalateTo: ['sales'] }]),
    );
    await handle.signal(
      taskCompletedSignal,
      completion('record-audit-result', 'pass', { auditors: 'J. Doe' }, 'sales'),
    );
    expect(await handle.result()).toEqual({ status: 'approved' });
    expect(h.recorder.of(id, 'recordAudit')).toEqual([
      expect.objectContaining({ result: 'pass', visitOn, correctiveActions: [] }),
    ]);
    const final = await handle.query(customerOnboardingStateQuery);
    expect(final.decisions.map((d) => [d.step, d.decision, d.by.email])).toEqual([
      ['schedule-audit', 'schedule', 'sales@demo.local'],
      ['record-audit-result', 'pass', 'sales@demo.local'],
    ]);
  });

  it('audit fail → rejected; no re-audit asked within the year → the onboarding ends rejected', async () => {
    const { id, handle } = await startOnboarding(true);
    await taskOpen(handle, 'schedule-audit');
    await handle.signal(
      taskCompletedSignal,
      completion('schedule-audit', 'schedule', { visitOn: await dayFromNow(1) }, 'sales'),
    );
    await taskOpen(handle, 'record-audit-result');
    await handle.signal(
      taskCompletedSignal,
      completion('record-audit-result', 'fail', { notes: 'no ESD control' }, 'sales'),
    );
    // result() lets time run: 30 days to the re-audit offer, which is withdrawn a year later.
    expect(await handle.result()).toEqual({ status: 'rejected' });
    expect(h.recorder.of(id, 'projectOnboarding').at(-1)).toMatchObject({ onboarding: 'rejected' });
    expect(h.recorder.of(id, 'openTask', (i) => i.step === 'request-reaudit')).toEqual([
      expect.objectContaining({ role: 'sales_manager', kind: 'customer.reaudit' }),
    ]);
    expect(h.recorder.of(id, 'closeTask').at(-1)).toEqual({ step: 'request-reaudit', status: 'cancelled' });
  });

  it('audit fail → after 30 days the sales manager asks for a re-audit → a new visit → pass → approved', async () => {
    const { id, handle } = await startOnboarding(true);
    await taskOpen(handle, 'schedule-audit');
    const firstVisit = await dayFromNow(1);
    await handle.signal(
      taskCompletedSignal,
      completion('schedule-audit', 'schedule', { visitOn: firstVisit }, 'sales'),
    );
    await taskOpen(handle, 'record-audit-result');
    const failedAt = await h.env.currentTimeMs();
    await handle.signal(
      taskCompletedSignal,
      completion('record-audit-result', 'fail', { notes: 'no ESD control' }, 'sales'),
    );
    const waiting = await eventually(async () => {
      const state = await handle.query(customerOnboardingStateQuery);
      expect(state).toMatchObject({ status: 'rejected', step: 'awaiting-reaudit', openTasks: [] });
      return state;
    });
    // The earliest day in factory time (UTC+8), 30 days after the failed result.
    expect(waiting.reauditFrom).toBe(new Date(failedAt + 30 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10));
    await h.env.sleep('29d');
    expect(h.recorder.of(id, 'openTask', (i) => i.step === 'request-reaudit')).toHaveLength(0);
    await h.env.sleep('1d');
    await taskOpen(handle, 'request-reaudit');
    expect(h.recorder.of(id, 'openTask', (i) => i.step === 'request-reaudit')).toEqual([
      expect.objectContaining({ role: 'sales_manager', kind: 'customer.reaudit' }),
    ]);
    await handle.signal(
      taskCompletedSignal,
      completion('request-reaudit', 'request', { reason: 'ESD floor and wrist straps installed' }, 'sales_manager'),
    );
    const round2 = await taskOpen(handle, 'schedule-audit-2');
    expect(round2).toMatchObject({ status: 'registered', auditRound: 2, visitOn: null, auditResult: null });
    expect(h.recorder.of(id, 'projectOnboarding').at(-1)).toMatchObject({ onboarding: 'registered' });

    const secondVisit = await dayFromNow(3);
    await handle.signal(
      taskCompletedSignal,
      completion('schedule-audit-2', 'schedule', { visitOn: secondVisit }, 'sales'),
    );
    await taskOpen(handle, 'record-audit-result-2');
    await handle.signal(taskCompletedSignal, completion('record-audit-result-2', 'pass', {}, 'sales'));
    expect(await handle.result()).toEqual({ status: 'approved' });
    expect(h.recorder.of(id, 'recordAudit').map((a) => [a.visitOn, a.result])).toEqual([
      [firstVisit, 'fail'],
      [secondVisit, 'pass'],
    ]);
  });

  it('a visit moved before its result: the customer is mailed the new date and the result task follows it', async () => {
    const { id, customerId, handle } = await startOnboarding(true);
    await taskOpen(handle, 'schedule-audit');
    const planned = await dayFromNow(2);
    await handle.signal(taskCompletedSignal, completion('schedule-audit', 'schedule', { visitOn: planned }, 'sales'));
    await taskOpen(handle, 'record-audit-result');
    const moved = await dayFromNow(9);
    await handle.signal(
      taskCompletedSignal,
      completion('record-audit-result', 'reschedule', { visitOn: moved, reason: 'their QA lead is ill' }, 'sales'),
    );
    const state = await taskOpen(handle, 'record-audit-result-2');
    expect(state).toMatchObject({ status: 'audit_scheduled', visitOn: moved });
    expect(state.deadlines.visitReminderAt).toBe(
      new Date(Date.parse(`${moved}T00:00:00Z`) - 24 * 3_600_000).toISOString(),
    );
    expect(h.recorder.of(id, 'mailCustomerContacts')).toEqual([
      expect.objectContaining({
        customerId,
        idempotencyKey: `${id}:record-audit-result:visit-moved`,
        subject: `Your audit visit of our factory moves to ${moved} / 验厂日期改为 ${moved}`,
        // English and Chinese, as every customer email.
        text: expect.stringMatching(
          new RegExp(
            `moves to ${moved}\\.\\nReason: their QA lead is ill[\\s\\S]*的验厂改为 ${moved}。\\n原因：their QA lead is ill`,
          ),
        ),
      }),
    ]);
    // The reminder follows the new date: nothing the morning before the old one.
    await h.env.sleep(Date.parse(`${planned}T00:00:00Z`) - (await h.env.currentTimeMs()));
    expect(h.recorder.of(id, 'remindTask')).toHaveLength(0);
    await handle.signal(taskCompletedSignal, completion('record-audit-result-2', 'pass', {}, 'sales'));
    expect(await handle.result()).toEqual({ status: 'approved' });
    expect(h.recorder.of(id, 'recordAudit')).toEqual([expect.objectContaining({ visitOn: moved, result: 'pass' })]);
    const final = await handle.query(customerOnboardingStateQuery);
    expect(final.decisions.map((d) => [d.step, d.decision])).toEqual([
      ['schedule-audit', 'schedule'],
      ['record-audit-result', 'reschedule'],
      ['record-audit-result-2', 'pass'],
    ]);
  });

  it('audit conditional: an overdue corrective action escalates to the manager daily until done → approved', async () => {
    const { id, handle } = await startOnboarding(true);
    await taskOpen(handle, 'schedule-audit');
    await handle.signal(
      taskCompletedSignal,
      completion('schedule-audit', 'schedule', { visitOn: await dayFromNow(1) }, 'sales'),
    );
    await taskOpen(handle, 'record-audit-result');
    const dueOn = await dayFromNow(3);
    await handle.signal(
      taskCompletedSignal,
      completion(
        'record-audit-result',
        'conditional',
        {
          correctiveActions: [
            { description: 'Label MSD storage', dueOn },
            { description: 'Calibrate AOI', dueOn: await dayFromNow(30) },
          ],
        },
        'sales',
      ),
    );
    const state = await taskOpen(handle, 'corrective-action-ca-1');
    expect(state.status).toBe('corrective_actions');
    expect(state.correctiveActions.map((a) => [a.id, a.status])).toEqual([
      ['ca-1', 'open'],
      ['ca-2', 'open'],
    ]);
    expect(h.recorder.of(id, 'projectOnboarding').at(-1)).toMatchObject({ onboarding: 'corrective_actions' });

    const overdue = () => [
      ...h.recorder.of(id, 'escalateTask', (i) => i.step === 'corrective-action-ca-1'),
      ...h.recorder.of(id, 'mailRoles', (i) => String(i.idempotencyKey).includes('corrective-action-ca-1:overdue-')),
    ];
    // Overdue at the end of the due day in factory time (UTC+8): 16:00 UTC that day.
    const deadline = Date.parse(`${dueOn}T16:00:00Z`);
    expect(state.correctiveActions[0].deadline).toBe(new Date(deadline).toISOString());
    await h.env.sleep(deadline - (await h.env.currentTimeMs()) - 3_600_000);
    expect(overdue()).toHaveLength(0);
    await h.env.sleep('2h');
    await eventually(() => expect(overdue()).toEqual([{ step: 'corrective-action-ca-1', escalateTo: ['manager'] }]));
    expect(h.recorder.of(id, 'markCorrectiveActionOverdue')).toEqual([{ correctiveActionId: 'ca-1' }]);
    await h.env.sleep('1d');
    await eventually(() => expect(overdue()).toHaveLength(2));
    expect(overdue()[1]).toMatchObject({
      roles: ['manager'],
      idempotencyKey: `${id}:corrective-action-ca-1:overdue-2`,
    });

    await handle.signal(taskCompletedSignal, completion('corrective-action-ca-1', 'done', {}, 'qa'));
    await handle.signal(taskCompletedSignal, completion('corrective-action-ca-2', 'done', {}, 'qa'));
    expect(await handle.result()).toEqual({ status: 'approved' });
    expect(overdue()).toHaveLength(2);
    // ca-2 was done before its deadline: the manager never heard about it.
    expect(h.recorder.of(id, 'mailRoles', (i) => String(i.idempotencyKey).includes('ca-2:overdue'))).toHaveLength(0);
    expect(h.recorder.of(id, 'escalateTask', (i) => i.step === 'corrective-action-ca-2')).toHaveLength(0);
    expect(
      h.recorder
        .of(id, 'closeCorrectiveAction')
        .map((i) => i.correctiveActionId)
        .sort(),
    ).toEqual(['ca-1', 'ca-2']);
  });
});

describe('paymentTermsApprovalWorkflow', () => {
  async function startTerms() {
    const customerId = randomUUID();
    const id = paymentTermsWorkflowId(customerId, 'r1');
    const handle = await h.env.client.workflow.start('paymentTermsApprovalWorkflow', {
      taskQueue: 'quote',
      workflowId: id,
      args: [
        {
          customerId,
          requestId: 'r1',
          creditLimitFen: 5_000_000,
          requestedBy: { userId: 'u-fin', email: 'finance@demo.local', role: 'finance' },
        },
      ],
    });
    await eventually(() =>
      expect(h.recorder.of(id, 'openTask')).toEqual([
        expect.objectContaining({ step: 'approve-payment-terms', role: 'manager' }),
      ]),
    );
    return { id, handle };
  }

  it('monthly settlement applies once a manager approves, after a reminder at two days', async () => {
    const { id, handle } = await startTerms();
    await h.env.sleep('49h');
    await eventually(() => expect(h.recorder.of(id, 'remindTask')).toEqual([{ step: 'approve-payment-terms' }]));
    await handle.signal(taskCompletedSignal, completion('approve-payment-terms', 'approve', {}, 'manager'));
    const result = await handle.result();
    expect(result).toMatchObject({
      approved: true,
      terms: { kind: 'monthly', creditLimitFen: 5_000_000, approvedBy: 'user-manager' },
    });
    // The title states the limit as money.
    expect(h.recorder.of(id, 'openTask')[0]).toMatchObject({
      title: 'Approve monthly settlement with a credit limit of ¥50,000.00',
    });
    expect(h.recorder.of(id, 'applyPaymentTerms')).toEqual([expect.objectContaining({ terms: result.terms })]);
  });

  it('a refusal keeps prepay', async () => {
    const { id, handle } = await startTerms();
    await handle.signal(
      taskCompletedSignal,
      completion('approve-payment-terms', 'reject', { comment: 'not yet' }, 'manager'),
    );
    expect(await handle.result()).toMatchObject({ approved: false, terms: { kind: 'prepay', creditLimitFen: 0 } });
    expect(h.recorder.of(id, 'applyPaymentTerms')[0]).toMatchObject({ terms: { kind: 'prepay' } });
  });

  // Four eyes (issue 13): the API refuses the requester (403); should their approval reach the workflow anyway, it
  // does not count. The task names the requester so the platform can refuse them.
  it('an approval by the person who asked keeps prepay', async () => {
    const { id, handle } = await startTerms();
    expect(h.recorder.of(id, 'openTask')[0]).toMatchObject({ payload: { requestedByUserId: 'u-fin' } });
    const own = completion('approve-payment-terms', 'approve', {}, 'manager');
    await handle.signal(taskCompletedSignal, { ...own, completedBy: { ...own.completedBy, userId: 'u-fin' } });
    expect(await handle.result()).toMatchObject({ approved: false, terms: { kind: 'prepay' } });
  });
});
