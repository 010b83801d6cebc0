/**
 * The quote, top to bottom as the factory does it (seed 001 §5 "Quotation"; issue 6 item 2): analyse and price
 * the customer's files; quote automatically when allowed, otherwise an engineer reviews (adjusts line items and
 * approves, or asks for corrected files) within the 24 h SLA; issue the quote (PDF + email); the customer
 * accepts, asks for a revision (same workflow, new revision, SLA restarts) or rejects; unanswered quotes expire.
 * Acceptance starts the order workflow as an abandoned child on the production queue.
 */
import {
  CancellationScope,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MailActivities } from '../../activities/mail';
import type { IssuedReview, QuoteFlowActivities } from '../../activities/quote/quote-flow';
import type { TaskActivities } from '../../activities/tasks';
import {
  cancelQuoteSignal,
  CustomerIdAttribute,
  FINAL_QUOTE_STAGES,
  QUOTE_TASK_KIND_NAMES,
  QuoteIdAttribute,
  quoteStateQuery,
  quoteSteps,
  StageAttribute,
  type CancelQuoteRequest,
  type QuoteDecision,
  type QuoteStage,
  type QuoteState,
  type QuoteWorkflowInput,
  type QuoteWorkflowResult,
} from '../../domain/quote/contract';
import {
  QUOTE_SLA,
  SLA_NOT_STARTED,
  afterSlaEvent,
  nextSlaEvent,
  slaDueAt,
  type SlaProgress,
} from '../../domain/quote/sla';
import { quoteExpiresAt, isQuoteExpired, DEFAULT_QUOTE_VALIDITY_DAYS } from '../../domain/quote/validity';
import {
  ORDER_TASK_QUEUE,
  ORDER_WORKFLOW_TYPE,
  orderWorkflowId,
  type OrderWorkflowInput,
} from '../../domain/order/contract';
import { PRICE_CHANGE_APPROVER_ROLES } from '../../domain/quote/price-approval';
import { FOUR_EYES_REQUESTER } from '../../domain/tasks/four-eyes';
import { withFenNames } from '../../domain/shared/money-names';
import {
  createHumanWaits,
  DATABASE_WRITE,
  FILE_WORK,
  MAIL_OUTBOX,
  type HumanWait,
  type LoggedDecision,
} from '../shared';

const flow = proxyActivities<QuoteFlowActivities>(DATABASE_WRITE);
/** Analysis of the board files and the quote PDF. */
const files =
  proxyActivities<Pick<QuoteFlowActivities, 'analyseQuoteRevision' | 'issueQuote' | 'drawQuoteBoardPreview'>>(
    FILE_WORK,
  );
const mail = proxyActivities<MailActivities>(MAIL_OUTBOX);
const taskActs = proxyActivities<Pick<TaskActivities, 'closeTask'>>(DATABASE_WRITE);

const DAY_MS = 86_400_000;

/** Timers of a customer's wait that lapses after `lifetimeMs`: reminder a week before, sales told two days before. */
function customerDecisionClock(
  lifetimeMs: number,
): Pick<HumanWait, 'remind' | 'escalate' | 'dueAfter' | 'giveUpAfter'> {
  return {
    remind: { after: lifetimeMs > 7 * DAY_MS ? lifetimeMs - 7 * DAY_MS : Math.floor(lifetimeMs / 2) },
    escalate: lifetimeMs > 3 * DAY_MS ? { after: lifetimeMs - 2 * DAY_MS, to: ['sales'] } : undefined,
    dueAfter: lifetimeMs,
    giveUpAfter: lifetimeMs,
  };
}

/** The quote workflow (type name `quoteWorkflow`, id `quote:${quoteId}`, task queue `quote`). */
export async function quoteWorkflow(input: QuoteWorkflowInput): Promise<QuoteWorkflowResult> {
  const workflowId = workflowInfo().workflowId;
  const policy = input.sla ?? QUOTE_SLA;
  const validityDays = input.validityDays ?? DEFAULT_QUOTE_VALIDITY_DAYS;
  /** Each decision is logged with the revision it was taken on. */
  /** Steps whose task was opened: a cancellation closes those not decided. */
  const openedSteps = new Set<string>();
  const waits = createHumanWaits<{ revision: number }>({
    onChange: () => {
      for (const w of waits.openTasks()) if (w.taskId !== null) openedSteps.add(w.step);
    },
  });

  let stage: QuoteStage = 'analysing';
  let revision = 1;
  let quantity = input.quantity;
  let slaStartedAt: number | null = null;
  let slaProgress: SlaProgress = SLA_NOT_STARTED;
  let expiresAt: number | null = null;
  let autoQuoteAllowed: boolean | null = null;
  let reviewReasons: string[] = [];
  let totalFen: number | null = null;
  let currency: string | null = null;
  let orderId: string | null = null;

  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const reviewView = () => waits.openTasks().find((w) => w.step.startsWith(quoteSteps.engineeringReview(revision)));
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
      openTasks: waits
        .openTasks()
        .map((w) => ({ step: w.step, kind: w.kind, role: w.role, taskId: w.taskId, dueAt: w.dueAt })),
      deadlines: {
        slaStartedAt: slaRunning ? iso(slaStartedAt) : null,
        slaDueAt: slaRunning ? iso(slaDueAt(slaStartedAt as number, policy)) : null,
        nextReminderAt: next?.kind === 'reminder' ? iso(next.at) : null,
        nextEscalationAt: slaRunning
          ? iso(next?.kind === 'escalation' ? next.at : slaDueAt(slaStartedAt as number, policy))
          : null,
        expiresAt: stage === 'awaiting_customer' ? iso(expiresAt) : null,
      },
      reminded: progress.reminded,
      escalations: progress.escalations,
      decisions: waits.decisions.map(decisionView),
      autoQuoteAllowed,
      reviewReasons: [...reviewReasons],
      totalFen,
      currency,
      orderWorkflowId: orderId ? orderWorkflowId(orderId) : null,
    };
  });

  async function enterStage(next: QuoteStage): Promise<void> {
    stage = next;
    upsertSearchAttributes([{ key: StageAttribute, value: next }]);
    await flow.projectQuoteStage({
      quoteId: input.quoteId,
      stage: next,
      revision,
      validUntil: next === 'awaiting_customer' ? iso(expiresAt) : null,
    });
  }

  /** Moves to a waiting stage only once the task it promises exists (the toolkit's `whenOpen`). */
  function enterStageWhenOpen<T>(next: QuoteStage, step: string, wait: Promise<T>): Promise<T> {
    // The query shows the stage together with its wait; the status column and search attribute (what lists and
    // the API read) follow once the task row exists.
    stage = next;
    return waits.whenOpen(step, wait, () => enterStage(next));
  }

  function decisionView(d: LoggedDecision<{ revision: number }>): QuoteDecision {
    const comment = typeof d.data.comment === 'string' ? d.data.comment : undefined;
    return {
      step: d.step,
      revision: d.note?.revision ?? revision,
      decision: d.decision,
      by: d.by,
      at: d.at,
      ...(comment ? { comment } : {}),
    };
  }

  /** Escalations after the first (which the platform's escalation mail sends): one mail a day to the sales manager. */
  async function escalateAgain(step: string, number: number): Promise<void> {
    await mail.mailRoles({
      idempotencyKey: `${workflowId}:${step}:escalation-${number}`,
      roles: ['sales_manager'],
      template: 'quote-sla-escalation',
      subject: `Quote ${input.reference} still not issued: ${24 * number} h after submission`,
      text: `Quote ${input.reference} (revision ${revision}) has waited ${24 * number} hours for engineering review; the 24 h quotation promise is breached. Escalation ${number}.`,
    });
  }

  const base = { caseType: 'quote', caseId: input.quoteId, customerId: input.customerId } as const;

  upsertSearchAttributes([
    { key: CustomerIdAttribute, value: input.customerId },
    { key: QuoteIdAttribute, value: input.quoteId },
    { key: StageAttribute, value: stage },
  ]);

  // Cancellation: any time before the customer's acceptance is being carried out.
  const main = new CancellationScope();
  let cancelRequest: CancelQuoteRequest | null = null;
  let accepting = false;
  setHandler(cancelQuoteSignal, (request) => {
    if (cancelRequest || accepting || (FINAL_QUOTE_STAGES as readonly string[]).includes(stage)) return;
    cancelRequest = request;
    main.cancel();
  });
  try {
    return await main.run(() => run());
  } catch (error) {
    if (!cancelRequest || !isCancellation(error)) throw error;
    const request: CancelQuoteRequest = cancelRequest;
    return CancellationScope.nonCancellable(async () => {
      const decided = new Set(waits.decisions.map((d) => d.step));
      for (const step of openedSteps) if (!decided.has(step)) await taskActs.closeTask({ step, status: 'cancelled' });
      await mail.mailRoles({
        idempotencyKey: `${workflowId}:cancelled`,
        customerId: input.customerId,
        roles: ['sales'],
        template: 'quote-cancelled',
        // The customer reads it too: English and Chinese.
        subject: `Quotation ${input.reference} cancelled / 报价单 ${input.reference} 已取消`,
        text: [
          `Quotation ${input.reference} (revision ${revision}) was cancelled: ${request.reason}.`,
          `报价单 ${input.reference}（第 ${revision} 版）已取消，原因：${request.reason}。`,
        ].join('\n\n'),
      });
      return finish('cancelled');
    });
  }

  async function run(): Promise<QuoteWorkflowResult> {
    for (;;) {
      // ---- a revision's files arrived: the 24 h clock (re)starts
      slaStartedAt = Date.now();
      slaProgress = SLA_NOT_STARTED;
      await enterStage('analysing');
      const priced = withFenNames(
        await files.analyseQuoteRevision({
          quoteId: input.quoteId,
          revision,
          quantity,
          options: input.options,
        }),
      );
      // The quote page's board preview. Patched: quotes started before it replay without this activity.
      if (patched('board-preview')) await files.drawQuoteBoardPreview({ quoteId: input.quoteId, revision });
      autoQuoteAllowed = priced.autoQuoteAllowed;
      reviewReasons = priced.reviewReasons;
      totalFen = priced.totalFen;
      currency = priced.currency;

      /** The engineer's approval the issued quote states (none for an automatic quote). */
      let approvedBy: IssuedReview | null = null;
      if (!priced.autoQuoteAllowed) {
        let correctedRevision: number | null = null;
        // A review whose line changes cannot be applied (a code the price does not have) is asked again.
        for (let attempt = 1; ; attempt++) {
          const firstStep = quoteSteps.engineeringReview(revision);
          const step = attempt === 1 ? firstStep : `${firstStep}-${attempt}`;
          const opened = Date.now();
          const due = slaDueAt(slaStartedAt, policy);
          const nextEvent = nextSlaEvent(slaStartedAt, slaProgress, policy);
          // A review asked again keeps the revision's clock: what was sent is not sent twice.
          // The engineers are reminded at 20 h and the sales manager escalated to at 24 h (counted from submission),
          // the first time by the platform's escalation mail, then once a day by the quote's own until the review is done.
          const reviewWait = waits.waitFor({
            ...base,
            step,
            kind: QUOTE_TASK_KIND_NAMES.engineeringReview,
            title:
              `Review quote ${input.reference} r${revision}: ${priced.reviewReasons.join('; ') || 'manual review'}`.slice(
                0,
                200,
              ),
            role: 'engineer',
            payload: { reference: input.reference, revision, reviewReasons: priced.reviewReasons },
            note: { revision },
            remind: nextEvent.kind === 'reminder' ? { after: Math.max(0, nextEvent.at - opened) } : undefined,
            escalate: {
              after: due - opened,
              every: policy.escalateEveryMs,
              alreadySent: slaProgress.escalations,
              to: ['sales_manager'],
              send: async (n, platform) => {
                await (n === 1 ? platform() : escalateAgain(firstStep, n));
                slaProgress = afterSlaEvent(slaProgress, { kind: 'escalation', at: Date.now(), number: n });
              },
            },
            dueAfter: Math.max(1, due - opened),
          });
          const outcome = await ((stage as QuoteStage) === 'engineering_review'
            ? reviewWait
            : enterStageWhenOpen('engineering_review', step, reviewWait));
          slaProgress = { ...slaProgress, reminded: slaProgress.reminded || outcome.reminded };
          if (outcome.status !== 'completed') throw new Error('engineering review wait ended without a completion'); // no give-up: unreachable
          const review = outcome.completion;
          if (review.decision === 'request_files') {
            const lapse = validityDays * 86_400_000;
            const filesOutcome = await enterStageWhenOpen(
              'awaiting_corrected_files',
              quoteSteps.correctedFiles(revision),
              waits.waitFor({
                ...base,
                step: quoteSteps.correctedFiles(revision),
                kind: QUOTE_TASK_KIND_NAMES.correctedFiles,
                title: `Upload corrected files for quote ${input.reference}`,
                role: 'customer',
                payload: { reference: input.reference, revision, comment: review.data.comment ?? null },
                note: { revision },
                // A customer who never sends corrected files lets the request lapse like an unanswered quote.
                ...customerDecisionClock(lapse),
              }),
            );
            const corrected = filesOutcome.status === 'completed' ? filesOutcome.completion : null;
            if (!corrected) return finish('expired');
            correctedRevision = Number(corrected.data.revision ?? revision + 1);
            break;
          }
          approvedBy = { by: review.completedBy, at: review.completedAt };
          const adjustments = Array.isArray(review.data.adjustments)
            ? (review.data.adjustments as { code: string; unitPriceFen: number; quantity?: number }[])
            : [];
          if (!adjustments.length) break;
          const adjusted = withFenNames(
            await flow.applyReviewAdjustments({ quoteId: input.quoteId, revision, adjustments }),
          );
          if (adjusted.ok) {
            totalFen = adjusted.totalFen;
            if (!adjusted.approvalReasons.length) break;
            // Four eyes on money: a deep cut, a total under the floor or a zeroed line needs a second person, never the engineer.
            const firstApproval = quoteSteps.priceApproval(revision);
            const verdict = await waits.waitFor({
              ...base,
              step: attempt === 1 ? firstApproval : `${firstApproval}-${attempt}`,
              kind: QUOTE_TASK_KIND_NAMES.priceApproval,
              title:
                `Approve the price change on quote ${input.reference} r${revision}: ${adjusted.approvalReasons.join('; ')}`.slice(
                  0,
                  200,
                ),
              role: PRICE_CHANGE_APPROVER_ROLES[0],
              payload: {
                reference: input.reference,
                revision,
                totalFen,
                currency,
                approvalReasons: adjusted.approvalReasons,
                adjustments,
                requestedBy: review.completedBy.email,
                [FOUR_EYES_REQUESTER]: review.completedBy.userId,
              },
              note: { revision },
              dueAfter: DAY_MS,
              escalate: { after: DAY_MS, to: ['manager'] },
            });
            if (verdict.status !== 'completed') throw new Error('price approval wait ended without a completion'); // no give-up: unreachable
            if (verdict.completion.decision === 'approve') {
              approvedBy = {
                ...approvedBy,
                secondApproval: { by: verdict.completion.completedBy, at: verdict.completion.completedAt },
              };
              break;
            }
            // Refused: the engine's price is restored and the engineer reviews again.
            const restored = withFenNames(
              await flow.applyReviewAdjustments({ quoteId: input.quoteId, revision, adjustments: [] }),
            );
            if (restored.ok) totalFen = restored.totalFen;
            const why =
              typeof verdict.completion.data.comment === 'string' ? `: ${verdict.completion.data.comment}` : '';
            reviewReasons = [
              ...reviewReasons,
              `price change refused by the ${verdict.completion.completedBy.role}${why}`,
            ];
            approvedBy = null;
            continue;
          }
          reviewReasons = [...reviewReasons, `line changes not applied: ${adjusted.reason}`];
        }
        if (correctedRevision !== null) {
          revision = correctedRevision;
          continue;
        }
      }

      // ---- issue the quote and wait for the customer's decision until it expires
      await enterStage('issuing');
      expiresAt = quoteExpiresAt(Date.now(), validityDays);
      await files.issueQuote({
        workflowId,
        quoteId: input.quoteId,
        revision,
        validUntil: new Date(expiresAt).toISOString(),
        review: approvedBy,
      });
      const decisionStep = quoteSteps.customerDecision(revision);
      const decisionOutcome = await enterStageWhenOpen(
        'awaiting_customer',
        decisionStep,
        waits.waitFor({
          ...base,
          step: decisionStep,
          kind: QUOTE_TASK_KIND_NAMES.customerDecision,
          title: `Quote ${input.reference} r${revision}: accept, ask for a revision, or reject`,
          role: 'customer',
          payload: { reference: input.reference, revision, totalFen, currency },
          note: { revision },
          // The customer is reminded a week before expiry and sales is told two days before, to follow up.
          ...customerDecisionClock(expiresAt - Date.now()),
        }),
      );
      // The rule decides the boundary: a decision reaching the workflow at the very moment of expiry is too late.
      const decision =
        decisionOutcome.status === 'completed' && !isQuoteExpired(expiresAt, Date.now())
          ? decisionOutcome.completion
          : null;
      if (!decision) return finish('expired');
      if (decision.decision === 'reject') return finish('rejected');
      if (decision.decision === 'accept') {
        accepting = true;
        orderId = input.quoteId;
        const order: OrderWorkflowInput = {
          orderId,
          quoteId: input.quoteId,
          customerId: input.customerId,
          quantity,
          totalFen: totalFen ?? 0,
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
  }

  async function finish(outcome: QuoteWorkflowResult['outcome']): Promise<QuoteWorkflowResult> {
    await enterStage(outcome);
    return { outcome, revision, orderWorkflowId: orderId ? orderWorkflowId(orderId) : null };
  }
}
