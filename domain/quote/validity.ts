/**
 * How long an issued quote holds (issue 6: "Validity (30 days, configurable) → expired"). Times are epoch
 * milliseconds, given by the caller.
 */

const DAY_MS = 86_400_000;

/** Days an issued quote stays open for the customer's decision unless configured otherwise. */
export const DEFAULT_QUOTE_VALIDITY_DAYS = 30;

/** The moment a quote issued at `issuedAt` expires. */
export function quoteExpiresAt(issuedAt: number, validityDays: number = DEFAULT_QUOTE_VALIDITY_DAYS): number {
  if (!Number.isInteger(validityDays) || validityDays < 1)
    throw new RangeError(`validity must be a whole number of days ≥ 1, got ${validityDays}`);
  return issuedAt + validityDays * DAY_MS;
}

/** True once `now` has reached the expiry: a decision at the very moment of expiry is too late. */
export function isQuoteExpired(expiresAt: number, now: number): boolean {
  return now >= expiresAt;
}
