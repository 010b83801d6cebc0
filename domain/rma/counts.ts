/**
 * Quantities of one RMA reconciled at every count (seed 002).
 *
 * - 外协 5.3.1 / 5.3.2: "根据《退货处理单》的内容进行核对记录备案;如货、单或数量不一致时需及时通知业务部售后专员同客户沟通处理"
 *   — the returned goods are checked against the return form and recorded; when goods, paperwork or quantity do
 *   not match, sales is told at once to settle it with the customer. So a received quantity different from the
 *   complaint is not refused: it is recorded as a difference and sales is notified.
 * - 备注 1: "仓库人员收到客户退货品,根据《品质异常处理报告》核实退货数量" — the warehouse verifies the returned quantity
 *   against the report; the report cannot claim more defective units than the complaint names.
 * - 客退返修处理流程 6: "对客退品进行分类,分析,区分良品及报废品" — every received unit is either good or scrap.
 * - 11: "根据领取的售后品、退回及领取的物料结单" — the job is closed against what was received, returned and issued:
 *   repaired + scrapped equals what went into repair, and what ships back is what was repaired.
 * A count that cannot be true (a sum that does not add up) is refused naming its field; nothing changes.
 */

/** The counts the case has taken so far (pieces). */
export interface RmaCounts {
  /** What the complaint names. */
  opened: number;
  /** Defective units the quality-abnormality report names. */
  reported?: number;
  received?: number;
  good?: number;
  scrap?: number;
  /** Units currently repaired (after rework scrap). */
  repaired?: number;
  /** Units scrapped during repair and rework. */
  scrappedInRepair?: number;
  shipped?: number;
  /** Replacement units shipped ahead of the faulty ones (exchange). */
  replacementShipped?: number;
  /** Faulty units back after an exchange. */
  faultyReturned?: number;
}

/** A difference the seed allows: recorded on the case, sales told. */
export interface CountDifference {
  step: string;
  field: string;
  expected: number;
  actual: number;
  note: string;
}

/** The outcome of one count. */
export type CountResult =
  { ok: true; counts: RmaCounts; difference?: CountDifference } | { ok: false; field: string; message: string };

const refuse = (field: string, message: string): CountResult => ({ ok: false, field, message });

function wholeNonNegative(field: string, n: unknown): CountResult | undefined {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return refuse(field, 'must be a whole number ≥ 0');
  return undefined;
}

/** Counts of a new case. */
export function openCounts(quantity: number): RmaCounts {
  if (!Number.isInteger(quantity) || quantity <= 0)
    throw new Error(`an RMA quantity must be a whole number > 0, got ${quantity}`);
  return { opened: quantity };
}

/** The quality report's defective count: at least 1, at most what the complaint names. */
export function countReported(c: RmaCounts, defectQuantity: number): CountResult {
  const bad = wholeNonNegative('defectQuantity', defectQuantity);
  if (bad) return bad;
  if (defectQuantity === 0) return refuse('defectQuantity', 'must be at least 1');
  if (defectQuantity > c.opened)
    return refuse('defectQuantity', `cannot exceed the ${c.opened} pcs the complaint names`);
  return { ok: true, counts: { ...c, reported: defectQuantity } };
}

/**
 * Stock-in: any positive quantity is accepted (the goods are what they are), labelled units must match it, and a
 * quantity other than the complaint's is the 5.3.1 difference — recorded, sales told.
 */
export function countReceived(c: RmaCounts, quantity: number, labelledUnits = 0): CountResult {
  const bad = wholeNonNegative('quantity', quantity);
  if (bad) return bad;
  if (quantity === 0) return refuse('quantity', 'must be at least 1 (nothing received is not a stock-in)');
  if (labelledUnits > 0 && labelledUnits !== quantity)
    return refuse('units', `lists ${labelledUnits} labelled units for a quantity of ${quantity}`);
  const counts = { ...c, received: quantity };
  if (quantity === c.opened) return { ok: true, counts };
  return {
    ok: true,
    counts,
    difference: {
      step: 'receive-units',
      field: 'quantity',
      expected: c.opened,
      actual: quantity,
      note:
        quantity < c.opened
          ? `${c.opened - quantity} pcs fewer than the complaint names`
          : `${quantity - c.opened} pcs more than the complaint names`,
    },
  };
}

/** Classification: good + scrap is exactly what was received; units named individually cannot outnumber it. */
export function countClassified(c: RmaCounts, good: number, scrap: number, namedUnits = 0): CountResult {
  const received = c.received;
  if (received === undefined) return refuse('good', 'nothing has been received yet');
  const bad = wholeNonNegative('good', good) ?? wholeNonNegative('scrap', scrap);
  if (bad) return bad;
  if (good + scrap !== received)
    return refuse('scrap', `good ${good} + scrap ${scrap} = ${good + scrap}, but ${received} pcs were received`);
  if (namedUnits > received) return refuse('units', `names ${namedUnits} units but ${received} were received`);
  return { ok: true, counts: { ...c, good, scrap } };
}

/** Repair: repaired + scrapped is exactly what went into repair (the good units). */
export function countRepaired(c: RmaCounts, repaired: number, scrapped: number): CountResult {
  const good = c.good;
  if (good === undefined) return refuse('repaired', 'nothing has been classified yet');
  const bad = wholeNonNegative('repaired', repaired) ?? wholeNonNegative('scrapped', scrapped);
  if (bad) return bad;
  if (repaired + scrapped !== good)
    return refuse(
      'scrapped',
      `repaired ${repaired} + scrapped ${scrapped} = ${repaired + scrapped}, but ${good} pcs went into repair`,
    );
  return { ok: true, counts: { ...c, repaired, scrappedInRepair: scrapped } };
}

/** Rework after a failed inspection: the reworked units come from the repaired ones; scrap moves out of them. */
export function countReworked(c: RmaCounts, reworked: number, scrapped: number): CountResult {
  const repaired = c.repaired;
  if (repaired === undefined) return refuse('repaired', 'nothing has been repaired yet');
  const bad = wholeNonNegative('repaired', reworked) ?? wholeNonNegative('scrapped', scrapped);
  if (bad) return bad;
  if (reworked + scrapped > repaired)
    return refuse(
      'scrapped',
      `repaired ${reworked} + scrapped ${scrapped} = ${reworked + scrapped}, but only ${repaired} pcs are in rework`,
    );
  return {
    ok: true,
    counts: { ...c, repaired: repaired - scrapped, scrappedInRepair: (c.scrappedInRepair ?? 0) + scrapped },
  };
}

/** Ship-back of repaired units: exactly the repaired units leave (none may be lost or invented). */
export function countShipped(c: RmaCounts, quantity: number, expected: number | undefined = c.repaired): CountResult {
  const bad = wholeNonNegative('quantity', quantity);
  if (bad) return bad;
  if (expected === undefined) return refuse('quantity', 'there is nothing to ship yet');
  if (quantity !== expected) return refuse('quantity', `ships ${quantity} pcs but ${expected} are ready`);
  return { ok: true, counts: { ...c, shipped: quantity } };
}

/** A replacement shipped ahead: at least 1, at most what the complaint names. */
export function countReplacement(c: RmaCounts, quantity: number): CountResult {
  const bad = wholeNonNegative('quantity', quantity);
  if (bad) return bad;
  if (quantity === 0 || quantity > c.opened)
    return refuse('quantity', `must be between 1 and the ${c.opened} pcs the complaint names`);
  return { ok: true, counts: { ...c, replacementShipped: quantity } };
}

/**
 * Faulty units back after an exchange: never more than were replaced; fewer is the difference the customer is
 * invoiced for (see {@link unreturnedUnits}) and sales is told.
 */
export function countFaultyReturned(c: RmaCounts, quantity: number): CountResult {
  const replaced = c.replacementShipped ?? c.opened;
  const bad = wholeNonNegative('quantity', quantity);
  if (bad) return bad;
  if (quantity > replaced) return refuse('quantity', `${quantity} pcs back but only ${replaced} were replaced`);
  const counts = { ...c, faultyReturned: quantity };
  if (quantity === replaced) return { ok: true, counts };
  return {
    ok: true,
    counts,
    difference: {
      step: 'faulty-return',
      field: 'quantity',
      expected: replaced,
      actual: quantity,
      note: `${replaced - quantity} faulty pcs not returned: invoiced`,
    },
  };
}

/** Replacement units whose faulty originals never came back (0 when all came back). */
export function unreturnedUnits(c: RmaCounts): number {
  return Math.max(0, (c.replacementShipped ?? c.opened) - (c.faultyReturned ?? 0));
}

/** Problems with a set of counts that no sequence of accepted counts can produce (empty when consistent). */
export function countInvariantProblems(c: RmaCounts): string[] {
  const problems: string[] = [];
  if (c.reported !== undefined && c.reported > c.opened) problems.push('reported > opened');
  if (c.good !== undefined && c.received !== undefined && c.good + (c.scrap ?? 0) !== c.received)
    problems.push('good + scrap ≠ received');
  if (c.repaired !== undefined && c.good !== undefined && c.repaired + (c.scrappedInRepair ?? 0) !== c.good)
    problems.push('repaired + scrapped ≠ good');
  if (c.shipped !== undefined && c.repaired !== undefined && c.shipped !== c.repaired)
    problems.push('shipped ≠ repaired');
  if (c.faultyReturned !== undefined && c.faultyReturned > (c.replacementShipped ?? c.opened))
    problems.push('returned > replaced');
  return problems;
}
