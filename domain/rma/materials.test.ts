import { DEFAULT_MATERIAL_RULES, planRepair, spareRequest, type MaterialRules } from './materials';
import { FACTORY_CALENDAR } from './calendar';

describe('spare material tiers (物料预损补料申请规范: Q≤50 +20PCS; 50<Q≤100 +30; 100<Q≤150 +40; 150<Q≤200 +50)', () => {
  it.each([
    [1, 20],
    [50, 20],
    [51, 30],
    [100, 30],
    [101, 40],
    [150, 40],
    [151, 50],
    [200, 50],
  ])('SMT Q=%i → +%i pcs', (q, extra) => {
    expect(spareRequest('SMT', q)).toEqual({
      kind: 'SMT',
      repairQuantity: q,
      spareQuantity: extra,
      beyondTable: false,
    });
  });
  it('above the table (production-line batches) applies the last tier and says so', () => {
    expect(spareRequest('FPC', 250)).toMatchObject({ spareQuantity: 50, beyondTable: true });
  });
  it.each([
    // LENS Q≤500 维修需求量*115% / *130% / *150% (tiers configurable; defaults documented in materials.ts)
    [40, 20],
    [200, 60],
    [201, 31],
    [500, 75],
  ])('LENS Q=%i → +%i pcs with the default tiers', (q, extra) => {
    expect(spareRequest('LENS', q).spareQuantity).toBe(extra);
  });
  it('LENS tiers come from configuration', () => {
    const rules: MaterialRules = { ...DEFAULT_MATERIAL_RULES, lensTiers: [{ maxQuantity: 500, percent: 115 }] };
    expect(spareRequest('LENS', 100, rules).spareQuantity).toBe(15);
  });
  it.each([
    // FOG前:按30%损耗; FOG后:按20%损耗
    ['beforeFog', 100, 30],
    ['afterFog', 100, 20],
    ['beforeFog', 7, 3],
  ] as const)('FOG %s Q=%i → +%i pcs', (stage, q, extra) => {
    expect(spareRequest('FOG', q, DEFAULT_MATERIAL_RULES, stage).spareQuantity).toBe(extra);
  });
  it('FOG loss percentages come from configuration', () => {
    const rules = { ...DEFAULT_MATERIAL_RULES, fogLossPercent: { beforeFog: 10, afterFog: 5 } };
    expect(spareRequest('FOG', 100, rules, 'afterFog').spareQuantity).toBe(5);
  });
});

describe('repair lead time by material (3.1: 有库存物料 7天内完成返修并入库; FPC:7天, SMT:2天, LENS:7天, SENSOR:7天; 3.3 FOG/水胶 1个工作日)', () => {
  // Monday 2026-11-23 10:00 Shanghai.
  const requested = new Date('2026-11-23T02:00:00Z');
  it.each([
    // in stock: repaired and stocked within 7 days
    ['all in stock', [{ kind: 'SMT', inStock: true }], [], '2026-11-30T02:00:00.000Z'],
    // SMT arrives in 2 days (Wed), then 2 working days of production (物料齐料后生产2天内完成) → Fri close
    [
      'SMT ordered',
      [{ kind: 'SMT', inStock: false }],
      [['SMT', '2026-11-25T02:00:00.000Z']],
      '2026-11-27T12:00:00.000Z',
    ],
    // FPC 7 days → Mon 30 Nov, + 2 working days → Wed 2 Dec close
    [
      'FPC ordered',
      [{ kind: 'FPC', inStock: false }],
      [['FPC', '2026-11-30T02:00:00.000Z']],
      '2026-12-02T12:00:00.000Z',
    ],
    [
      'LENS ordered',
      [{ kind: 'LENS', inStock: false }],
      [['LENS', '2026-11-30T02:00:00.000Z']],
      '2026-12-02T12:00:00.000Z',
    ],
    [
      'SENSOR ordered',
      [{ kind: 'SENSOR', inStock: false }],
      [['SENSOR', '2026-11-30T02:00:00.000Z']],
      '2026-12-02T12:00:00.000Z',
    ],
    // the slowest material sets the kit; FOG and water glue add 1 working day each
    [
      'SMT + FPC + FOG + water glue',
      [
        { kind: 'SMT', inStock: false },
        { kind: 'FPC', inStock: false },
        { kind: 'FOG', inStock: true },
        { kind: 'WATER_GLUE', inStock: true },
      ],
      [
        ['SMT', '2026-11-25T02:00:00.000Z'],
        ['FPC', '2026-11-30T02:00:00.000Z'],
      ],
      '2026-12-04T12:00:00.000Z',
    ],
    // in stock + FOG: 7 days, then FOG's working day
    ['in stock + FOG', [{ kind: 'FOG', inStock: true }], [], '2026-12-01T12:00:00.000Z'],
  ] as const)('%s', (_name, needs, arrivals, due) => {
    const plan = planRepair(
      needs.map((n) => ({ ...n })),
      requested,
      FACTORY_CALENDAR,
    );
    expect(plan.arrivals.map((a) => [a.kind, a.expectedAt])).toEqual(arrivals);
    expect(plan.repairDueAt).toBe(due);
  });
});
