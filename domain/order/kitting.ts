/**
 * Material kitting (DESIGN.md processes table, production: "material kitting (purchase lead times)"; issue 6:
 * "each component in stock, to purchase with its lead time, or consigned and awaited").
 */

/** Where one BOM line's material comes from. */
export type MaterialSource =
  | { kind: 'in_stock' }
  | { kind: 'purchase'; leadTimeDays: number; arrived?: boolean }
  | { kind: 'consigned'; arrived: boolean };

/** One line of the kit. */
export interface KitLine {
  partNumber: string;
  quantity: number;
  source: MaterialSource;
}

/** Why the kit is not complete yet. */
export interface KitShortage {
  partNumber: string;
  reason: 'purchase' | 'consigned';
  /** Days until the purchase arrives (0 for consigned material: it is awaited from the customer). */
  leadTimeDays: number;
}

/** Where kitting stands. */
export interface KittingStatus {
  ready: boolean;
  shortages: KitShortage[];
  /** The longest outstanding purchase lead time; the workflow waits this long before asking again. */
  waitDays: number;
  /** Consigned material the customer still has to send. */
  awaitingCustomer: boolean;
}

/** The kit's status: ready only when every line is in stock or has arrived. */
export function kittingStatus(lines: readonly KitLine[]): KittingStatus {
  if (lines.length === 0) throw new RangeError('a kit needs at least one line');
  const shortages: KitShortage[] = [];
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0)
      throw new RangeError(`${line.partNumber}: quantity must be a whole number above 0`);
    const s = line.source;
    if (s.kind === 'purchase' && !s.arrived) {
      if (!Number.isInteger(s.leadTimeDays) || s.leadTimeDays < 0)
        throw new RangeError(`${line.partNumber}: lead time must be whole days ≥ 0`);
      shortages.push({ partNumber: line.partNumber, reason: 'purchase', leadTimeDays: s.leadTimeDays });
    } else if (s.kind === 'consigned' && !s.arrived) {
      shortages.push({ partNumber: line.partNumber, reason: 'consigned', leadTimeDays: 0 });
    }
  }
  return {
    ready: shortages.length === 0,
    shortages,
    waitDays: shortages.reduce((max, s) => Math.max(max, s.leadTimeDays), 0),
    awaitingCustomer: shortages.some((s) => s.reason === 'consigned'),
  };
}

/** A fitted BOM line of the quoted revision, as the kit must cover it. */
export interface KitBomLine {
  partNumber: string;
  /** Parts per board. */
  perBoard: number;
  throughHole: boolean;
  designators: string[];
}

/** A kit line as recorded, with what was actually counted into the kit. */
export interface CountedKitLine extends KitLine {
  /** For consigned material: how many the customer's shipment held when it was received. */
  receivedQuantity?: number;
}

/** Why a recorded kit does not match the quote's BOM; `index` is the kit line (or null for a BOM line not kitted). */
export type KitMismatch = { ok: false; index: number | null; partNumber: string; reason: string };

/**
 * Checks a kit against the quoted BOM (issue 13 item 5: "every line covered with quantity × boards plus attrition;
 * consigned parts recorded as received from the customer"): every kit line is a BOM part, every fitted BOM line is
 * kitted with at least its need, and consigned material is counted as received. The need is the quote's own
 * figure: per board × boards, plus the spare parts the quote priced (`spareFor`).
 */
export function checkKitAgainstBom(
  bom: readonly KitBomLine[],
  boards: number,
  kit: readonly CountedKitLine[],
  spare: (line: KitBomLine, net: number) => number,
): { ok: true } | KitMismatch {
  const key = (p: string) => p.trim().toUpperCase();
  const byPart = new Map(bom.map((line) => [key(line.partNumber), line]));
  const kitted = new Map<string, number>();
  for (const [index, line] of kit.entries()) {
    const bomLine = byPart.get(key(line.partNumber));
    if (!bomLine)
      return { ok: false, index, partNumber: line.partNumber, reason: `${line.partNumber} is not on the quoted BOM` };
    if (
      line.source.kind === 'consigned' &&
      line.source.arrived &&
      (line.receivedQuantity === undefined || line.receivedQuantity < line.quantity)
    ) {
      return {
        ok: false,
        index,
        partNumber: line.partNumber,
        reason: `${line.partNumber}: consigned material counts only as received from the customer (received ${line.receivedQuantity ?? 'nothing recorded'}, kitted ${line.quantity})`,
      };
    }
    kitted.set(key(line.partNumber), (kitted.get(key(line.partNumber)) ?? 0) + line.quantity);
  }
  for (const line of bom) {
    const net = line.perBoard * boards;
    const need = net + spare(line, net);
    const have = kitted.get(key(line.partNumber)) ?? 0;
    if (have < need) {
      const index = kit.findIndex((k) => key(k.partNumber) === key(line.partNumber));
      return {
        ok: false,
        index: index < 0 ? null : index,
        partNumber: line.partNumber,
        reason: `${line.partNumber} (${line.designators.join(', ')}): ${have} kitted, ${need} needed (${line.perBoard} × ${boards} boards + ${need - net} attrition)`,
      };
    }
  }
  return { ok: true };
}

/** A quoted BOM line with its spare parts worked out, as the kitting task carries it for the check. */
export interface KitRequirement extends KitBomLine {
  /** The spare parts the quote priced for this line (machine loss), on top of per board × boards. */
  spare: number;
}

/**
 * Checks a reported kit against the requirements the kitting task carries; nothing to check when the order has no
 * quoted BOM (a bare-board order). The field names the kit line (`lines.<index>`), or `lines` for a BOM line not kitted.
 */
export function kitProblem(
  requirements: readonly KitRequirement[],
  boards: number,
  kit: readonly CountedKitLine[],
): { field: string; message: string } | undefined {
  if (!requirements.length) return undefined;
  const byPart = new Map(requirements.map((r) => [r.partNumber.trim().toUpperCase(), r]));
  const result = checkKitAgainstBom(
    requirements,
    boards,
    kit,
    (line) => byPart.get(line.partNumber.trim().toUpperCase())?.spare ?? 0,
  );
  if (result.ok) return undefined;
  return { field: result.index === null ? 'lines' : `lines.${result.index}`, message: result.reason };
}
