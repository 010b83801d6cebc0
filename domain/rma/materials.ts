/**
 * Spare material and repair lead times (seed 002, 客退返修处理流程).
 *
 * - 2. 物料预损补料申请规范: "Q≤50 维修需求量+20PCS; 50<Q≤100 +30PCS; 100<Q≤150 +40PCS; 150<Q≤200 +50PCS" — spare
 *   pieces on top of the repair quantity Q. "LENS Q≤500 维修需求量*115% / *130% / *150%" (the seed's table is
 *   garbled: which percentage goes with which batch size is lost, so the LENS tiers are configuration).
 *   "FOG前:按30%损耗; FOG后:按20%损耗" — FOG material: 30 % loss before FOG, 20 % after.
 * - 3.1: "如有库存物料,则应在7天内完成返修并入库" — materials in stock: repaired and stocked within 7 days.
 *   "如无物料 … 按FPC:7天,SMT:2天,LENS:7天,SENSOR:7天返厂后进行返工" — otherwise rework after the material comes
 *   back: FPC 7 days, SMT 2, LENS 7, SENSOR 7. "物料齐料后生产2天内完成" — production done within 2 days of a
 *   complete kit. 3.3: "FOG:1个工作日生产完成; 水胶:1个工作日生产完成" — FOG and water glue 1 working day each.
 */
import { addCalendarDays, addWorkingDays, type WorkingCalendar } from './calendar';

/** Material families the seed names. */
export const MATERIAL_KINDS = ['FPC', 'SMT', 'LENS', 'SENSOR', 'FOG', 'WATER_GLUE'] as const;
/** One of {@link MATERIAL_KINDS}. */
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** A spare tier: up to `maxQuantity` (inclusive) pieces, add `extraPieces` or scale by `percent`. */
export interface PieceTier {
  maxQuantity: number;
  extraPieces: number;
}
export interface PercentTier {
  maxQuantity: number;
  percent: number;
}

/** The factory's material rules; every number is configuration with the seed's values as defaults. */
export interface MaterialRules {
  pieceTiers: PieceTier[];
  lensTiers: PercentTier[];
  fogLossPercent: { beforeFog: number; afterFog: number };
  /** Calendar days for the material to come back once ordered by PMC. */
  leadDays: Record<'FPC' | 'SMT' | 'LENS' | 'SENSOR', number>;
  /** Working days for process steps done in house. */
  processWorkingDays: Record<'FOG' | 'WATER_GLUE', number>;
  /** Calendar days to repair and stock when every material is in stock. */
  inStockRepairDays: number;
  /** Working days to finish production once the kit is complete. */
  afterKitWorkingDays: number;
}

/**
 * Seed values. LENS: the seed pairs 115 / 130 / 150 % with tiers it no longer shows; we assume smaller batches
 * need the larger margin (as the piece tiers do: +20 on 50 is 40 %, +50 on 200 is 25 %).
 */
export const DEFAULT_MATERIAL_RULES: MaterialRules = {
  pieceTiers: [
    { maxQuantity: 50, extraPieces: 20 },
    { maxQuantity: 100, extraPieces: 30 },
    { maxQuantity: 150, extraPieces: 40 },
    { maxQuantity: 200, extraPieces: 50 },
  ],
  lensTiers: [
    { maxQuantity: 50, percent: 150 },
    { maxQuantity: 200, percent: 130 },
    { maxQuantity: 500, percent: 115 },
  ],
  fogLossPercent: { beforeFog: 30, afterFog: 20 },
  leadDays: { FPC: 7, SMT: 2, LENS: 7, SENSOR: 7 },
  processWorkingDays: { FOG: 1, WATER_GLUE: 1 },
  inStockRepairDays: 7,
  afterKitWorkingDays: 2,
};

/** How much to request for one material kind. */
export interface SpareRequest {
  kind: MaterialKind;
  repairQuantity: number;
  /** Pieces requested on top of the repair quantity. */
  spareQuantity: number;
  /** True when Q is above the last tier and the last tier was applied (the seed stops at 200 / 500). */
  beyondTable: boolean;
}

function tierFor<T extends { maxQuantity: number }>(tiers: T[], q: number): { tier: T; beyondTable: boolean } {
  const sorted = [...tiers].sort((a, b) => a.maxQuantity - b.maxQuantity);
  if (sorted.length === 0) throw new Error('material rules have no tiers');
  const tier = sorted.find((t) => q <= t.maxQuantity);
  return tier ? { tier, beyondTable: false } : { tier: sorted[sorted.length - 1], beyondTable: true };
}

/** Spare pieces for a repair quantity Q of one material kind (FOG needs the stage: before or after FOG). */
export function spareRequest(
  kind: MaterialKind,
  repairQuantity: number,
  rules: MaterialRules = DEFAULT_MATERIAL_RULES,
  fogStage: 'beforeFog' | 'afterFog' = 'beforeFog',
): SpareRequest {
  if (!Number.isInteger(repairQuantity) || repairQuantity <= 0) {
    throw new Error(`repair quantity must be a whole number > 0, got ${repairQuantity}`);
  }
  if (kind === 'LENS') {
    const { tier, beyondTable } = tierFor(rules.lensTiers, repairQuantity);
    const total = Math.ceil((repairQuantity * tier.percent) / 100);
    return { kind, repairQuantity, spareQuantity: total - repairQuantity, beyondTable };
  }
  if (kind === 'FOG') {
    const loss = rules.fogLossPercent[fogStage];
    return { kind, repairQuantity, spareQuantity: Math.ceil((repairQuantity * loss) / 100), beyondTable: false };
  }
  const { tier, beyondTable } = tierFor(rules.pieceTiers, repairQuantity);
  return { kind, repairQuantity, spareQuantity: tier.extraPieces, beyondTable };
}

/** One material a repair needs, and whether the warehouse has it. */
export interface MaterialNeed {
  kind: MaterialKind;
  inStock: boolean;
}

/** When each missing material is expected and when the repair is due. */
export interface RepairPlan {
  /** Expected arrival per ordered material (ISO instants). */
  arrivals: { kind: MaterialKind; expectedAt: string }[];
  /** When the kit is complete (the request time when everything is in stock). */
  kitCompleteBy: string;
  repairDueAt: string;
}

/**
 * Plans a repair from the time the material request reaches PMC. In stock: 7 days. Otherwise: the slowest
 * material's lead time, then 2 working days of production, plus 1 working day each for FOG and water glue.
 */
export function planRepair(
  needs: MaterialNeed[],
  requestedAt: Date,
  calendar: WorkingCalendar,
  rules: MaterialRules = DEFAULT_MATERIAL_RULES,
): RepairPlan {
  const processDays = needs.reduce(
    (sum, n) => sum + (n.kind === 'FOG' || n.kind === 'WATER_GLUE' ? rules.processWorkingDays[n.kind] : 0),
    0,
  );
  const ordered = needs.filter(
    (n): n is MaterialNeed & { kind: 'FPC' | 'SMT' | 'LENS' | 'SENSOR' } =>
      !n.inStock && n.kind !== 'FOG' && n.kind !== 'WATER_GLUE',
  );
  const arrivals = ordered.map((n) => ({
    kind: n.kind as MaterialKind,
    expectedAt: addCalendarDays(requestedAt, rules.leadDays[n.kind]),
  }));
  if (arrivals.length === 0) {
    const stocked = addCalendarDays(requestedAt, rules.inStockRepairDays);
    const due = processDays > 0 ? addWorkingDays(calendar, stocked, processDays) : stocked;
    return { arrivals: [], kitCompleteBy: requestedAt.toISOString(), repairDueAt: due.toISOString() };
  }
  const kit = new Date(Math.max(...arrivals.map((a) => a.expectedAt.getTime())));
  const due = addWorkingDays(calendar, kit, rules.afterKitWorkingDays + processDays);
  return {
    arrivals: arrivals.map((a) => ({ kind: a.kind, expectedAt: a.expectedAt.toISOString() })),
    kitCompleteBy: kit.toISOString(),
    repairDueAt: due.toISOString(),
  };
}
