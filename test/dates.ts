import { factoryToday } from '../domain/shared/fields';

/**
 * The date `days` after the factory's today. Plans (line slots, visits, promised dates, deadlines) may not lie in
 * the past, so a test that hard-coded one would start failing on the day after it.
 */
export function daysFromToday(days: number): string {
  const day = new Date(`${factoryToday()}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}
