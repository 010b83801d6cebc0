/**
 * Warranty decision (seed 002, 客户返修品处理流程 3.1): "产品保修期为12个月,以产品销售时间为准,如无法明确提供,
 * 以产品生产日期后推18个月为准" — 12 months from the sale date; when the sale date is unknown, production date
 * + 18 months.
 */
import { DateTime } from 'luxon';

/** Months of warranty counted from the sale date. */
export const WARRANTY_MONTHS_FROM_SALE = 12;
/** Months counted from the production date when the sale date is unknown. */
export const WARRANTY_MONTHS_FROM_PRODUCTION = 18;

/** The dates a warranty decision rests on (local dates YYYY-MM-DD). */
export interface WarrantyDates {
  saleDate?: string | null;
  productionDate?: string | null;
}

/** Outcome of the warranty check, with the date it ran to and the basis used. */
export interface WarrantyDecision {
  status: 'in_warranty' | 'out_of_warranty';
  basis: 'sale_date' | 'production_date' | 'unknown';
  /** Last day covered (inclusive), absent when no date is known. */
  coveredUntil?: string;
}

/**
 * Decides warranty on `onDate` (local date of receipt). Without either date the unit is out of warranty:
 * the seed gives no rule for it, and a free repair must rest on a known date.
 */
export function decideWarranty(dates: WarrantyDates, onDate: string): WarrantyDecision {
  const from = dates.saleDate ?? dates.productionDate;
  if (!from) return { status: 'out_of_warranty', basis: 'unknown' };
  const basis = dates.saleDate ? 'sale_date' : 'production_date';
  const months = basis === 'sale_date' ? WARRANTY_MONTHS_FROM_SALE : WARRANTY_MONTHS_FROM_PRODUCTION;
  const start = DateTime.fromISO(from, { zone: 'utc' });
  if (!start.isValid) throw new Error(`"${from}" is not a date YYYY-MM-DD`);
  // The warranty ends the day before the same calendar day `months` later (12 months from 2026-01-15 covers
  // up to 2027-01-14); luxon clamps month ends (2026-08-31 + 18 months → 2028-02-29).
  const coveredUntil = start.plus({ months }).minus({ days: 1 }).toISODate() ?? '';
  return { status: onDate <= coveredUntil ? 'in_warranty' : 'out_of_warranty', basis, coveredUntil };
}
