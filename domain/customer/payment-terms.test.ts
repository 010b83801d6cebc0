import { decideMonthlyTerms, DEFAULT_PAYMENT_TERMS, planPaymentTerms } from './payment-terms';

// Seed 001 §6: "ask the customer to settle the balance before all shipments are made ... if the customer is a
// regular customer or loyal customer, you can also settle accounts with them every month. Of course, approval
// is also possible." DESIGN.md: "prepay, or monthly settlement, which needs manager approval".
describe('planPaymentTerms', () => {
  it.each([
    [{ kind: 'prepay' as const }, { ok: true, needsApproval: false, terms: DEFAULT_PAYMENT_TERMS }],
    [{ kind: 'prepay' as const, creditLimitMinor: 100 }, { ok: false, field: 'creditLimitMinor' }],
    [{ kind: 'monthly' as const, creditLimitMinor: 5_000_000 }, { ok: true, needsApproval: true, creditLimitMinor: 5_000_000 }],
    [{ kind: 'monthly' as const }, { ok: false, field: 'creditLimitMinor' }],
    [{ kind: 'monthly' as const, creditLimitMinor: 0 }, { ok: false, field: 'creditLimitMinor' }],
    [{ kind: 'monthly' as const, creditLimitMinor: 12.5 }, { ok: false, field: 'creditLimitMinor' }],
  ])('%o → %o', (request, expected) => {
    expect(planPaymentTerms(request)).toMatchObject(expected);
  });

  it('defaults to prepay with no credit', () => {
    expect(DEFAULT_PAYMENT_TERMS).toEqual({ kind: 'prepay', creditLimitMinor: 0, approvedBy: null });
  });
});

describe('decideMonthlyTerms', () => {
  it.each([
    [true, 'manager' as const, { kind: 'monthly', creditLimitMinor: 900, approvedBy: 'u1' }],
    [false, 'manager' as const, DEFAULT_PAYMENT_TERMS],
    [true, 'sales' as const, DEFAULT_PAYMENT_TERMS], // only a manager's approval counts
    [true, 'finance' as const, DEFAULT_PAYMENT_TERMS],
  ])('approved=%s by %s → %o', (approved, byRole, expected) => {
    expect(decideMonthlyTerms(900, { approved, byUserId: 'u1', byRole })).toEqual(expected);
  });
});
