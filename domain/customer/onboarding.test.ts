import {
  canBeQuoted,
  customerRecordStatus,
  nextOnboardingStatus,
  type OnboardingEvent,
  type OnboardingStatus,
} from './onboarding';

// DESIGN.md processes table: "customer onboarding & factory audit ... result: pass / conditional / fail,
// corrective actions with deadlines ... ends when customer approved or rejected".
describe('nextOnboardingStatus', () => {
  const cases: [OnboardingStatus, OnboardingEvent, OnboardingStatus | 'refused'][] = [
    ['registered', { type: 'audit_not_required' }, 'approved'],
    ['registered', { type: 'audit_scheduled', visitOn: '2026-12-01' }, 'audit_scheduled'],
    ['audit_scheduled', { type: 'audit_scheduled', visitOn: '2026-12-03' }, 'audit_scheduled'], // rescheduled visit
    ['audit_scheduled', { type: 'audit_recorded', result: 'pass', correctiveActions: 0 }, 'approved'],
    ['audit_scheduled', { type: 'audit_recorded', result: 'conditional', correctiveActions: 2 }, 'corrective_actions'],
    ['audit_scheduled', { type: 'audit_recorded', result: 'conditional', correctiveActions: 0 }, 'refused'],
    ['audit_scheduled', { type: 'audit_recorded', result: 'fail', correctiveActions: 0 }, 'rejected'],
    ['corrective_actions', { type: 'corrective_actions_closed' }, 'approved'],
    ['registered', { type: 'audit_recorded', result: 'pass', correctiveActions: 0 }, 'refused'], // no visit yet
    ['audit_scheduled', { type: 'audit_not_required' }, 'refused'],
    ['corrective_actions', { type: 'rejected_by_manager' }, 'rejected'],
    ['approved', { type: 'audit_scheduled', visitOn: '2026-12-01' }, 'refused'],
    ['rejected', { type: 'corrective_actions_closed' }, 'refused'],
    // A failed audit may be redone: the customer goes back to registered and is audited again.
    ['rejected', { type: 'reaudit_requested' }, 'registered'],
    ['approved', { type: 'reaudit_requested' }, 'refused'],
    ['audit_scheduled', { type: 'reaudit_requested' }, 'refused'],
  ];
  it.each(cases)('%s + %o → %s', (status, event, expected) => {
    const r = nextOnboardingStatus(status, event);
    if (expected === 'refused') {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/\w/);
    } else {
      expect(r).toEqual({ ok: true, status: expected });
    }
  });
});

// Issue 6: "The customer can be quoted only once onboarding allows it (configurable: audit optional per customer)".
describe('canBeQuoted', () => {
  const cases: [OnboardingStatus, boolean, boolean, 'pending' | 'approved' | 'rejected'][] = [
    ['registered', true, false, 'pending'],
    ['registered', false, true, 'approved'],
    ['audit_scheduled', true, false, 'pending'],
    ['audit_scheduled', false, true, 'approved'],
    ['corrective_actions', true, true, 'approved'],
    ['approved', true, true, 'approved'],
    ['rejected', true, false, 'rejected'],
    ['rejected', false, false, 'rejected'],
  ];
  it.each(cases)('%s with auditRequired=%s → quotable %s, record %s', (onboarding, auditRequired, quotable, record) => {
    expect(canBeQuoted({ onboarding, auditRequired })).toBe(quotable);
    expect(customerRecordStatus({ onboarding, auditRequired })).toBe(record);
  });
});
