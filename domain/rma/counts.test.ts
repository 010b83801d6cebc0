import fc from 'fast-check';
import {
  countClassified,
  countFaultyReturned,
  countInvariantProblems,
  countReceived,
  countRepaired,
  countReplacement,
  countReported,
  countReworked,
  countShipped,
  openCounts,
  unreturnedUnits,
  type CountResult,
  type RmaCounts,
} from './counts';

function accepted(r: CountResult): RmaCounts {
  if (!r.ok) throw new Error(`refused: ${r.field}: ${r.message}`);
  return r.counts;
}

describe('quality report count (备注 1: 仓库人员收到客户退货品,根据《品质异常处理报告》核实退货数量)', () => {
  it.each([
    [5, 1, true],
    [5, 5, true],
    [5, 6, false],
    [5, 999, false],
    [5, 0, false],
    [5, 2.5, false],
  ])('opened %i, report names %s defective → accepted %s', (opened, defects, ok) => {
    const r = countReported(openCounts(opened), defects);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.field).toBe('defectQuantity');
  });
});

describe('stock-in count (外协 5.3.1: 如货、单或数量不一致时需及时通知业务部售后专员同客户沟通处理)', () => {
  it.each([
    ['as registered', 5, 5, 0, true, undefined],
    ['fewer arrive: recorded, sales told', 5, 3, 0, true, '2 pcs fewer than the complaint names'],
    ['more arrive: recorded, sales told', 5, 7, 0, true, '2 pcs more than the complaint names'],
    ['labelled units match', 5, 5, 5, true, undefined],
    ['labels do not match the quantity', 5, 5, 4, false, undefined],
    ['nothing received', 5, 0, 0, false, undefined],
  ])('%s', (_name, opened, received, labelled, ok, note) => {
    const r = countReceived(openCounts(opened), received, labelled);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.difference?.note).toBe(note);
  });
});

describe('classification count (6. 对客退品进行分类,分析,区分良品及报废品)', () => {
  const received = accepted(countReceived(openCounts(5), 5));
  it.each([
    [5, 0, true],
    [3, 2, true],
    [0, 5, true],
    [10, 3, false],
    [3, 1, false],
    [-1, 6, false],
  ])('received 5: good %i + scrap %i → accepted %s', (good, scrap, ok) => {
    const r = countClassified(received, good, scrap);
    expect(r.ok).toBe(ok);
  });
  it('names the field and the sum it refused', () => {
    expect(countClassified(received, 10, 3)).toEqual({
      ok: false,
      field: 'scrap',
      message: 'good 10 + scrap 3 = 13, but 5 pcs were received',
    });
  });
  it('refuses before anything was received', () => {
    expect(countClassified(openCounts(5), 5, 0).ok).toBe(false);
  });
});

describe('repair, rework and ship-back counts (11. 根据领取的售后品、退回及领取的物料结单)', () => {
  const classified = accepted(countClassified(accepted(countReceived(openCounts(10), 10)), 8, 2));
  it.each([
    [8, 0, true],
    [6, 2, true],
    [8, 1, false],
    [5, 2, false],
  ])('8 good: repaired %i + scrapped %i → accepted %s', (repaired, scrapped, ok) => {
    expect(countRepaired(classified, repaired, scrapped).ok).toBe(ok);
  });
  it('rework scrap leaves the repaired count and ship-back must match it', () => {
    const repaired = accepted(countRepaired(classified, 8, 0));
    const reworked = accepted(countReworked(repaired, 2, 1));
    expect(reworked.repaired).toBe(7);
    expect(reworked.scrappedInRepair).toBe(1);
    expect(countShipped(reworked, 8)).toEqual({ ok: false, field: 'quantity', message: 'ships 8 pcs but 7 are ready' });
    expect(accepted(countShipped(reworked, 7)).shipped).toBe(7);
    expect(countReworked(repaired, 8, 1).ok).toBe(false);
  });
});

describe('exchange counts (3.3 换货品: 无法及时将不良品返回XXX,需XXX暂时先补发的产品)', () => {
  it.each([
    [5, 5, 5, 0, true],
    [5, 5, 1, 4, true],
    [5, 5, 0, 5, true],
    [5, 5, 6, undefined, false],
    [5, 3, 3, 0, true],
  ])('opened %i, replaced %i, back %i → unreturned %s', (opened, replaced, back, unreturned, ok) => {
    const c = accepted(countReplacement(openCounts(opened), replaced));
    const r = countFaultyReturned(c, back);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(unreturnedUnits(r.counts)).toBe(unreturned);
  });
  it('refuses a replacement larger than the complaint', () => {
    expect(countReplacement(openCounts(5), 6).ok).toBe(false);
  });
});

describe('properties over the counts', () => {
  const positive = fc.integer({ min: 1, max: 500 });
  const small = fc.integer({ min: -5, max: 600 });

  it('any sequence of accepted counts keeps every invariant', () => {
    fc.assert(
      fc.property(
        positive,
        small,
        small,
        small,
        small,
        small,
        small,
        (opened, received, good, scrap, repaired, scrapped, shipped) => {
          let c = openCounts(opened);
          for (const step of [
            () => countReceived(c, received),
            () => countClassified(c, good, scrap),
            () => countRepaired(c, repaired, scrapped),
            () => countShipped(c, shipped),
          ]) {
            const r = step();
            if (!r.ok) break;
            c = r.counts;
          }
          expect(countInvariantProblems(c)).toEqual([]);
        },
      ),
    );
  });

  it('a classification is accepted exactly when good + scrap equals the received count', () => {
    fc.assert(
      fc.property(positive, fc.nat(600), fc.nat(600), (received, good, scrap) => {
        const c = accepted(countReceived(openCounts(received), received));
        expect(countClassified(c, good, scrap).ok).toBe(good + scrap === received);
      }),
    );
  });

  it('a received count is never refused for differing from the complaint, and the difference is recorded exactly then', () => {
    fc.assert(
      fc.property(positive, positive, (opened, received) => {
        const r = countReceived(openCounts(opened), received);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.difference !== undefined).toBe(opened !== received);
      }),
    );
  });

  it('returned plus unreturned equals what was replaced', () => {
    fc.assert(
      fc.property(positive, fc.nat(500), (opened, back) => {
        const c = accepted(countReplacement(openCounts(opened), opened));
        const r = countFaultyReturned(c, back);
        expect(r.ok).toBe(back <= opened);
        if (r.ok) expect(unreturnedUnits(r.counts) + back).toBe(opened);
      }),
    );
  });
});
