import {
  customerEvaluation,
  materialIssueProblem,
  onSiteRepair,
  responsiblePersonAction,
  RMA_RECORD_KINDS,
  supplierClaim,
  urgentReplenishment,
} from './records';

describe('procedure records: each kind cites its seed sentence and refuses what it cannot hold', () => {
  it.each(RMA_RECORD_KINDS.map((k) => [k.kind, k.seed]))('%s implements 「%s」', (_kind, seed) => {
    expect(seed.length).toBeGreaterThan(5);
  });

  it.each([
    [
      'supplier claim with a charge-back',
      supplierClaim,
      { supplier: 'FPC Co', material: 'FPC', lossQuantity: 12, letter: '物料异常联络函 #7', chargeBackFen: 36_000 },
      true,
    ],
    [
      'supplier claim without a charge-back',
      supplierClaim,
      { supplier: 'FPC Co', material: 'FPC', lossQuantity: 12, letter: 'x', chargeBackFen: 0 },
      false,
    ],
    [
      'training with its date',
      responsiblePersonAction,
      { person: 'Wang', action: 'training', detail: 'soldering', trainingOn: '2026-12-01' },
      true,
    ],
    [
      'training without a date',
      responsiblePersonAction,
      { person: 'Wang', action: 'training', detail: 'soldering' },
      false,
    ],
    [
      'penalty with an amount',
      responsiblePersonAction,
      { person: 'Wang', action: 'penalty', detail: 'skipped IPQC', penaltyFen: 5_000 },
      true,
    ],
    [
      'penalty without an amount',
      responsiblePersonAction,
      { person: 'Wang', action: 'penalty', detail: 'skipped IPQC' },
      false,
    ],
    [
      'on-site repair',
      onSiteRepair,
      { repairedOn: '2026-11-30', quantity: 3, costFen: 20_000, costBorneBy: 'outsourced factory' },
      true,
    ],
    [
      'on-site repair on 2026-13-45',
      onSiteRepair,
      { repairedOn: '2026-13-45', quantity: 3, costFen: 0, costBorneBy: 'us' },
      false,
    ],
    ['evaluation 5', customerEvaluation, { satisfaction: 5, comment: 'fast' }, true],
    ['evaluation 6', customerEvaluation, { satisfaction: 6 }, false],
    ['evaluation with a control character', customerEvaluation, { satisfaction: 4, comment: 'ok\u0007' }, false],
    [
      'urgent replenishment',
      urgentReplenishment,
      { material: 'LENS', quantity: 40, neededBy: '2026-12-02', reason: 'line stop at customer' },
      true,
    ],
  ] as const)('%s → valid %s', (_name, kind, data, valid) => {
    expect(kind.data.safeParse(data).success).toBe(valid);
  });

  it('amounts go beside the data', () => {
    expect(
      supplierClaim.amountFen?.({ supplier: 's', material: 'm', lossQuantity: 1, letter: 'l', chargeBackFen: 36_000 }),
    ).toBe(36_000);
  });
});

describe('material issue (9. 根据维修物料申请数量到仓库领取物料)', () => {
  it.each([
    [70, 0, 70, undefined],
    [70, 50, 20, undefined],
    [70, 50, 21, 'issues 71 pcs in all but 70 were requested (repair + spare)'],
    [undefined, 0, 1, 'no material of this kind was requested for the case'],
  ])('requested %s, issued %i, now %i → %s', (requested, issued, quantity, problem) => {
    expect(materialIssueProblem(requested, issued, quantity)).toBe(problem);
  });
});
