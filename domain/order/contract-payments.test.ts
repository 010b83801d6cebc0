import { nextContractStatus, planContractPayments, type ContractEvent, type ContractStatus } from './contract-payments';

// DESIGN.md, contract: "deposit if the terms require one"; seed 001 §6: "settle the balance before all shipments
// are made ... you can also settle accounts with them every month".
describe('planContractPayments', () => {
  it.each([
    [
      'prepay 30 % of 100000',
      'prepay',
      100_000,
      30,
      { depositFen: 30_000, balanceFen: 70_000, depositRequired: true, mayShipOnCredit: false },
    ],
    [
      'prepay rounds the deposit down',
      'prepay',
      99_999,
      30,
      { depositFen: 29_999, balanceFen: 70_000, depositRequired: true, mayShipOnCredit: false },
    ],
    [
      'prepay with a 0 % policy needs no deposit',
      'prepay',
      50_000,
      0,
      { depositFen: 0, balanceFen: 50_000, depositRequired: false, mayShipOnCredit: false },
    ],
    [
      'monthly settlement: no deposit, may ship on credit',
      'monthly',
      100_000,
      30,
      { depositFen: 0, balanceFen: 100_000, depositRequired: false, mayShipOnCredit: true },
    ],
  ] as const)('%s', (_name, terms, total, percent, expected) => {
    expect(planContractPayments(terms, total, { prepayDepositPercent: percent })).toEqual(expected);
  });

  it.each([[-1], [10.5]])('refuses a total of %p', (total) => {
    expect(() => planContractPayments('prepay', total)).toThrow(RangeError);
  });
});

// DESIGN.md, contract: "commission agreement signed by customer, approved by sales manager".
describe('nextContractStatus', () => {
  it.each<[ContractStatus, ContractEvent['type'], ContractStatus | null]>([
    ['issued', 'customer_signed', 'signed'],
    ['issued', 'customer_declined', 'declined'],
    ['issued', 'manager_approved', null],
    ['signed', 'manager_approved', 'approved'],
    ['signed', 'manager_rejected', 'rejected'],
    ['signed', 'customer_signed', null],
    ['approved', 'manager_rejected', null],
  ])('%s + %s → %s', (status, type, expected) => {
    const result = nextContractStatus(status, { type } as ContractEvent);
    if (expected === null) expect(result.ok).toBe(false);
    else expect(result).toEqual({ ok: true, status: expected });
  });
});
