/**
 * What the customer claims is a claim until staff confirm it (seed 002, 网店客服接待售后流程 第二步: "客服人员 …
 * 需要核实客户的身份信息,例如订单号、购买商品信息等。这是为了保证售后服务的有效性和合法性" — staff verify the order number
 * and what was bought before service is given; 客户返修品处理流程 3.1: the warranty runs from the sale date, or the
 * production date + 18 months "如无法明确提供" — when it cannot be shown).
 * A claimed date must be a real calendar date not after today (the factory's today); the warranty decision uses
 * only the dates staff confirmed or corrected.
 */
import { DateTime } from 'luxon';

/** Why a claimed date is unusable (undefined: usable). */
export function claimedDateProblem(date: string, today: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'must be a date YYYY-MM-DD';
  const d = DateTime.fromISO(date, { zone: 'utc' });
  if (!d.isValid || d.toISODate() !== date) return 'is not a real calendar date';
  if (date > today) return `cannot be in the future (today is ${today})`;
  if (date < '2000-01-01') return 'is before 2000-01-01';
  return undefined;
}

/** The product dates as claimed and as confirmed by staff. */
export interface ProductDates {
  saleDate?: string | null;
  productionDate?: string | null;
}

/** Staff's confirmation of the claimed dates: each confirmed as claimed, corrected, or marked unknown (null). */
export interface DateConfirmation {
  saleDate: string | null;
  productionDate: string | null;
  confirmedBy: { userId: string; role: string };
}

/** Which confirmed dates differ from the claim (for the record: what staff corrected). */
export function correctedDates(claimed: ProductDates, confirmed: DateConfirmation): string[] {
  const out: string[] = [];
  if ((claimed.saleDate ?? null) !== confirmed.saleDate) out.push('saleDate');
  if ((claimed.productionDate ?? null) !== confirmed.productionDate) out.push('productionDate');
  return out;
}

/** Why a confirmation cannot stand (bad date, or a customer confirming their own claim). */
export function confirmationProblem(
  c: DateConfirmation,
  today: string,
): { field: string; message: string } | undefined {
  if (c.confirmedBy.role === 'customer')
    return { field: 'confirmedBy', message: 'dates are confirmed by staff, not by the customer' };
  for (const field of ['saleDate', 'productionDate'] as const) {
    const v = c[field];
    if (v == null) continue;
    const problem = claimedDateProblem(v, today);
    if (problem) return { field, message: problem };
  }
  if (c.saleDate && c.productionDate && c.saleDate < c.productionDate)
    return { field: 'saleDate', message: 'a unit cannot be sold before it was made' };
  return undefined;
}

/** Fields only staff may set on a complaint (urgency and key product change deadlines and routing). */
export const STAFF_ONLY_COMPLAINT_FIELDS = ['urgent', 'keyProduct'] as const;
