import { repairQuoteProblem, shipBackRelease } from './paid-repair';
import { refundCapFen, refundProblem, resolutionProblem } from './resolution';
import { claimedDateProblem, confirmationProblem, correctedDates } from './claims';
import { decideWarranty } from './warranty';

describe('repair quote (5.3.1: 超过保修期产品按照维修标准拟定收费清单后反馈业务助理)', () => {
  it.each([
    ['paid', 150_000, undefined],
    ['paid', 0, 'a paid repair needs a price above 0 (only a free repair costs nothing)'],
    ['paid', -1, 'must be whole fen ≥ 0'],
    ['paid', 10.5, 'must be whole fen ≥ 0'],
    ['free', 0, undefined],
    ['free', 100, 'this repair is free (in warranty, our fault): it cannot be charged'],
  ] as const)('%s repair quoted %s fen → %s', (charge, fen, message) => {
    expect(repairQuoteProblem(charge, fen)?.message).toBe(message);
  });
});

describe('ship-back after payment (4.5 业务助理负责…收费维修产品收费确认; seed 001 §6 settle before shipments, monthly for regular customers)', () => {
  const monthly = {
    terms: 'monthly' as const,
    approved: true,
    creditLimitFen: 1_000_000,
    openExposureFen: 200_000,
  };
  it.each([
    ['free repair', { charge: 'free' as const, invoicedFen: 0, paidFen: 0 }, { release: true, by: 'free' }],
    [
      'paid in full',
      { charge: 'paid' as const, invoicedFen: 150_000, paidFen: 150_000 },
      { release: true, by: 'paid' },
    ],
    [
      'unpaid, prepay',
      { charge: 'paid' as const, invoicedFen: 150_000, paidFen: 0 },
      { release: false, outstandingFen: 150_000, code: 'no_payment_terms', reason: 'no payment terms on file' },
    ],
    [
      'part paid',
      {
        charge: 'paid' as const,
        invoicedFen: 150_000,
        paidFen: 50_000,
        credit: { ...monthly, terms: 'prepay' as const },
      },
      {
        release: false,
        outstandingFen: 100_000,
        code: 'prepay_terms',
        reason: 'prepay terms: the balance is paid before shipment',
      },
    ],
    [
      'monthly with headroom',
      { charge: 'paid' as const, invoicedFen: 150_000, paidFen: 0, credit: monthly },
      { release: true, by: 'statement_entry' },
    ],
    [
      'monthly not approved',
      { charge: 'paid' as const, invoicedFen: 150_000, paidFen: 0, credit: { ...monthly, approved: false } },
      {
        release: false,
        outstandingFen: 150_000,
        code: 'settlement_not_approved',
        reason: 'monthly settlement is not approved by a manager',
      },
    ],
    [
      'monthly over the limit',
      { charge: 'paid' as const, invoicedFen: 900_000, paidFen: 0, credit: monthly },
      {
        release: false,
        outstandingFen: 900_000,
        code: 'over_credit',
        reason: 'the balance ¥9,000.00 exceeds the remaining credit ¥8,000.00',
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(shipBackRelease(input)).toEqual(expected);
  });
});

describe('exchange and refund eligibility (3.1: 保修期内产品非人为原因故障,我司负责免费工厂维修;保修期外及人为原因故障我司收费维修)', () => {
  const sales = { userId: 'u-vp' };
  const manager = { userId: 'u-mgr', role: 'manager' };
  it.each([
    ['repair is always possible', 'repair', 'customer', 'out_of_warranty', undefined, undefined],
    ['exchange: ours, in warranty', 'exchange', 'factory', 'in_warranty', undefined, undefined],
    ['exchange: customer fault', 'exchange', 'customer', 'in_warranty', undefined, 'resolution'],
    ['exchange: out of warranty', 'exchange', 'factory', 'out_of_warranty', undefined, 'resolution'],
    ['refund: shared fault', 'refund', 'shared', 'in_warranty', undefined, 'resolution'],
    [
      'exchange: manager exception',
      'exchange',
      'customer',
      'out_of_warranty',
      { approvedBy: manager, reason: 'key account goodwill' },
      undefined,
    ],
    [
      'exception by the decider',
      'exchange',
      'customer',
      'out_of_warranty',
      { approvedBy: { userId: 'u-vp', role: 'manager' }, reason: 'x' },
      'exception.approvedBy',
    ],
    [
      'exception by a non-manager',
      'refund',
      'customer',
      'in_warranty',
      { approvedBy: { userId: 'u-s', role: 'sales' }, reason: 'x' },
      'exception.approvedBy',
    ],
    [
      'exception without reason',
      'refund',
      'customer',
      'in_warranty',
      { approvedBy: manager, reason: ' ' },
      'exception.reason',
    ],
  ] as const)('%s', (_name, resolution, responsibility, warranty, exception, field) => {
    expect(resolutionProblem({ resolution, responsibility, warranty, decidedBy: sales, exception })?.field).toBe(field);
  });
});

describe('refund (退款管理制度 四: 初步审核 → 财务部门进行审批 → 财务部门安排付款; 五: 收到退货商品后 … 进行检查 … 退款)', () => {
  it('is capped pro rata by what was paid for the units', () => {
    expect(refundCapFen({ paidFen: 100_000, quantity: 100 }, 2)).toBe(2_000);
    expect(refundCapFen({ paidFen: 100_000, quantity: 3 }, 1)).toBe(33_333);
    expect(refundCapFen({ paidFen: 100_000, quantity: 3 }, 5)).toBe(100_000);
    expect(refundCapFen({ paidFen: 0, quantity: 3 }, 1)).toBe(0);
  });
  const ok = { amountFen: 2_000, capFen: 2_000, received: true, inspected: true, approvedBy: 'fin-1', paidBy: 'fin-2' };
  it.each([
    ['within the cap, two people', ok, undefined],
    ['goods not received', { ...ok, received: false }, 'amountFen'],
    ['goods not inspected', { ...ok, inspected: false }, 'amountFen'],
    ['999,999.99 CNY on a 2-unit RMA', { ...ok, amountFen: 99_999_999 }, 'amountFen'],
    ['approved and paid by one person', { ...ok, paidBy: 'fin-1' }, 'paidBy'],
    ['zero', { ...ok, amountFen: 0 }, 'amountFen'],
  ])('%s', (_name, input, field) => {
    expect(refundProblem(input)?.field).toBe(field);
  });
});

describe('claimed dates (第二步: 客服人员 … 需要核实客户的身份信息,例如订单号、购买商品信息等)', () => {
  const today = '2026-11-30';
  it.each([
    ['2026-11-30', undefined],
    ['2026-01-15', undefined],
    ['2026-13-45', 'is not a real calendar date'],
    ['2026-02-30', 'is not a real calendar date'],
    ['2030-01-01', 'cannot be in the future (today is 2026-11-30)'],
    ['26-1-1', 'must be a date YYYY-MM-DD'],
    ['1999-12-31', 'is before 2000-01-01'],
  ])('%s → %s', (date, problem) => {
    expect(claimedDateProblem(date, today)).toBe(problem);
  });
  it('a future sale date cannot buy a free repair: staff correct it before the warranty decides', () => {
    const staff = { userId: 'qa-1', role: 'qa' };
    const confirmation = { saleDate: '2024-05-01', productionDate: null, confirmedBy: staff };
    expect(confirmationProblem({ ...confirmation, saleDate: '2030-01-01' }, today)?.field).toBe('saleDate');
    expect(confirmationProblem(confirmation, today)).toBeUndefined();
    expect(correctedDates({ saleDate: '2030-01-01' }, confirmation)).toEqual(['saleDate']);
    expect(decideWarranty(confirmation, today).status).toBe('out_of_warranty');
  });
  it('refuses a customer confirming their own claim, and a sale before production', () => {
    expect(
      confirmationProblem(
        { saleDate: '2026-01-01', productionDate: null, confirmedBy: { userId: 'c', role: 'customer' } },
        today,
      )?.field,
    ).toBe('confirmedBy');
    expect(
      confirmationProblem(
        { saleDate: '2026-01-01', productionDate: '2026-02-01', confirmedBy: { userId: 'q', role: 'qa' } },
        today,
      )?.field,
    ).toBe('saleDate');
  });
});
