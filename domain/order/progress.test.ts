import { applyProgress, type ProgressTally } from './progress';

// Issue 6: "volume production with progress reported by the floor (quantity done per step)".
describe('applyProgress', () => {
  it.each<[string, ProgressTally, { step: string; quantityDone: number }, boolean | string]>([
    ['first report', {}, { step: 'smt_top', quantityDone: 40 }, false],
    [
      'assembly reaching the order quantity completes',
      { smt_top: 100, reflow: 100 },
      { step: 'assembly', quantityDone: 100 },
      true,
    ],
    ['steps a board does not need are skipped', { smt_top: 100 }, { step: 'assembly', quantityDone: 100 }, true],
    ['unknown step', {}, { step: 'painting', quantityDone: 1 }, 'step'],
    ['counts never go down', { smt_top: 50 }, { step: 'smt_top', quantityDone: 40 }, 'quantityDone'],
    ['never above the order quantity', {}, { step: 'smt_top', quantityDone: 101 }, 'quantityDone'],
    ['never ahead of the step before', { smt_top: 30 }, { step: 'reflow', quantityDone: 31 }, 'quantityDone'],
  ])('%s', (_name, tally, report, expected) => {
    const result = applyProgress(tally, report, 100);
    if (typeof expected === 'string') expect(result).toMatchObject({ ok: false, field: expected });
    else expect(result).toMatchObject({ ok: true, complete: expected });
  });
});
