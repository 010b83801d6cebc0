import { decideWarranty } from './warranty';
import { repairCharge, returnAcceptance } from './responsibility';
import { analysisDepartment, repairTeam } from './routing';
import { daysLate, penaltyDayAt, penaltyFen, reportDueAt } from './penalty';

describe('warranty (客户返修品处理流程 3.1: 产品保修期为12个月,以产品销售时间为准,如无法明确提供,以产品生产日期后推18个月为准)', () => {
  it.each([
    // 12 months from the sale date
    [
      'sold 2025-12-01, checked 2026-11-30',
      { saleDate: '2025-12-01' },
      '2026-11-30',
      'in_warranty',
      'sale_date',
      '2026-11-30',
    ],
    [
      'sold 2025-12-01, checked 2026-12-01',
      { saleDate: '2025-12-01' },
      '2026-12-01',
      'out_of_warranty',
      'sale_date',
      '2026-11-30',
    ],
    // the sale date wins over the production date when both are known
    [
      'sold 2025-01-10, made 2024-12-01 (sale date wins)',
      { saleDate: '2025-01-10', productionDate: '2024-12-01' },
      '2026-01-20',
      'out_of_warranty',
      'sale_date',
      '2026-01-09',
    ],
    // sale date unknown: production date + 18 months
    [
      'made 2025-06-01, no sale date, checked 2026-11-30',
      { productionDate: '2025-06-01' },
      '2026-11-30',
      'in_warranty',
      'production_date',
      '2026-11-30',
    ],
    [
      'made 2025-05-01, no sale date, checked 2026-11-30',
      { productionDate: '2025-05-01' },
      '2026-11-30',
      'out_of_warranty',
      'production_date',
      '2026-10-31',
    ],
    // month-end clamping: 31 Aug + 18 months → 29 Feb (leap year) exclusive
    [
      'made 2026-08-31 (month end)',
      { productionDate: '2026-08-31' },
      '2028-02-28',
      'in_warranty',
      'production_date',
      '2028-02-28',
    ],
    // no date at all: no ground for a free repair
    ['no dates', {}, '2026-11-30', 'out_of_warranty', 'unknown', undefined],
  ])('%s → %s by %s', (_name, dates, on, status, basis, until) => {
    expect(decideWarranty(dates, on)).toEqual({ status, basis, ...(until ? { coveredUntil: until } : {}) });
  });

  it('rejects a malformed date', () => {
    expect(() => decideWarranty({ saleDate: '2026-02-30' }, '2026-11-30')).toThrow('not a date');
  });
});

describe('repair charge (3.1: 保修期内产品非人为原因故障,我司负责免费工厂维修;保修期外及人为原因故障我司收费维修)', () => {
  it.each([
    ['in_warranty', 'factory', 'free'],
    ['in_warranty', 'customer', 'paid'],
    ['in_warranty', 'shared', 'paid'],
    ['out_of_warranty', 'factory', 'paid'],
    ['out_of_warranty', 'customer', 'paid'],
  ] as const)('%s + %s fault → %s repair', (warranty, responsibility, charge) => {
    expect(repairCharge(warranty, responsibility)).toBe(charge);
  });
});

describe('return acceptance (外协 5.1.1: 外协厂只接受因该公司产品质量…问题而发生的客户退货,因客户原因…需计价维修处理)', () => {
  it.each([
    [false, 'customer', 'may_accept'],
    [false, 'factory', 'may_accept'],
    [true, 'factory', 'may_accept'],
    [true, 'customer', 'paid_repair_only'],
    [true, 'shared', 'paid_repair_only'],
  ] as const)('outsourced=%s, %s fault → %s', (outsourced, responsibility, expected) => {
    expect(returnAcceptance(outsourced, responsibility)).toBe(expected);
  });
});

describe('analysis routing (4.3/4.4: 生产技术部负责非重点客户…原因分析; 研发部负责重点客户、重点产品的维修和原因分析)', () => {
  it.each([
    [true, false, 'rd'],
    [false, true, 'rd'],
    [true, true, 'rd'],
    [false, false, 'technical'],
  ])('key customer %s, key product %s → %s', (keyCustomer, keyProduct, dept) => {
    expect(analysisDepartment({ keyCustomer, keyProduct })).toBe(dept);
  });
});

describe('repair routing (≤200PCS 售后维修, >200PCS 生产维修)', () => {
  it.each([
    [1, 'after_sales'],
    [150, 'after_sales'],
    [200, 'after_sales'],
    [201, 'production_line'],
    [250, 'production_line'],
  ])('%i pcs → %s', (q, team) => {
    expect(repairTeam(q)).toBe(team);
  });
  it('refuses a quantity that is not a positive whole number', () => {
    expect(() => repairTeam(0)).toThrow('whole number > 0');
  });
});

describe('24 h report penalty (备注 3: 《品质异常处理报告》应在 24 小时内处理完毕,拖延一天处罚 50 元)', () => {
  const opened = new Date('2026-11-23T02:00:00Z');
  const due = reportDueAt(opened);
  const h = (hours: number) => new Date(due.getTime() + hours * 3_600_000);
  it('is due 24 hours after opening', () => {
    expect(due.toISOString()).toBe('2026-11-24T02:00:00.000Z');
  });
  it.each([
    ['on time', -1, 0, 0],
    ['at the due instant', 0, 0, 0],
    ['23 h late', 23, 0, 0],
    ['1 day late', 24, 1, 5_000],
    ['3 days late', 72, 3, 15_000],
    ['3 days 5 h late', 77, 3, 15_000],
  ])('%s → %i days, %i fen', (_name, hours, days, fen) => {
    expect(daysLate(due, h(hours))).toBe(days);
    expect(penaltyFen(due, h(hours))).toBe(fen);
  });
  it('the n-th day is complete n×24 h after the due time', () => {
    expect(penaltyDayAt(due, 3).toISOString()).toBe('2026-11-27T02:00:00.000Z');
  });
});
