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
import { QUOTE_SLA, SLA_NOT_STARTED, nextSlaEvent, slaDueAt, type SlaProgress } from '../../domain/quote/sla';
import { quoteExpiresAt, DEFAULT_QUOTE_VALIDITY_DAYS } from '../../domain/quote/validity';
import { ORDER_TASK_QUEUE, ORDER_WORKFLOW_TYPE, orderWorkflowId, type OrderWorkflowInput } from '../../domain/order/contract';
import type { TaskCompletion } from '../../domain/tasks/task';
import { createTaskInbox } from '../shared/wait-for-task';
import { repeatWhileWaiting } from './repeat-while-waiting';

const flow = proxyActivities<QuoteFlowActivities>({
  // Analysis of a large board takes seconds; bounded well above that, retried for infrastructure errors.
  startToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '1 minute' },
});
const mail = proxyActivities<MailActivities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } });

const DAY_MS = 86_400_000;

/** Timers of a customer's wait that lapses after `lifetimeMs`: reminder a week before, sales told two days before. */
function customerDecisionClock(lifetimeMs: number) {
  return {
    remindAfter: lifetimeMs > 7 * DAY_MS ? lifetimeMs - 7 * DAY_MS : Math.floor(lifetimeMs / 2),
    escalateAfter: lifetimeMs > 3 * DAY_MS ? lifetimeMs - 2 * DAY_MS : undefined,
    escalateTo: ['sales' as const],
    dueAfter: lifetimeMs,
    giveUpAfter: lifetimeMs,
  };
}

/** The quote workflow (type name `quoteWorkflow`, id `quote:${quoteId}`, task queue `quote`). */
export async function quoteWorkflow(input: QuoteWorkflowInput): Promise<QuoteWorkflowResult> {
  const workflowId = workflowInfo().workflowId;
  const policy = input.sla ?? QUOTE_SLA;
  const validityDays = input.validityDays ?? DEFAULT_QUOTE_VALIDITY_DAYS;
  const inbox = createTaskInbox();
  /** Due times of the open waits, for the query (the platform's view has none). */
  const dueAt = new Map<string, number>();

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
  const reviewView = () => inbox.pending().find((w) => w.step.startsWith(quoteSteps.engineeringReview(revision)));
  setHandler(quoteStateQuery, (): QuoteState => {
    const slaRunning = slaStartedAt !== null && (stage === 'analysing' || stage === 'engineering_review');
    const view = reviewView();
    const progress: SlaProgress = {
      reminded: slaProgress.reminded || view?.reminded === true,
      escalations: Math.max(slaProgress.escalations, view?.escalated ? 1 : 0),
    };
    const next = slaRunning ? nextSlaEvent(slaStartedAt as number, progress, policy) : null;
    return {
      quoteId: input.quoteId,
      reference: input.reference,
      customerId: input.customerId,
      stage,
      revision,
      quantity,
      openTasks: inbox.pending().map((w) => ({ step: w.step, kind: w.kind, role: w.role, taskId: w.taskId, dueAt: iso(dueAt.get(w.step) ?? null) })),
      deadlines: {
        slaStartedAt: slaRunning ? iso(slaStartedAt) : null,
        slaDueAt: slaRunning ? iso(slaDueAt(slaStartedAt as number, policy)) : null,
        nextReminderAt: next?.kind === 'reminder' ? iso(next.at) : null,
        nextEscalationAt: slaRunning ? iso(next?.kind === 'escalation' ? next.at : slaDueAt(slaStartedAt as number, policy)) : null,
        expiresAt: stage === 'awaiting_customer' ? iso(expiresAt) : null,
      },
      reminded: progress.reminded,
      escalations: progress.escalations,
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

  /** Escalations after the first (which the platform's inbox sends): one mail a day to the sales manager. */
  async function escalateAgain(step: string, number: number): Promise<void> {
    await mail.mailRoles({
      idempotencyKey: `${workflowId}:${step}:escalation-${number}`,
      roles: ['sales_manager'],
      template: 'quote-sla-escalation',
      subject: `Quote ${input.reference} still not issued: ${24 * number} h after submission`,
      text: `Quote ${input.reference} (revision ${revision}) has waited ${24 * number} hours for engineering review; the 24 h quotation promise is breached. Escalation ${number}.`,
    });
    slaProgress = { ...slaProgress, escalations: number };
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
      let correctedRevision: number | null = null;
      // A review whose line changes cannot be applied (a code the price does not have) is asked again.
      for (let attempt = 1; ; attempt++) {
        const firstStep = quoteSteps.engineeringReview(revision);
        const step = attempt === 1 ? firstStep : `${firstStep}-${attempt}`;
        const opened = Date.now();
        const due = slaDueAt(slaStartedAt, policy);
        // A review asked again keeps the revision's clock: what was sent is not sent twice.
        const escalatedBefore = slaProgress.escalations;
        dueAt.set(step, due);
        // The platform's inbox reminds engineers at 20 h and escalates to the sales manager at 24 h (counted from
        // submission); after that the sales manager hears once a day until the review is done.
        const outcome = await repeatWhileWaiting(
          inbox.waitFor({
            ...base,
            step,
            kind: QUOTE_TASK_KIND_NAMES.engineeringReview,
            title: `Review quote ${input.reference} r${revision}: ${priced.reviewReasons.join('; ') || 'manual review'}`.slice(0, 200),
            role: 'engineer',
            payload: { reference: input.reference, revision, reviewReasons: priced.reviewReasons },
            remindAfter: slaProgress.reminded ? undefined : Math.max(0, slaStartedAt + policy.reminderAfterMs - opened),
            escalateAfter: escalatedBefore ? undefined : Math.max(1, due - opened),
            dueAfter: Math.max(1, due - opened),
            escalateTo: ['sales_manager'],
          }),
          due + policy.escalateEveryMs * Math.max(1, escalatedBefore),
          policy.escalateEveryMs,
          (n) => escalateAgain(firstStep, Math.max(1, escalatedBefore) + n),
        );
        dueAt.delete(step);
        slaProgress = {
          reminded: slaProgress.reminded || outcome.reminded,
          escalations: Math.max(slaProgress.escalations, outcome.escalated ? 1 : 0),
        };
        if (outcome.status !== 'completed') throw new Error('engineering review wait ended without a completion'); // no give-up: unreachable
        const review = outcome.completion;
        record(review);
        if (review.decision === 'request_files') {
          await moveTo('awaiting_corrected_files');
          const lapse = validityDays * 86_400_000;
          dueAt.set(quoteSteps.correctedFiles(revision), Date.now() + lapse);
          const filesOutcome = await inbox.waitFor({
            ...base,
            step: quoteSteps.correctedFiles(revision),
            kind: QUOTE_TASK_KIND_NAMES.correctedFiles,
            title: `Upload corrected files for quote ${input.reference}`,
            role: 'customer',
            payload: { reference: input.reference, revision, comment: review.data.comment ?? null },
            // A customer who never sends corrected files lets the request lapse like an unanswered quote.
            ...customerDecisionClock(lapse),
          });
          dueAt.delete(quoteSteps.correctedFiles(revision));
          const files = filesOutcome.status === 'completed' ? filesOutcome.completion : null;
          if (!files) return finish('expired');
          record(files);
          correctedRevision = Number(files.data.revision ?? revision + 1);
          break;
        }
        const adjustments = Array.isArray(review.data.adjustments) ? (review.data.adjustments as { code: string; unitPriceMinor: number; quantity?: number }[]) : [];
        if (!adjustments.length) break;
        const adjusted = await flow.applyReviewAdjustments({ quoteId: input.quoteId, revision, adjustments });
        if (adjusted.ok) {
          totalMinor = adjusted.totalMinor;
          break;
        }
        reviewReasons = [...reviewReasons, `line changes not applied: ${adjusted.reason}`];
      }
      if (correctedRevision !== null) {
        revision = correctedRevision;
        continue;
      }
    }

    // ---- issue the quote and wait for the customer's decision until it expires
    await moveTo('issuing');
    expiresAt = quoteExpiresAt(Date.now(), validityDays);
    await flow.issueQuote({ workflowId, quoteId: input.quoteId, revision, validUntil: new Date(expiresAt).toISOString() });
    await moveTo('awaiting_customer');
    const decisionStep = quoteSteps.customerDecision(revision);
    dueAt.set(decisionStep, expiresAt);
    const decisionOutcome = await inbox.waitFor({
      ...base,
      step: decisionStep,
      kind: QUOTE_TASK_KIND_NAMES.customerDecision,
      title: `Quote ${input.reference} r${revision}: accept, ask for a revision, or reject`,
      role: 'customer',
      payload: { reference: input.reference, revision, totalMinor, currency },
      // The customer is reminded a week before expiry and sales is told two days before, to follow up.
      ...customerDecisionClock(expiresAt - Date.now()),
    });
    dueAt.delete(decisionStep);
    const decision = decisionOutcome.status === 'completed' ? decisionOutcome.completion : null;
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
