import { fenNameOf, moneyNameConflicts, withFenNames } from './money-names';

describe('old money names (…Minor) read as …Fen', () => {
  it('names the current field of an old one and nothing else', () => {
    expect(fenNameOf('amountMinor')).toBe('amountFen');
    expect(fenNameOf('headroomAfterMinor')).toBe('headroomAfterFen');
    expect(fenNameOf('amountFen')).toBeUndefined();
    expect(fenNameOf('Minor')).toBeUndefined();
    expect(fenNameOf('totalUsdCents')).toBeUndefined();
  });

  it('renames at any depth, in arrays too, and leaves other fields and values alone', () => {
    const stored = {
      step: 'payment:deposit:1',
      data: { amountMinor: 1200, currency: 'CNY', note: 'amountMinor' },
      adjustments: [{ code: 'SMT', unitPriceMinor: 40 }],
      totalUsdCents: 5,
    };
    expect(withFenNames(stored)).toEqual({
      step: 'payment:deposit:1',
      data: { amountFen: 1200, currency: 'CNY', note: 'amountMinor' },
      adjustments: [{ code: 'SMT', unitPriceFen: 40 }],
      totalUsdCents: 5,
    });
    expect(stored.data.amountMinor).toBe(1200);
  });

  it('returns data without old names as it is, and keeps the new name where both are present', () => {
    const current = { totalFen: 10, lines: [{ unitPriceFen: 1 }] };
    expect(withFenNames(current)).toBe(current);
    expect(withFenNames({ amountMinor: 1, amountFen: 2 })).toEqual({ amountFen: 2 });
    expect(withFenNames(null)).toBeNull();
    expect(withFenNames(7)).toBe(7);
  });

  it('finds an old and a new name sent with different values, where they are', () => {
    expect(moneyNameConflicts({ data: { amountMinor: 1, amountFen: 2 } })).toEqual([
      { path: ['data'], oldName: 'amountMinor', name: 'amountFen' },
    ]);
    expect(moneyNameConflicts({ adjustments: [{ unitPriceMinor: 1, unitPriceFen: 1 }] })).toEqual([]);
    expect(moneyNameConflicts({ adjustments: [{}, { unitPriceMinor: 1, unitPriceFen: 3 }] })).toEqual([
      { path: ['adjustments', 1], oldName: 'unitPriceMinor', name: 'unitPriceFen' },
    ]);
  });
});
