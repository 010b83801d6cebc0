import { checkRefund, refundOnCancellation } from './refund';

// Issue 13: "Refunds never exceed what was paid"; "a finance refund task (amount after the charges the contract
// allows, e.g. parts already bought)".
describe('refunds', () => {
  it.each([
    [30000, { materialsPurchasedFen: 0, toolingFen: 0 }, { refundFen: 30000, retainedFen: 0 }],
    [30000, { materialsPurchasedFen: 12000, toolingFen: 8000 }, { refundFen: 10000, retainedFen: 20000 }],
    [30000, { materialsPurchasedFen: 50000, toolingFen: 0 }, { refundFen: 0, retainedFen: 30000 }], // never below 0
    [0, { materialsPurchasedFen: 5000, toolingFen: 0 }, { refundFen: 0, retainedFen: 0 }],
  ])('paid %i with charges %o → %o', (paid, charges, expected) => {
    expect(refundOnCancellation(paid, charges)).toEqual(expected);
  });

  it.each([
    [
      { paidFen: 30000, refundedFen: 0, amountFen: 30000 },
      { ok: true, remainingFen: 0 },
    ],
    [
      { paidFen: 30000, refundedFen: 10000, amountFen: 20001 },
      { ok: false, field: 'amountFen' },
    ],
    [
      { paidFen: 30000, refundedFen: 0, amountFen: 0 },
      { ok: false, field: 'amountFen' },
    ],
    [
      { paidFen: 30000, refundedFen: 0, amountFen: 1.5 },
      { ok: false, field: 'amountFen' },
    ],
    [
      { paidFen: 0, refundedFen: 0, amountFen: 1 },
      { ok: false, field: 'amountFen' },
    ],
  ])('%o → %o', (input, expected) => {
    expect(checkRefund(input)).toMatchObject(expected);
  });

  it('states an over-refund in money', () => {
    expect(checkRefund({ paidFen: 30000, refundedFen: 10000, amountFen: 20001, currency: 'CNY' })).toMatchObject({
      reason: 'the refund ¥200.01 exceeds the ¥200.00 that can still be refunded (paid ¥300.00, refunded ¥100.00)',
    });
  });
});
