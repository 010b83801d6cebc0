/**
 * Customer onboarding and the customer's audit of our factory (seed 001 §4 "Entrust customers to audit the
 * factory"; issue 6 item 1): sales registers the customer; when the customer audits, sales agrees the visit
 * date and is reminded the morning before; after the visit sales records pass / conditional / fail; each
 * corrective action of a conditional result has a deadline, past which the manager is escalated to daily.
 * Until its result a visit can be moved (the customer is e-mailed the new date); a failed audit may be redone when
 * the sales manager asks, 30 days after it at the earliest. Without an audit the customer may be quoted at once.
 */
import {
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CustomerFlowActivities } from '../../activities/customer';
import type { MailActivities } from '../../activities/mail';
import {
  CUSTOMER_TASK_KIND_NAMES,
  customerOnboardingStateQuery,
  customerSteps,
  nthStep,
  type CorrectiveActionState,
  type CustomerDecisionRecord,
  type CustomerOnboardingInput,
  type CustomerOnboardingState,
} from '../../domain/customer/contract';
import {
  nextOnboardingStatus,
  type AuditResult,
  type OnboardingEvent,
  type OnboardingStatus,
} from '../../domain/customer/onboarding';
import {
  auditResultDueAt,
  auditVisitReminderAt,
  correctiveActionDeadline,
  FACTORY_UTC_OFFSET_HOURS,
  REAUDIT_AFTER_DAYS,
  REAUDIT_OFFER_DAYS,
} from '../../domain/customer/audit-schedule';
import type { TaskCompletion } from '../../domain/tasks/task';
import { CustomerIdAttribute, StageAttribute } from '../../domain/quote/contract';
import { createHumanWaits, DATABASE_WRITE, MAIL_OUTBOX } from '../shared';

const flow = proxyActivities<CustomerFlowActivities>(DATABASE_WRITE);
const mail = proxyActivities<MailActivities>(MAIL_OUTBOX);

const DAY_MS = 86_400_000;
/** Sales has a week to agree a visit date before being reminded. */
const SCHEDULE_AUDIT_WITHIN_MS = 7 * DAY_MS;
/** The factory's calendar day (YYYY-MM-DD) of an instant. */
const factoryDay = (ms: number) => new Date(ms + FACTORY_UTC_OFFSET_HOURS * 3_600_000).toISOString().slice(0, 10);

/** The onboarding workflow (id `customer:${customerId}`, task queue `quote`). */
export async function customerOnboardingWorkflow(
  input: CustomerOnboardingInput,
): Promise<{ status: OnboardingStatus }> {
  const workflowId = workflowInfo().workflowId;
  const waits = createHumanWaits();
  let status: OnboardingStatus = 'registered';
  let step = 'registered';
  let visitOn: string | null = null;
  let auditResult: AuditResult | null = null;
  let visitReminderAt: number | null = null;
  let resultDueAt: number | null = null;
  const actions: CorrectiveActionState[] = [];
  let auditRound = 1;
  let reauditFrom: string | null = null;
  let planned: { description: string; dueOn: string }[] = [];
  let stored: { correctiveActionIds: string[] } = { correctiveActionIds: [] };
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  setHandler(customerOnboardingStateQuery, (): CustomerOnboardingState => ({
    customerId: input.customerId,
    status,
    auditRequired: input.auditRequired,
    step,
    visitOn,
    auditResult,
    correctiveActions: actions.map((a) => ({ ...a })),
    openTasks: waits
      .openTasks()
      .map((w) => ({ step: w.step, kind: w.kind, role: w.role, taskId: w.taskId, dueAt: w.dueAt })),
    deadlines: { visitReminderAt: iso(visitReminderAt), resultDueAt: iso(resultDueAt) },
    decisions: waits.decisions.map((d) => ({ step: d.step, decision: d.decision, by: d.by, at: d.at })),
    reauditFrom,
    auditRound,
  }));

  async function apply(event: OnboardingEvent, by: CustomerDecisionRecord['by'] | null): Promise<void> {
    const next = nextOnboardingStatus(status, event);
    // The tasks only offer decisions that fit; a refusal here is a bug, so fail loudly rather than drop it.
    if (!next.ok) throw new Error(next.reason);
    status = next.status;
    upsertSearchAttributes([{ key: StageAttribute, value: status }]);
    await flow.projectOnboarding({
      customerId: input.customerId,
      onboarding: status,
      auditRequired: input.auditRequired,
      actor: by,
    });
  }

  const base = { caseType: 'customer', caseId: input.customerId, customerId: input.customerId } as const;
  upsertSearchAttributes([
    { key: CustomerIdAttribute, value: input.customerId },
    { key: StageAttribute, value: status },
  ]);

  if (!input.auditRequired) {
    step = 'approved';
    await apply({ type: 'audit_not_required' }, input.registeredBy);
    return { status };
  }
  await flow.projectOnboarding({
    customerId: input.customerId,
    onboarding: status,
    auditRequired: true,
    actor: input.registeredBy,
  });

  // Each audit round (the first, then one per re-audit after a failure) schedules a visit and records its result;
  // a visit may be moved any number of times before its result. Tasks after the first of a step are numbered.
  let resultTasks = 0;
  for (;;) {
    // ---- sales agrees the visit date with the customer
    step = nthStep(customerSteps.scheduleAudit, auditRound);
    const scheduling = await waits.waitFor({
      ...base,
      step,
      kind: CUSTOMER_TASK_KIND_NAMES.scheduleAudit,
      title: `Agree the factory audit visit date with ${input.name}`,
      role: 'sales',
      // Sales is reminded after a week; nobody above sales needs to hear about an unscheduled visit.
      remind: { after: SCHEDULE_AUDIT_WITHIN_MS },
      dueAfter: SCHEDULE_AUDIT_WITHIN_MS,
    });
    const scheduled = scheduling.status === 'completed' ? scheduling.completion : null;
    if (!scheduled) throw new Error('scheduling wait ended without a completion');
    visitOn = String(scheduled.data.visitOn);
    await apply({ type: 'audit_scheduled', visitOn }, scheduled.completedBy);

    // ---- the visit: sales is reminded the morning before, records the result by the end of the day (or moves it)
    let result: TaskCompletion | null = null;
    while (!result) {
      resultTasks++;
      step = nthStep(customerSteps.recordAuditResult, resultTasks);
      visitReminderAt = auditVisitReminderAt(visitOn);
      resultDueAt = auditResultDueAt(visitOn);
      const now = Date.now();
      // Reminders to sales: the morning before the visit, and again when the result is overdue at the end of the day.
      const recording = await waits.waitFor({
        ...base,
        step,
        kind: CUSTOMER_TASK_KIND_NAMES.recordAuditResult,
        title: `Record the result of ${input.name}'s audit visit on ${visitOn}`,
        role: 'sales',
        remind: { after: Math.max(0, visitReminderAt - now) },
        escalate: { after: Math.max(1, resultDueAt - now), to: ['sales'] },
      });
      const done = recording.status === 'completed' ? recording.completion : null;
      if (!done) throw new Error('audit result wait ended without a completion');
      if (done.decision !== 'reschedule') {
        result = done;
        break;
      }
      // The visit moves: the customer hears the new date; a new result task opens with the new day's clock.
      // (No patch needed: workflows started before this code never receive a `reschedule` decision.)
      const from = visitOn;
      visitOn = String(done.data.visitOn);
      await flow.mailCustomerContacts({
        idempotencyKey: `${workflowId}:${step}:visit-moved`,
        customerId: input.customerId,
        template: 'audit-visit-moved',
        // English and Chinese, as every customer email.
        subject: `Your audit visit of our factory moves to ${visitOn} / 验厂日期改为 ${visitOn}`,
        text:
          `Dear ${input.name},\n\nthe audit visit of our factory planned for ${from} moves to ${visitOn}.\n` +
          `Reason: ${String(done.data.reason ?? '')}\n\nWe look forward to your visit.\n\n` +
          `${input.name}：\n\n原定于 ${from} 的验厂改为 ${visitOn}。\n` +
          `原因：${String(done.data.reason ?? '')}\n\n期待您的来访。`,
      });
      await apply({ type: 'audit_scheduled', visitOn }, done.completedBy);
    }
    const by = result.completedBy;
    auditResult = result.decision as AuditResult;
    planned = Array.isArray(result.data.correctiveActions)
      ? (result.data.correctiveActions as { description: string; dueOn: string }[])
      : [];
    stored = await flow.recordAudit({
      workflowId,
      customerId: input.customerId,
      visitOn,
      result: auditResult,
      auditors: typeof result.data.auditors === 'string' ? result.data.auditors : null,
      notes: typeof result.data.notes === 'string' ? result.data.notes : null,
      recordedBy: by.userId,
      correctiveActions: auditResult === 'conditional' ? planned : [],
    });
    await apply(
      { type: 'audit_recorded', result: auditResult, correctiveActions: stored.correctiveActionIds.length },
      by,
    );
    // Before re-audits existed a failed audit ended the onboarding; those histories keep ending there.
    if ((status as OnboardingStatus) !== 'rejected' || !patched('reaudit-after-failed-audit')) break;

    // ---- a failed audit: after the minimum interval the sales manager may ask for a re-audit, saying what was fixed
    step = 'awaiting-reaudit';
    const reauditAt = Date.now() + REAUDIT_AFTER_DAYS * DAY_MS;
    reauditFrom = factoryDay(reauditAt);
    await sleep(reauditAt - Date.now());
    reauditFrom = null;
    step = nthStep(customerSteps.requestReaudit, auditRound);
    const asking = await waits.waitFor({
      ...base,
      step,
      kind: CUSTOMER_TASK_KIND_NAMES.requestReaudit,
      title: `Ask ${input.name} to audit our factory again (the last audit failed)`,
      role: 'sales_manager',
      payload: { customer: input.name },
      // Offered for a year; a customer who never comes back needs no task in the inbox for ever.
      giveUpAfter: REAUDIT_OFFER_DAYS * DAY_MS,
    });
    if (asking.status !== 'completed') break;
    auditRound++;
    auditResult = null;
    visitOn = null;
    visitReminderAt = null;
    resultDueAt = null;
    await apply({ type: 'reaudit_requested' }, asking.completion.completedBy);
  }
  if ((status as OnboardingStatus) !== 'corrective_actions') {
    step = status;
    return { status };
  }

  // ---- corrective actions, each on its own deadline; the manager hears about overdue ones daily
  step = 'corrective-actions';
  stored.correctiveActionIds.forEach((id, i) => {
    actions.push({
      id,
      description: planned[i].description,
      dueOn: planned[i].dueOn,
      deadline: new Date(correctiveActionDeadline(planned[i].dueOn)).toISOString(),
      status: 'open',
      escalations: 0,
      closedBy: null,
    });
  });
  await Promise.all(
    actions.map(async (action) => {
      const deadline = Date.parse(action.deadline);
      const started = Date.now();
      const actionStep = customerSteps.correctiveAction(action.id);
      // The platform escalates to the manager at the deadline and the action is marked overdue then; the manager
      // hears again every day while it stays open.
      const outcome = await waits.waitFor({
        ...base,
        step: actionStep,
        kind: CUSTOMER_TASK_KIND_NAMES.correctiveAction,
        title: `Corrective action for ${input.name}: ${action.description}`.slice(0, 200),
        role: 'qa',
        payload: { correctiveActionId: action.id, dueOn: action.dueOn },
        escalate: {
          after: Math.max(1, deadline - started),
          every: DAY_MS,
          to: ['manager'],
          send: async (n, platform) => {
            action.escalations = n;
            if (n === 1) {
              await Promise.all([platform(), flow.markCorrectiveActionOverdue({ correctiveActionId: action.id })]);
              return;
            }
            await mail.mailRoles({
              idempotencyKey: `${workflowId}:${actionStep}:overdue-${n}`,
              roles: ['manager'],
              template: 'corrective-action-overdue',
              subject: `Overdue corrective action for ${input.name} (day ${n})`,
              text: `The corrective action "${action.description}" from ${input.name}'s factory audit was due on ${action.dueOn} and is still open.`,
            });
          },
        },
      });
      const completion = outcome.status === 'completed' ? outcome.completion : null;
      if (!completion) throw new Error('corrective action wait ended without a completion');
      action.status = 'done';
      action.closedBy = completion.completedBy;
      await flow.closeCorrectiveAction({ correctiveActionId: action.id, closedBy: completion.completedBy.userId });
    }),
  );
  await apply({ type: 'corrective_actions_closed' }, null);
  step = status;
  return { status };
}
