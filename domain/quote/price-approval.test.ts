import type { LineItem } from './pricing';
import { priceChangeApprovalReasons } from './price-approval';

const line = (code: string, totalFen: number): LineItem => ({
  category: 'assembly',
  code,
  description: code,
  quantity: 1,
  unit: 'order',
  unitPriceFen: totalFen,
  totalFen,
});
const engine = [line('smt-setup', 30000), line('stencil', 8000), line('smt-joints', 62000)]; // 1,000.00 CNY
const approvals = { priceCutPercent: 10, floorFen: 10000 };
const adjusted = (changes: Record<string, number>) =>
  engine.map((l) => (l.code in changes ? line(l.code, changes[l.code]) : l));

// Issue 13 item 3: "a price change by engineering that lowers the total by more than a configured share (default
// 10 %) or below the rule set's floor, any zero line … need approval by a different person".
describe('priceChangeApprovalReasons', () => {
  it.each<[string, Record<string, number>, RegExp[]]>([
    ['no change', {}, []],
    ['a 10 % cut exactly (allowed alone)', { 'smt-setup': 20000 }, []],
    ['a cut of just over 10 %', { 'smt-setup': 19999 }, [/lowered by 10.0 %, more than the 10 %/]],
    ['a price rise', { 'smt-setup': 90000 }, []],
    ['a zero line, even within 10 %', { stencil: 0 }, [/"stencil" is set to zero/]],
    [
      'everything zero',
      { 'smt-setup': 0, stencil: 0, 'smt-joints': 0 },
      [/lowered by 100.0 %/, /below the floor of 100.00 CNY/, /smt-setup/, /stencil/, /smt-joints/],
    ],
  ])('%s', (_case, changes, expected) => {
    const reasons = priceChangeApprovalReasons({ engineLines: engine, adjustedLines: adjusted(changes), approvals });
    expect(reasons).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(reasons[i]).toMatch(re));
  });

  it('asks for approval below the floor even for a small cut', () => {
    const small = [line('pcb-engineering', 10500)];
    expect(
      priceChangeApprovalReasons({ engineLines: small, adjustedLines: [line('pcb-engineering', 9900)], approvals }),
    ).toEqual([expect.stringMatching(/below the floor/)]);
  });
});
