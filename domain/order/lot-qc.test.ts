import { firstPassYield, newLot, planLots, recordInspectionRound, recordReworkDone, type LotQcState } from './lot-qc';

function must(result: ReturnType<typeof recordInspectionRound>): LotQcState {
  if (!result.ok) throw new Error(result.reason);
  return result.state;
}

// DESIGN.md, QC / rework: "defective units reworked and re-inspected until 100 % pass, scrap past a rework limit";
// seed 001 §6: "After ensuring 100% pass rate"; seed 000: "rework the individual problems. After all ... have
// passed the inspection, they can be delivered".
describe('lot QC state machine', () => {
  it.each([
    // name, quantity, rounds as [passed, failed serials] (rework between rounds), final status, FPY, reworkCount, scrapped
    ['all pass first time', 10, [[10, []]], 'passed', 1, 0, []],
    [
      'fails twice then passes (100 % pass reached)',
      10,
      [
        [8, ['S1', 'S2']],
        [1, ['S2']],
        [1, []],
      ],
      'passed',
      0.8,
      3,
      [],
    ],
    [
      'past the rework limit of 2: scrapped and rebuilt',
      4,
      [
        [3, ['S9']],
        [0, ['S9']],
        [0, ['S9']],
        [1, []],
      ],
      'passed',
      0.75,
      2,
      ['S9'],
    ],
    ['still failing: stays in rework', 5, [[4, ['S1']]], 'in_rework', 0.8, 0, []],
  ] as const)('%s', (_name, quantity, rounds, status, fpy, reworkCount, scrapped) => {
    let lot = newLot(quantity);
    rounds.forEach(([passedCount, failedSerials], i) => {
      if (i > 0) {
        const reworked = recordReworkDone(lot);
        if (!reworked.ok) throw new Error(reworked.reason);
        lot = reworked.state;
      }
      lot = must(recordInspectionRound(lot, { passedCount, failedSerials }));
    });
    expect(lot.status).toBe(status);
    expect(firstPassYield(lot)).toBe(fpy);
    expect(lot.reworkCount).toBe(reworkCount);
    expect(lot.scrapped).toEqual(scrapped);
  });

  it.each([
    ['a round covering too few units', newLot(10), { passedCount: 8, failedSerials: ['A'] }, /must cover 10/],
    ['the same serial twice', newLot(3), { passedCount: 1, failedSerials: ['A', 'A'] }, /listed twice/],
    ['a negative pass count', newLot(3), { passedCount: -1, failedSerials: [] }, /whole number/],
  ])('refuses %s', (_name, lot, round, reason) => {
    const result = recordInspectionRound(lot, round);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses inspection while in rework and rework while awaiting inspection', () => {
    const inRework = must(recordInspectionRound(newLot(2), { passedCount: 1, failedSerials: ['X'] }));
    expect(recordInspectionRound(inRework, { passedCount: 1, failedSerials: [] })).toEqual({
      ok: false,
      reason: 'the lot is in_rework, not awaiting inspection',
    });
    expect(recordReworkDone(newLot(2))).toEqual({ ok: false, reason: 'the lot is awaiting_inspection, not in rework' });
  });

  it('has no first-pass yield before the first round', () => {
    expect(firstPassYield(newLot(5))).toBeNull();
  });
});

describe('planLots', () => {
  it.each([
    [100, 500, [100]],
    [1000, 500, [500, 500]],
    [1200, 500, [500, 500, 200]],
  ])('%d units in lots of %d → %j', (quantity, size, expected) => {
    expect(planLots(quantity, size)).toEqual(expected);
  });
});
