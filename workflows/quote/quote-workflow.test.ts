// The quote workflow on the embedded Temporal server with time skipping; activities are recording doubles.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  cancelQuoteSignal,
  quoteStateQuery,
  quoteWorkflowId,
  type QuoteWorkflowInput,
} from '../../domain/quote/contract';
import { taskCompletedSignal } from '../shared/task-signals';
import { completion, eventually, startHarness, type Harness } from '../../test/quote-flow/workflow-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

function input(quoteId: string, extra: Partial<QuoteWorkflowInput> = {}): QuoteWorkflowInput {
  return {
    quoteId,
    reference: `Q-${quoteId.slice(0, 8)}`,
    customerId: 'cust-1',
    quantity: 50,
    options: {},
    files: { gerber: { name: 'board.zip', path: '/tmp/board.zip', sha256: 'ab' } },
    submittedBy: { userId: 'u-buyer', email: 'buyer@demo.local', role: 'customer' },
    ...extra,
  };
}

async function start(extra: Partial<QuoteWorkflowInput> = {}, reviewRevision?: number) {
  const quoteId = randomUUID();
  if (reviewRevision)
    h.recorder.pricing.set(`${quoteId}:${reviewRevision}`, {
      autoQuoteAllowed: false,
      reviewReasons: ['BOM has unknown parts'],
      totalFen: 120_000,
    });
  const handle = await h.env.client.workflow.start('quoteWorkflow', {
    taskQueue: 'quote',
    workflowId: quoteWorkflowId(quoteId),
    args: [input(quoteId, extra)],
  });
  return { quoteId, handle, id: quoteWorkflowId(quoteId) };
}

/** Waits until the workflow has opened the task of `step`. */
async function taskOpen(handle: WorkflowHandle, step: string) {
  return eventually(async () => {
    const state = await handle.query(quoteStateQuery);
    // Opened: the task row exists (its id is known), so the stage has been projected in the same workflow task.
    const task = state.openTasks.find((t) => t.step === step && t.taskId !== null);
    if (!task) throw new Error(`task ${step} not open; stage ${state.stage}`);
    return state;
  });
}

describe('quoteWorkflow', () => {
  it('auto-quotes, issues, and on acceptance starts the order workflow on the production queue', async () => {
    const { quoteId, handle, id } = await start();
    const state = await taskOpen(handle, 'customer-decision-r1');
    expect(state.stage).toBe('awaiting_customer');
    expect(state.autoQuoteAllowed).toBe(true);
    expect(state.deadlines.expiresAt).not.toBeNull();
    expect(h.recorder.of(id, 'issueQuote')).toHaveLength(1);
    expect(h.recorder.of(id, 'openTask', (i) => i.step === 'engineering-review-r1')).toHaveLength(0);

    await handle.signal(taskCompletedSignal, completion('customer-decision-r1', 'accept', {}, 'customer'));
    const result = await handle.result();
    expect(result).toEqual({ outcome: 'accepted', revision: 1, orderWorkflowId: `order:${quoteId}` });

    const orderHandle = h.env.client.workflow.getHandle(`order:${quoteId}`);
    expect(await orderHandle.result()).toEqual({
      orderId: quoteId,
      quoteId,
      customerId: 'cust-1',
      quantity: 50,
      totalFen: 100_000,
      currency: 'CNY',
    });
    const order = await orderHandle.describe();
    expect(order.type).toBe('orderWorkflow');
    expect(order.taskQueue).toBe('production');
    const final = await handle.query(quoteStateQuery);
    expect(final.decisions).toEqual([
      expect.objectContaining({
        step: 'customer-decision-r1',
        decision: 'accept',
        by: expect.objectContaining({ email: 'customer@demo.local' }),
      }),
    ]);
    expect(h.recorder.of(id, 'projectQuoteStage').map((i) => i.stage)).toEqual([
      'analysing',
      'issuing',
      'awaiting_customer',
      'accepted',
    ]);
    expect(h.recorder.of(id, 'closeTask')).toEqual([
      expect.objectContaining({ step: 'customer-decision-r1', status: 'completed' }),
    ]);
  });

  it('a review breaching 24 h reminds engineers at 20 h, escalates once to the sales manager, then once a day', async () => {
    const { handle, id } = await start({}, 1);
    const step = 'engineering-review-r1';
    const opened = await taskOpen(handle, step);
    expect(opened.stage).toBe('engineering_review');
    expect(opened.reviewReasons).toEqual(['BOM has unknown parts']);
    const slaStart = Date.parse(opened.deadlines.slaStartedAt as string);
    expect(Date.parse(opened.deadlines.slaDueAt as string) - slaStart).toBe(24 * 3_600_000);

    await h.env.sleep('19h');
    expect(h.recorder.of(id, 'remindTask')).toHaveLength(0);
    await h.env.sleep('2h'); // 21 h
    await eventually(() => expect(h.recorder.of(id, 'remindTask')).toEqual([{ step }]));
    expect(h.recorder.of(id, 'escalateTask')).toHaveLength(0);

    await h.env.sleep('4h'); // 25 h: breached
    await eventually(() =>
      expect(h.recorder.of(id, 'escalateTask')).toEqual([{ step, escalateTo: ['sales_manager'] }]),
    );
    const escalationMails = () =>
      h.recorder.of(id, 'mailRoles', (i) => String(i.idempotencyKey).includes(':escalation-'));
    expect(escalationMails()).toHaveLength(0);

    await h.env.sleep('24h'); // 49 h
    await eventually(() => expect(escalationMails()).toHaveLength(1));
    expect(escalationMails()[0]).toMatchObject({
      roles: ['sales_manager'],
      idempotencyKey: `${id}:${step}:escalation-2`,
    });
    await h.env.sleep('24h'); // 73 h
    await eventually(() => expect(escalationMails()).toHaveLength(2));
    expect(h.recorder.of(id, 'escalateTask')).toHaveLength(1);
    expect(h.recorder.of(id, 'remindTask')).toHaveLength(1);
    // The workflow counts an escalation once its mail activity returns, a moment after the recorder saw it.
    await eventually(async () =>
      expect(await handle.query(quoteStateQuery)).toMatchObject({
        reminded: true,
        escalations: 3,
        stage: 'engineering_review',
      }),
    );

    // The engineer finally adjusts a line and approves; the customer rejects.
    await handle.signal(
      taskCompletedSignal,
      completion(step, 'approve', { adjustments: [{ code: 'STENCIL', unitPriceFen: 100 }] }),
    );
    await taskOpen(handle, 'customer-decision-r1');
    expect(h.recorder.of(id, 'applyReviewAdjustments')).toEqual([
      expect.objectContaining({ revision: 1, adjustments: [{ code: 'STENCIL', unitPriceFen: 100 }] }),
    ]);
    expect((await handle.query(quoteStateQuery)).totalFen).toBe(90_000);
    await handle.signal(
      taskCompletedSignal,
      completion('customer-decision-r1', 'reject', { comment: 'too dear' }, 'customer'),
    );
    expect(await handle.result()).toEqual({ outcome: 'rejected', revision: 1, orderWorkflowId: null });
    const final = await handle.query(quoteStateQuery);
    expect(final.decisions.map((d) => [d.step, d.decision, d.by.role])).toEqual([
      [step, 'approve', 'engineer'],
      ['customer-decision-r1', 'reject', 'customer'],
    ]);
    expect(final.decisions[1].comment).toBe('too dear');
    // No more mail once the review is done.
    expect(escalationMails()).toHaveLength(2);
  });

  it('a revision restarts the SLA clock from the new submission', async () => {
    const { handle, id } = await start({}, 2);
    await taskOpen(handle, 'customer-decision-r1');
    await h.env.sleep('3d');
    await handle.signal(
      taskCompletedSignal,
      completion('customer-decision-r1', 'revise', { comment: 'use 100 pcs', quantity: 100 }, 'customer'),
    );
    const state = await taskOpen(handle, 'engineering-review-r2');
    expect(state).toMatchObject({
      revision: 2,
      quantity: 100,
      stage: 'engineering_review',
      reminded: false,
      escalations: 0,
    });
    const restarted = Date.parse(state.deadlines.slaStartedAt as string);
    expect(Date.parse(state.deadlines.nextReminderAt as string) - restarted).toBe(20 * 3_600_000);
    expect(h.recorder.of(id, 'analyseQuoteRevision').map((i) => [i.revision, i.quantity])).toEqual([
      [1, 50],
      [2, 100],
    ]);
    // Each revision's board is drawn for the quote page once its files are analysed.
    expect(h.recorder.of(id, 'drawQuoteBoardPreview').map((i) => i.revision)).toEqual([1, 2]);

    await h.env.sleep('21h');
    await eventually(() => expect(h.recorder.of(id, 'remindTask')).toEqual([{ step: 'engineering-review-r2' }]));
    expect(h.recorder.of(id, 'escalateTask')).toHaveLength(0);
    await handle.signal(taskCompletedSignal, completion('engineering-review-r2', 'approve'));
    await taskOpen(handle, 'customer-decision-r2');
    await handle.signal(taskCompletedSignal, completion('customer-decision-r2', 'accept', {}, 'customer'));
    expect(await handle.result()).toMatchObject({ outcome: 'accepted', revision: 2 });
  });

  it('an engineer asking for corrected files waits for the customer, then analyses the new revision', async () => {
    const { handle, id } = await start({}, 1);
    await taskOpen(handle, 'engineering-review-r1');
    await handle.signal(
      taskCompletedSignal,
      completion('engineering-review-r1', 'request_files', { comment: 'no fiducials' }),
    );
    const waiting = await taskOpen(handle, 'corrected-files-r1');
    expect(waiting.stage).toBe('awaiting_corrected_files');
    expect(waiting.deadlines.slaDueAt).toBeNull();
    await handle.signal(
      taskCompletedSignal,
      completion('corrected-files-r1', 'submitted', { revision: 2 }, 'customer'),
    );
    await taskOpen(handle, 'customer-decision-r2'); // revision 2 auto-quotes
    expect(h.recorder.of(id, 'issueQuote').map((i) => i.revision)).toEqual([2]);
    await handle.signal(taskCompletedSignal, completion('customer-decision-r2', 'reject', {}, 'customer'));
    expect(await handle.result()).toMatchObject({ outcome: 'rejected', revision: 2 });
  });

  it('line changes that cannot be applied ask the engineer again, without a second reminder or escalation', async () => {
    const { handle, id } = await start({}, 1);
    await taskOpen(handle, 'engineering-review-r1');
    await h.env.sleep('25h'); // reminded and escalated once
    await eventually(() => expect(h.recorder.of(id, 'escalateTask')).toHaveLength(1));
    await handle.signal(
      taskCompletedSignal,
      completion('engineering-review-r1', 'approve', { adjustments: [{ code: 'NOPE', unitPriceFen: 1 }] }),
    );
    const again = await taskOpen(handle, 'engineering-review-r1-2');
    expect(again.stage).toBe('engineering_review');
    expect(again.reviewReasons.at(-1)).toMatch(/line changes not applied: .*NOPE/);
    expect(h.recorder.of(id, 'openTask', (i) => i.step === 'engineering-review-r1-2')).toEqual([
      expect.objectContaining({ role: 'engineer' }),
    ]);
    const escalationMails = () =>
      h.recorder.of(id, 'mailRoles', (i) => String(i.idempotencyKey).includes(':escalation-'));
    await h.env.sleep('24h'); // 49 h: the daily repeat continues the same count
    await eventually(() =>
      expect(escalationMails().map((m) => m.idempotencyKey)).toEqual([`${id}:engineering-review-r1:escalation-2`]),
    );
    expect(h.recorder.of(id, 'remindTask')).toHaveLength(1);
    expect(h.recorder.of(id, 'escalateTask')).toHaveLength(1);
    await handle.signal(
      taskCompletedSignal,
      completion('engineering-review-r1-2', 'approve', { adjustments: [{ code: 'PCB', unitPriceFen: 10 }] }),
    );
    await taskOpen(handle, 'customer-decision-r1');
    expect((await handle.query(quoteStateQuery)).totalFen).toBe(90_000);
    await handle.terminate('done');
  });

  it('a zeroed line waits for a second person: refused restores the engine price and asks the engineer again; approved is stated on the issued quote', async () => {
    const { handle, id } = await start({}, 1);
    await taskOpen(handle, 'engineering-review-r1');
    await handle.signal(
      taskCompletedSignal,
      completion('engineering-review-r1', 'approve', { adjustments: [{ code: 'SMT', unitPriceFen: 0 }] }),
    );
    const waiting = await taskOpen(handle, 'price-approval-r1');
    expect(waiting.stage).toBe('engineering_review');
    expect(h.recorder.of(id, 'issueQuote')).toHaveLength(0);
    expect(h.recorder.of(id, 'openTask', (i) => i.step === 'price-approval-r1')).toEqual([
      expect.objectContaining({
        role: 'sales_manager',
        kind: 'quote.price-approval',
        payload: expect.objectContaining({
          requestedByUserId: 'user-engineer',
          approvalReasons: ['line "SMT" is set to zero'],
          totalFen: 10_000,
        }),
      }),
    ]);
    // Nobody decides for a day: the manager is told.
    await h.env.sleep('25h');
    await eventually(() =>
      expect(h.recorder.of(id, 'escalateTask', (i) => i.step === 'price-approval-r1')).toEqual([
        { step: 'price-approval-r1', escalateTo: ['manager'] },
      ]),
    );

    await handle.signal(
      taskCompletedSignal,
      completion('price-approval-r1', 'reject', { comment: 'no free assembly' }, 'sales_manager'),
    );
    const again = await taskOpen(handle, 'engineering-review-r1-2');
    expect(again.totalFen).toBe(100_000);
    expect(again.reviewReasons.at(-1)).toBe('price change refused by the sales_manager: no free assembly');
    expect(h.recorder.of(id, 'applyReviewAdjustments').at(-1)).toMatchObject({ adjustments: [] });

    await handle.signal(
      taskCompletedSignal,
      completion('engineering-review-r1-2', 'approve', { adjustments: [{ code: 'SMT', unitPriceFen: 0 }] }),
    );
    await taskOpen(handle, 'price-approval-r1-2');
    await handle.signal(taskCompletedSignal, completion('price-approval-r1-2', 'approve', {}, 'manager'));
    await taskOpen(handle, 'customer-decision-r1');
    expect((await handle.query(quoteStateQuery)).totalFen).toBe(10_000);
    expect(h.recorder.of(id, 'issueQuote')).toEqual([
      expect.objectContaining({
        review: expect.objectContaining({
          by: expect.objectContaining({ role: 'engineer' }),
          secondApproval: expect.objectContaining({ by: expect.objectContaining({ role: 'manager' }) }),
        }),
      }),
    ]);
    await handle.terminate('done');
  });

  it('a small price change stands without a second approval', async () => {
    const { handle, id } = await start({}, 1);
    await taskOpen(handle, 'engineering-review-r1');
    await handle.signal(
      taskCompletedSignal,
      completion('engineering-review-r1', 'approve', { adjustments: [{ code: 'SMT', unitPriceFen: 5 }] }),
    );
    await taskOpen(handle, 'customer-decision-r1');
    expect(h.recorder.of(id, 'openTask', (i) => String(i.step).startsWith('price-approval'))).toHaveLength(0);
    expect(h.recorder.of(id, 'issueQuote')[0].review).not.toHaveProperty('secondApproval');
    await handle.terminate('done');
  });

  it('shows a waiting stage only once its task exists, so whoever reads it can act at once', async () => {
    const { handle, id } = await start({}, 1);
    await taskOpen(handle, 'engineering-review-r1');
    await handle.signal(
      taskCompletedSignal,
      completion('engineering-review-r1', 'request_files', { comment: 'no drill file' }),
    );
    await taskOpen(handle, 'corrected-files-r1');
    await handle.signal(
      taskCompletedSignal,
      completion('corrected-files-r1', 'submitted', { revision: 2 }, 'customer'),
    );
    await taskOpen(handle, 'customer-decision-r2');
    // Every waiting stage was projected after the task it promises was opened (calls are recorded in order).
    const calls = h.recorder.calls.filter((c) => c.workflowId === id);
    for (const [stage, step] of [
      ['engineering_review', 'engineering-review-r1'],
      ['awaiting_corrected_files', 'corrected-files-r1'],
      ['awaiting_customer', 'customer-decision-r2'],
    ]) {
      const projected = calls.findIndex((c) => c.name === 'projectQuoteStage' && c.input.stage === stage);
      const opened = calls.findIndex((c) => c.name === 'openTask' && c.input.step === step);
      expect([stage, opened >= 0 && opened < projected]).toEqual([stage, true]);
    }
    await handle.terminate('done');
  });

  it('a quote cancelled while in review or awaiting the customer closes its task, tells the customer and sales, and ends cancelled', async () => {
    const inReview = await start({}, 1);
    await taskOpen(inReview.handle, 'engineering-review-r1');
    await h.env.sleep('2h');
    await inReview.handle.signal(cancelQuoteSignal, {
      reason: 'project stopped',
      by: { userId: 'u-buyer', email: 'buyer@demo.local', role: 'customer' },
    });
    expect(await inReview.handle.result()).toEqual({ outcome: 'cancelled', revision: 1, orderWorkflowId: null });
    expect(h.recorder.of(inReview.id, 'closeTask')).toEqual([{ step: 'engineering-review-r1', status: 'cancelled' }]);
    expect(h.recorder.of(inReview.id, 'mailRoles', (i) => i.template === 'quote-cancelled')).toEqual([
      expect.objectContaining({
        roles: ['sales'],
        customerId: 'cust-1',
        subject: expect.stringMatching(/^Quotation \S+ cancelled \/ 报价单 \S+ 已取消$/),
        text: expect.stringMatching(
          /was cancelled: project stopped\.\n\n报价单 \S+（第 1 版）已取消，原因：project stopped。$/,
        ),
      }),
    ]);
    expect(h.recorder.of(inReview.id, 'projectQuoteStage').at(-1)).toMatchObject({ stage: 'cancelled' });
    // No escalation after the cancellation.
    expect(h.recorder.of(inReview.id, 'escalateTask')).toHaveLength(0);

    const issued = await start();
    await taskOpen(issued.handle, 'customer-decision-r1');
    await issued.handle.signal(cancelQuoteSignal, {
      reason: 'ordered elsewhere',
      by: { userId: 'u-sales', email: 'sales@demo.local', role: 'sales' },
    });
    expect(await issued.handle.result()).toMatchObject({ outcome: 'cancelled' });
    expect((await issued.handle.query(quoteStateQuery)).stage).toBe('cancelled');
  });

  it('expires after 30 days without a decision and cancels the customer task', async () => {
    const { handle, id } = await start();
    await taskOpen(handle, 'customer-decision-r1');
    await h.env.sleep('22d');
    expect(h.recorder.of(id, 'remindTask')).toHaveLength(0);
    await h.env.sleep('2d'); // 24 d: a week before expiry the customer is reminded
    await eventually(() => expect(h.recorder.of(id, 'remindTask')).toEqual([{ step: 'customer-decision-r1' }]));
    expect(h.recorder.of(id, 'escalateTask')).toHaveLength(0);
    await h.env.sleep('5d'); // 29 d: two days before, sales is told to follow up
    await eventually(() =>
      expect(h.recorder.of(id, 'escalateTask')).toEqual([{ step: 'customer-decision-r1', escalateTo: ['sales'] }]),
    );
    expect((await handle.query(quoteStateQuery)).stage).toBe('awaiting_customer');
    expect(await handle.result()).toEqual({ outcome: 'expired', revision: 1, orderWorkflowId: null });
    expect(h.recorder.of(id, 'closeTask')).toEqual([{ step: 'customer-decision-r1', status: 'cancelled' }]);
    expect(h.recorder.of(id, 'projectQuoteStage').at(-1)).toMatchObject({ stage: 'expired' });
  });

  it('honours a configured validity', async () => {
    const { handle } = await start({ validityDays: 7 });
    const state = await taskOpen(handle, 'customer-decision-r1');
    const issuedAt = Date.parse(state.deadlines.expiresAt as string) - 7 * 86_400_000;
    expect(await handle.result()).toMatchObject({ outcome: 'expired' });
    const described = await handle.describe();
    expect((described.closeTime?.getTime() ?? 0) - issuedAt).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect((described.closeTime?.getTime() ?? 0) - issuedAt).toBeLessThan(8 * 86_400_000);
  });

  it('keeps the search attributes CustomerId, QuoteId and Stage current', async () => {
    const { quoteId, handle } = await start();
    await taskOpen(handle, 'customer-decision-r1');
    const described = await handle.describe();
    const attrs = described.searchAttributes as Record<string, unknown[]>;
    expect(attrs.CustomerId).toEqual(['cust-1']);
    expect(attrs.QuoteId).toEqual([quoteId]);
    expect(attrs.Stage).toEqual(['awaiting_customer']);
    await handle.signal(taskCompletedSignal, completion('customer-decision-r1', 'reject', {}, 'customer'));
    await handle.result();
  });
});
