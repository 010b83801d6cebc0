/**
 * The quote, top to bottom as the factory does it (seed 001 §5 "Quotation"; issue 6 item 2): analyse and price
 * the customer's files; quote automatically when allowed, otherwise an engineer reviews (adjusts line items and
 * approves, or asks for corrected files) within the 24 h SLA; issue the quote (PDF + email); the customer
 * accepts, asks for a revision (same workflow, new revision, SLA restarts) or rejects; unanswered quotes expire.
 * Acceptance starts the order workflow as an abandoned child on the production queue.
 */
import {
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MailActivities } from '../../activities/mail';
import type { TaskActivities } from '../../activities/tasks';
import type { QuoteFlowActivities } from '../../activities/quote/quote-flow';
import {
  CustomerIdAttribute,
  QUOTE_TASK_KIND_NAMES,
  QuoteIdAttribute,
  quoteStateQuery,
  quoteSteps,
  StageAttribute,
  type QuoteDecision,
  type QuoteStage,
  type QuoteState,
  type QuoteWorkflowInput,
  type QuoteWorkflowResult,
} from '../../domain/quote/contract';
import { QUOTE_SLA, SLA_NOT_STARTED, nextSlaEvent, slaDueAt, type SlaEvent, type SlaProgress } from '../../domain/quote/sla';
import { quoteExpiresAt, DEFAULT_QUOTE_VALIDITY_DAYS } from '../../domain/quote/validity';
import { ORDER_TASK_QUEUE, ORDER_WORKFLOW_TYPE, orderWorkflowId, type OrderWorkflowInput } from '../../domain/order/contract';
import type { TaskCompletion } from '../../domain/tasks/task';
import { TaskInbox } from './human-task';

const flow = proxyActivities<QuoteFlowActivities>({
  // Analysis of a large board takes seconds; bounded well above that, retried for infrastructure errors.
  startToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '1 minute' },
});
const tasks = proxyActivities<TaskActivities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } });
const mail = proxyActivities<MailActivities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } });

/** The quote workflow (type name `quoteWorkflow`, id `quote:${quoteId}`, task queue `quote`). */
export async function quoteWorkflow(input: QuoteWorkflowInput): Promise<QuoteWorkflowResult> {
  const workflowId = workflowInfo().workflowId;
  const policy = input.sla ?? QUOTE_SLA;
  const validityDays = input.validityDays ?? DEFAULT_QUOTE_VALIDITY_DAYS;
  const inbox = new TaskInbox();

  let stage: QuoteStage = 'analysing';
  let revision = 1;
  let quantity = input.quantity;
  let slaStartedAt: number | null = null;
  let slaProgress: SlaProgress = SLA_NOT_STARTED;
  let expiresAt: number | null = null;
  let autoQuoteAllowed: boolean | null = null;
  let reviewReasons: string[] = [];
  let totalMinor: number | null = null;
  let currency: string | null = null;
  let orderId: string | null = null;
  const decisions: QuoteDecision[] = [];

  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  setHandler(quoteStateQuery, (): QuoteState => {
    const slaRunning = slaStartedAt !== null && (stage === 'analysing' || stage === 'engineering_review');
    const next = slaRunning ? nextSlaEvent(slaStartedAt as number, slaProgress, policy) : null;
    return {
      quoteId: input.quoteId,
      reference: input.reference,
      customerId: input.customerId,
      stage,
      revision,
      quantity,
      openTasks: inbox.openWaits().map((w) => ({ step: w.step, kind: w.kind, role: w.role, taskId: w.taskId, dueAt: w.dueAt })),
      deadlines: {
        slaStartedAt: slaRunning ? iso(slaStartedAt) : null,
        slaDueAt: slaRunning ? iso(slaDueAt(slaStartedAt as number, policy)) : null,
        nextReminderAt: next?.kind === 'reminder' ? iso(next.at) : null,
        nextEscalationAt: slaRunning ? iso(next?.kind === 'escalation' ? next.at : slaDueAt(slaStartedAt as number, policy)) : null,
        expiresAt: stage === 'awaiting_customer' ? iso(expiresAt) : null,
      },
      reminded: slaProgress.reminded,
      escalations: slaProgress.escalations,
      decisions: [...decisions],
      autoQuoteAllowed,
      reviewReasons: [...reviewReasons],
      totalMinor,
      currency,
      orderWorkflowId: orderId ? orderWorkflowId(orderId) : null,
    };
  });

  async function moveTo(next: QuoteStage): Promise<void> {
    stage = next;
    upsertSearchAttributes([{ key: StageAttribute, value: next }]);
    await flow.projectQuoteStage({
      quoteId: input.quoteId,
      stage: next,
      revision,
      validUntil: next === 'awaiting_customer' ? iso(expiresAt) : null,
    });
  }

  function record(completion: TaskCompletion): void {
    const comment = typeof completion.data.comment === 'string' ? completion.data.comment : undefined;
    decisions.push({
      step: completion.step,
      revision,
      decision: completion.decision,
      by: completion.completedBy,
      at: completion.completedAt,
      ...(comment ? { comment } : {}),
    });
  }

  /** The SLA clock's events: a reminder to engineers, then escalations to the sales manager. */
  async function onSlaEvent(step: string, event: SlaEvent): Promise<void> {
    if (event.kind === 'reminder') {
      await tasks.remindTask({ step });
    } else if (event.number === 1) {
      await tasks.escalateTask({ step, escalateTo: ['sales_manager'] });
    } else {
      // The platform's escalation mail is once per task; later days get their own keyed mail.
      await mail.mailRoles({
        idempotencyKey: `${workflowId}:${step}:escalation-${event.number}`,
        roles: ['sales_manager'],
        template: 'quote-sla-escalation',
        subject: `Quote ${input.reference} still not issued: ${event.number * 24} h after submission`,
        text: `Quote ${input.reference} (revision ${revision}) has waited for engineering review for ${(event.at - (slaStartedAt ?? event.at)) / 3_600_000} hours; the 24 h quotation promise is breached. Escalation ${event.number}.`,
      });
    }
    slaProgress = event.kind === 'reminder' ? { ...slaProgress, reminded: true } : { ...slaProgress, escalations: event.number };
  }

  const base = { caseType: 'quote', caseId: input.quoteId, customerId: input.customerId } as const;

  upsertSearchAttributes([
    { key: CustomerIdAttribute, value: input.customerId },
    { key: QuoteIdAttribute, value: input.quoteId },
    { key: StageAttribute, value: stage },
  ]);

  for (;;) {
    // ---- a revision's files arrived: the 24 h clock (re)starts
    slaStartedAt = Date.now();
    slaProgress = SLA_NOT_STARTED;
    await moveTo('analysing');
    const priced = await flow.analyseQuoteRevision({ quoteId: input.quoteId, revision, quantity, options: input.options });
    autoQuoteAllowed = priced.autoQuoteAllowed;
    reviewReasons = priced.reviewReasons;
    totalMinor = priced.totalMinor;
    currency = priced.currency;

    if (!priced.autoQuoteAllowed) {
      await moveTo('engineering_review');
      const step = quoteSteps.engineeringReview(revision);
      const { completion: review, progress } = await inbox.wait({
        ...base,
        step,
        kind: QUOTE_TASK_KIND_NAMES.engineeringReview,
        title: `Review quote ${input.reference} r${revision}: ${priced.reviewReasons.join('; ') || 'manual review'}`.slice(0, 200),
        role: 'engineer',
        payload: { reference: input.reference, revision, reviewReasons: priced.reviewReasons },
        dueAt: slaDueAt(slaStartedAt, policy),
        clock: { startedAt: slaStartedAt, policy, progress: slaProgress },
        onClockEvent: (event) => onSlaEvent(step, event),
      });
      slaProgress = progress;
      if (!review) throw new Error('engineering review wait ended without a completion'); // no deadline: unreachable
      record(review);
      if (review.decision === 'request_files') {
        await moveTo('awaiting_corrected_files');
        const { completion: files } = await inbox.wait({
          ...base,
          step: quoteSteps.correctedFiles(revision),
          kind: QUOTE_TASK_KIND_NAMES.correctedFiles,
          title: `Upload corrected files for quote ${input.reference}`,
          role: 'customer',
          payload: { reference: input.reference, revision, comment: review.data.comment ?? null },
          // A customer who never sends corrected files lets the request lapse like an unanswered quote.
          deadline: Date.now() + validityDays * 86_400_000,
          dueAt: Date.now() + validityDays * 86_400_000,
        });
        if (!files) return finish('expired');
        record(files);
        revision = Number(files.data.revision ?? revision + 1);
        continue;
      }
      const adjustments = Array.isArray(review.data.adjustments) ? (review.data.adjustments as { code: string; unitPriceMinor: number; quantity?: number }[]) : [];
      if (adjustments.length) {
        const adjusted = await flow.applyReviewAdjustments({ quoteId: input.quoteId, revision, adjustments });
        totalMinor = adjusted.totalMinor;
      }
    }

    // ---- issue the quote and wait for the customer's decision until it expires
    await moveTo('issuing');
    expiresAt = quoteExpiresAt(Date.now(), validityDays);
    await flow.issueQuote({ workflowId, quoteId: input.quoteId, revision, validUntil: new Date(expiresAt).toISOString() });
    await moveTo('awaiting_customer');
    const { completion: decision } = await inbox.wait({
      ...base,
      step: quoteSteps.customerDecision(revision),
      kind: QUOTE_TASK_KIND_NAMES.customerDecision,
      title: `Quote ${input.reference} r${revision}: accept, ask for a revision, or reject`,
      role: 'customer',
      payload: { reference: input.reference, revision, totalMinor, currency },
      dueAt: expiresAt,
      deadline: expiresAt,
    });
    if (!decision) return finish('expired');
    record(decision);
    if (decision.decision === 'reject') return finish('rejected');
    if (decision.decision === 'accept') {
      orderId = input.quoteId;
      const order: OrderWorkflowInput = {
        orderId,
        quoteId: input.quoteId,
        customerId: input.customerId,
        quantity,
        totalMinor: totalMinor ?? 0,
        currency: currency ?? 'CNY',
      };
      // Abandoned: the order outlives the quote workflow, which ends here.
      await startChild(ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(orderId),
        taskQueue: ORDER_TASK_QUEUE,
        args: [order],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      return finish('accepted');
    }
    // revise: comments only, or new files already stored as the next revision by the API
    if (typeof decision.data.quantity === 'number') quantity = decision.data.quantity;
    revision = typeof decision.data.revision === 'number' ? decision.data.revision : revision + 1;
  }

  async function finish(outcome: QuoteWorkflowResult['outcome']): Promise<QuoteWorkflowResult> {
    await moveTo(outcome);
    return { outcome, revision, orderWorkflowId: orderId ? orderWorkflowId(orderId) : null };
  }
}
