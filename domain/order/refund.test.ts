import { checkRefund, refundOnCancellation } from './refund';

// Issue 13: "Refunds never exceed what was paid"; "a finance refund task (amount after the charges the contract
// allows, e.g. parts already bought)".
describe('refunds', () => {
  it.each([
    [30000, { materialsPurchasedMinor: 0, toolingMinor: 0 }, { refundMinor: 30000, retainedMinor: 0 }],
    [30000, { materialsPurchasedMinor: 12000, toolingMinor: 8000 }, { refundMinor: 10000, retainedMinor: 20000 }],
    [30000, { materialsPurchasedMinor: 50000, toolingMinor: 0 }, { refundMinor: 0, retainedMinor: 30000 }], // never below 0
    [0, { materialsPurchasedMinor: 5000, toolingMinor: 0 }, { refundMinor: 0, retainedMinor: 0 }],
  ])('paid %i with charges %o → %o', (paid, charges, expected) => {
    expect(refundOnCancellation(paid, charges)).toEqual(expected);
  });

  it.each([
    [
      { paidMinor: 30000, refundedMinor: 0, amountMinor: 30000 },
      { ok: true, remainingMinor: 0 },
    ],
    [
      { paidMinor: 30000, refundedMinor: 10000, amountMinor: 20001 },
      { ok: false, field: 'amountMinor' },
    ],
    [
      { paidMinor: 30000, refundedMinor: 0, amountMinor: 0 },
      { ok: false, field: 'amountMinor' },
    ],
    [
      { paidMinor: 30000, refundedMinor: 0, amountMinor: 1.5 },
      { ok: false, field: 'amountMinor' },
    ],
    [
      { paidMinor: 0, refundedMinor: 0, amountMinor: 1 },
      { ok: false, field: 'amountMinor' },
    ],
  ])('%o → %o', (input, expected) => {
    expect(checkRefund(input)).toMatchObject(expected);
  });
});
