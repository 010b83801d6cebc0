/**
 * Customer onboarding as a state machine (DESIGN.md processes table: "customer onboarding & factory audit —
 * starts when sales registers a customer ... ends when customer approved or rejected"; seed 001 §4 "Entrust
 * customers to audit the factory"). Pure: the workflow and the API ask it what may happen next.
 */

/** Where a customer's onboarding stands. */
export type OnboardingStatus = 'registered' | 'audit_scheduled' | 'corrective_actions' | 'approved' | 'rejected';

/** The result the customer's auditors give after their visit of our factory. */
export type AuditResult = 'pass' | 'conditional' | 'fail';

/** Something that moves onboarding along. */
export type OnboardingEvent =
  | { type: 'audit_not_required' }
  | { type: 'audit_scheduled'; visitOn: string }
  | { type: 'audit_recorded'; result: AuditResult; correctiveActions: number }
  | { type: 'corrective_actions_closed' }
  | { type: 'rejected_by_manager' }
  | { type: 'reaudit_requested' };

/**
 * Terminal statuses: the onboarding workflow ends there — except that a customer whose audit failed may be audited
 * again (`reaudit_requested` takes `rejected` back to `registered`).
 */
export const FINAL_ONBOARDING_STATUSES: readonly OnboardingStatus[] = ['approved', 'rejected'];

/** The outcome of applying an event: the next status, or why the event is not allowed now. */
export type TransitionResult = { ok: true; status: OnboardingStatus } | { ok: false; reason: string };

/** Applies `event` to `status`; an event that does not fit the status is refused with a reason (never dropped). */
export function nextOnboardingStatus(status: OnboardingStatus, event: OnboardingEvent): TransitionResult {
  if (event.type === 'reaudit_requested')
    return status === 'rejected' ? { ok: true, status: 'registered' } : refuse(status, event.type);
  if (FINAL_ONBOARDING_STATUSES.includes(status)) {
    return { ok: false, reason: `onboarding is already ${status}` };
  }
  switch (event.type) {
    case 'audit_not_required':
      return status === 'registered' ? { ok: true, status: 'approved' } : refuse(status, event.type);
    case 'audit_scheduled':
      return status === 'registered' || status === 'audit_scheduled'
        ? { ok: true, status: 'audit_scheduled' }
        : refuse(status, event.type);
    case 'audit_recorded':
      if (status !== 'audit_scheduled') return refuse(status, event.type);
      if (event.result === 'pass') return { ok: true, status: 'approved' };
      if (event.result === 'fail') return { ok: true, status: 'rejected' };
      // Conditional: the customer will work with us once the corrective actions are done.
      if (event.correctiveActions < 1)
        return { ok: false, reason: 'a conditional result needs at least one corrective action' };
      return { ok: true, status: 'corrective_actions' };
    case 'corrective_actions_closed':
      return status === 'corrective_actions' ? { ok: true, status: 'approved' } : refuse(status, event.type);
    case 'rejected_by_manager':
      return { ok: true, status: 'rejected' };
  }
}

function refuse(status: OnboardingStatus, event: string): TransitionResult {
  return {
    ok: false,
    reason: `${event.replace(/_/g, ' ')} is not possible while onboarding is ${status.replace(/_/g, ' ')}`,
  };
}

/** What decides whether a customer may be quoted. */
export interface QuotableCustomer {
  onboarding: OnboardingStatus;
  /** Audit optional per customer: without it a registered customer may be quoted straight away. */
  auditRequired: boolean;
}

/**
 * Whether a customer may be quoted. An audited customer needs the audit behind it (pass, or conditional with
 * corrective actions under way); a customer who does not audit may be quoted once registered.
 */
export function canBeQuoted(customer: QuotableCustomer): boolean {
  switch (customer.onboarding) {
    case 'approved':
    case 'corrective_actions':
      return true;
    case 'registered':
    case 'audit_scheduled':
      return !customer.auditRequired;
    case 'rejected':
      return false;
  }
}

/** The customers-table status an onboarding status is shown as (lists and the quote gate read it). */
export function customerRecordStatus(customer: QuotableCustomer): 'pending' | 'approved' | 'rejected' {
  if (customer.onboarding === 'rejected') return 'rejected';
  return canBeQuoted(customer) ? 'approved' : 'pending';
}
