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
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new RangeError(`${line.partNumber}: quantity must be a whole number above 0`);
    const s = line.source;
    if (s.kind === 'purchase' && !s.arrived) {
      if (!Number.isInteger(s.leadTimeDays) || s.leadTimeDays < 0) throw new RangeError(`${line.partNumber}: lead time must be whole days ≥ 0`);
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
