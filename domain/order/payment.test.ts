import { applyPayment, outstandingFen, releaseRoute, type PaymentLedger } from './payment';

const ledger: PaymentLedger = { invoicedFen: 70_000, currency: 'USD', payments: [] };

// Issue 6: "finance records the payment (POST with amount and reference) ... partial payments accumulate";
// seed 001 §6: "ask the customer to settle the balance before all shipments are made".
describe('applyPayment', () => {
  it('accumulates partial payments until settled', () => {
    const first = applyPayment(ledger, { reference: 'TT-1', amountFen: 30_000, currency: 'USD' });
    expect(first).toMatchObject({ ok: true, outstandingFen: 40_000, settled: false, duplicate: false });
    if (!first.ok) return;
    const second = applyPayment(first.ledger, { reference: 'TT-2', amountFen: 40_000, currency: 'USD' });
    expect(second).toMatchObject({ ok: true, outstandingFen: 0, settled: true });
    if (second.ok) expect(outstandingFen(second.ledger)).toBe(0);
  });

  it('treats a repeated reference with the same amount as the same payment', () => {
    const first = applyPayment(ledger, { reference: 'TT-1', amountFen: 30_000, currency: 'USD' });
    if (!first.ok) throw new Error('first payment refused');
    const again = applyPayment(first.ledger, { reference: 'TT-1', amountFen: 30_000, currency: 'USD' });
    expect(again).toMatchObject({ ok: true, duplicate: true, outstandingFen: 40_000 });
  });

  it.each([
    ['zero amount', { reference: 'A', amountFen: 0, currency: 'USD' }, 'amountFen'],
    ['fractional amount', { reference: 'A', amountFen: 1.5, currency: 'USD' }, 'amountFen'],
    ['more than owed', { reference: 'A', amountFen: 70_001, currency: 'USD' }, 'amountFen'],
    ['other currency', { reference: 'A', amountFen: 100, currency: 'EUR' }, 'currency'],
    ['blank reference', { reference: '  ', amountFen: 100, currency: 'USD' }, 'reference'],
  ])('refuses %s naming the field', (_name, payment, field) => {
    expect(applyPayment(ledger, payment)).toMatchObject({ ok: false, field });
  });

  it('states an overpayment in money, in the invoice currency', () => {
    expect(applyPayment(ledger, { reference: 'A', amountFen: 70_001, currency: 'USD' })).toMatchObject({
      reason: 'the amount USD 700.01 exceeds the USD 700.00 outstanding',
    });
  });
});

// DESIGN.md, payment before ship: "monthly-settlement customers may ship on approved credit"; customer terms:
// "monthly settlement, which needs manager approval".
describe('releaseRoute', () => {
  it.each([
    [
      'prepay pays first',
      { terms: 'prepay', approved: false, creditLimitFen: 0, openExposureFen: 0 },
      10_000,
      'pay_first',
    ],
    [
      'monthly not approved pays first',
      { terms: 'monthly', approved: false, creditLimitFen: 100_000, openExposureFen: 0 },
      10_000,
      'pay_first',
    ],
    [
      'monthly within the limit ships on credit',
      { terms: 'monthly', approved: true, creditLimitFen: 100_000, openExposureFen: 50_000 },
      50_000,
      'statement_entry',
    ],
    [
      'monthly over the limit pays first',
      { terms: 'monthly', approved: true, creditLimitFen: 100_000, openExposureFen: 50_001 },
      50_000,
      'pay_first',
    ],
  ] as const)('%s', (_name, position, balance, route) => {
    expect(releaseRoute(position, balance).route).toBe(route);
  });
});
