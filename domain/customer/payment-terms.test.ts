import { decideMonthlyTerms, DEFAULT_PAYMENT_TERMS, MAX_CREDIT_LIMIT_FEN, planPaymentTerms } from './payment-terms';

// Seed 001 §6: "ask the customer to settle the balance before all shipments are made ... if the customer is a
// regular customer or loyal customer, you can also settle accounts with them every month. Of course, approval
// is also possible." DESIGN.md: "prepay, or monthly settlement, which needs manager approval".
describe('planPaymentTerms', () => {
  it.each([
    [{ kind: 'prepay' as const }, { ok: true, needsApproval: false, terms: DEFAULT_PAYMENT_TERMS }],
    [
      { kind: 'prepay' as const, creditLimitFen: 100 },
      { ok: false, field: 'creditLimitFen' },
    ],
    [
      { kind: 'monthly' as const, creditLimitFen: 5_000_000 },
      { ok: true, needsApproval: true, creditLimitFen: 5_000_000 },
    ],
    [{ kind: 'monthly' as const }, { ok: false, field: 'creditLimitFen' }],
    [
      { kind: 'monthly' as const, creditLimitFen: 0 },
      { ok: false, field: 'creditLimitFen' },
    ],
    [
      { kind: 'monthly' as const, creditLimitFen: 12.5 },
      { ok: false, field: 'creditLimitFen' },
    ],
    // Issue 13: "a manager approves the credit line they requested themselves (1e13 fen)".
    [
      { kind: 'monthly' as const, creditLimitFen: 1e13 },
      { ok: false, field: 'creditLimitFen' },
    ],
    [
      { kind: 'monthly' as const, creditLimitFen: MAX_CREDIT_LIMIT_FEN },
      { ok: true, needsApproval: true },
    ],
  ])('%o → %o', (request, expected) => {
    expect(planPaymentTerms(request)).toMatchObject(expected);
  });

  it('defaults to prepay with no credit', () => {
    expect(DEFAULT_PAYMENT_TERMS).toEqual({ kind: 'prepay', creditLimitFen: 0, approvedBy: null });
  });
});

describe('decideMonthlyTerms', () => {
  it.each([
    [true, 'manager' as const, { kind: 'monthly', creditLimitFen: 900, approvedBy: 'u1' }],
    [false, 'manager' as const, DEFAULT_PAYMENT_TERMS],
    [true, 'sales' as const, DEFAULT_PAYMENT_TERMS], // only a manager's approval counts
    [true, 'finance' as const, DEFAULT_PAYMENT_TERMS],
  ])('approved=%s by %s → %o', (approved, byRole, expected) => {
    expect(decideMonthlyTerms(900, { approved, byUserId: 'u1', byRole, requestedBy: 'u0' })).toEqual(expected);
  });

  it('keeps prepay when the manager approves their own request (four eyes)', () => {
    expect(decideMonthlyTerms(900, { approved: true, byUserId: 'u1', byRole: 'manager', requestedBy: 'u1' })).toEqual(
      DEFAULT_PAYMENT_TERMS,
    );
  });
});
