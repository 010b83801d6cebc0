/**
 * QC of one lot (DESIGN.md processes table, QC / rework: "defective units reworked and re-inspected until
 * **100 % pass**, scrap past a rework limit"; seed 000: "rework the individual problems. After all SMT patch proof
 * finished products have passed the inspection, they can be delivered"; seed 001 §6: "After ensuring 100% pass
 * rate"). Pure state machine: the lot workflow applies inspection and rework events to it.
 */

/** How many times one unit may be reworked; a unit failing after that many reworks is scrapped and rebuilt. */
export interface QcPolicy {
  reworkLimit: number;
}

/** Two reworks per unit, then scrap: a third soldering pass risks pad lift-off. */
export const DEFAULT_QC_POLICY: QcPolicy = { reworkLimit: 2 };

/** Where a lot stands in QC. */
export type LotQcStatus = 'awaiting_inspection' | 'in_rework' | 'passed';

/** The QC state of a lot. */
export interface LotQcState {
  quantity: number;
  status: LotQcStatus;
  /** Inspection rounds recorded so far. */
  round: number;
  /** Units the next inspection round must cover. */
  pendingInspection: number;
  passedUnits: number;
  /** Rework attempts per unit serial. */
  reworkAttempts: Record<string, number>;
  /** Serials waiting for rework now. */
  inRework: string[];
  scrapped: string[];
  /** Scrapped units still to be rebuilt (they come back as new units to inspect). */
  rebuildPending: number;
  /** Units that passed the first round (first-pass yield numerator); null before it. */
  firstPassPassed: number | null;
  /** Rework operations done over the lot's life. */
  reworkCount: number;
}

/** One inspection round as QA records it. */
export interface InspectionRound {
  passedCount: number;
  failedSerials: readonly string[];
}

/** Result of applying an event: the new state or the reason it does not fit. */
export type LotQcResult = { ok: true; state: LotQcState; scrappedNow: string[] } | { ok: false; reason: string };

/** A freshly built lot: every unit waits for its first inspection. */
export function newLot(quantity: number): LotQcState {
  if (!Number.isInteger(quantity) || quantity <= 0)
    throw new RangeError(`lot quantity must be a whole number above 0, got ${quantity}`);
  return {
    quantity,
    status: 'awaiting_inspection',
    round: 0,
    pendingInspection: quantity,
    passedUnits: 0,
    reworkAttempts: {},
    inRework: [],
    scrapped: [],
    rebuildPending: 0,
    firstPassPassed: null,
    reworkCount: 0,
  };
}

/** Records an inspection round: passed units count toward 100 %, failed ones go to rework or, past the limit, scrap. */
export function recordInspectionRound(
  state: LotQcState,
  inspection: InspectionRound,
  policy: QcPolicy = DEFAULT_QC_POLICY,
): LotQcResult {
  if (state.status !== 'awaiting_inspection')
    return { ok: false, reason: `the lot is ${state.status}, not awaiting inspection` };
  const { passedCount, failedSerials } = inspection;
  if (!Number.isInteger(passedCount) || passedCount < 0)
    return { ok: false, reason: 'passedCount must be a whole number ≥ 0' };
  if (new Set(failedSerials).size !== failedSerials.length)
    return { ok: false, reason: 'a failed unit serial is listed twice' };
  const inspected = passedCount + failedSerials.length;
  if (inspected !== state.pendingInspection) {
    return {
      ok: false,
      reason: `this round must cover ${state.pendingInspection} unit(s); ${inspected} were reported`,
    };
  }
  const inRework: string[] = [];
  const scrappedNow: string[] = [];
  for (const serial of failedSerials) {
    const attempts = state.reworkAttempts[serial] ?? 0;
    if (attempts >= policy.reworkLimit) scrappedNow.push(serial);
    else inRework.push(serial);
  }
  const passedUnits = state.passedUnits + passedCount;
  const round = state.round + 1;
  return {
    ok: true,
    scrappedNow,
    state: {
      ...state,
      round,
      passedUnits,
      pendingInspection: 0,
      inRework,
      scrapped: [...state.scrapped, ...scrappedNow],
      rebuildPending: state.rebuildPending + scrappedNow.length,
      firstPassPassed: round === 1 ? passedCount : state.firstPassPassed,
      status: passedUnits === state.quantity ? 'passed' : 'in_rework',
    },
  };
}

/** Production reports the rework done: reworked and rebuilt units go back to inspection. */
export function recordReworkDone(state: LotQcState): LotQcResult {
  if (state.status !== 'in_rework') return { ok: false, reason: `the lot is ${state.status}, not in rework` };
  const reworkAttempts = { ...state.reworkAttempts };
  for (const serial of state.inRework) reworkAttempts[serial] = (reworkAttempts[serial] ?? 0) + 1;
  return {
    ok: true,
    scrappedNow: [],
    state: {
      ...state,
      status: 'awaiting_inspection',
      reworkAttempts,
      reworkCount: state.reworkCount + state.inRework.length,
      pendingInspection: state.inRework.length + state.rebuildPending,
      inRework: [],
      rebuildPending: 0,
    },
  };
}

/** Share of the lot that passed its first inspection, 0–1 (rounded to 4 places); null before the first round. */
export function firstPassYield(state: LotQcState): number | null {
  if (state.firstPassPassed === null) return null;
  return Math.round((state.firstPassPassed / state.quantity) * 10_000) / 10_000;
}

/** Splits an order quantity into lots of at most `maxLotSize` units (the last lot takes the remainder). */
export function planLots(quantity: number, maxLotSize: number): number[] {
  if (!Number.isInteger(quantity) || quantity <= 0)
    throw new RangeError(`quantity must be a whole number above 0, got ${quantity}`);
  if (!Number.isInteger(maxLotSize) || maxLotSize <= 0)
    throw new RangeError(`lot size must be a whole number above 0, got ${maxLotSize}`);
  const lots: number[] = [];
  for (let left = quantity; left > 0; left -= maxLotSize) lots.push(Math.min(left, maxLotSize));
  return lots;
}
