/**
 * The factory's formats: instants in its time zone (`TIME_ZONE`, from `GET /api/config`) with the zone named,
 * calendar dates as written in the reader's language, money in yuan from integer fen. Pure: tests call them
 * with any zone and language.
 */
import type { Lang } from './history';
import { formatMoney as moneyText } from '../../../domain/shared/money';

/** The zone the factory works in when the API has not said (the default of `TIME_ZONE`). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const LOCALES: Record<Lang, string> = { en: 'en-GB', zh: 'zh-CN' };

// China has one civil time; Chinese readers call it Beijing time.
const CHINA_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi', 'PRC']);

/** The zone's name as a reader expects it: "北京时间" in Chinese for China, else the UTC offset ("GMT+8"). */
export function zoneName(zone: string, lang: Lang, at = new Date()): string {
  if (lang === 'zh' && CHINA_ZONES.has(zone)) return '北京时间';
  const part = new Intl.DateTimeFormat(LOCALES[lang], { timeZone: zone, timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? zone;
}

/** An instant (ISO text or Date) as date and time in `zone`, with the zone named: "29 Nov 2026, 18:34 GMT+8". */
export function formatDateTime(at: string | Date | null | undefined, lang: Lang, zone = DEFAULT_TIME_ZONE): string {
  if (at === null || at === undefined || at === '') return '—';
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return '—';
  const text = new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone: zone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
  return lang === 'zh' ? `${text}（${zoneName(zone, lang, date)}）` : `${text} ${zoneName(zone, lang, date)}`;
}

/**
 * A calendar date: "2026-12-29" (a date the factory means, no zone) or an instant (its day in `zone`), written
 * "29 Dec 2026" / "2026年12月29日".
 */
export function formatDate(value: string | null | undefined, lang: Lang, zone = DEFAULT_TIME_ZONE): string {
  if (!value) return '—';
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(plain ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALES[lang], { timeZone: plain ? 'UTC' : zone, dateStyle: 'medium' }).format(date);
}

/** Today's date in `zone` as YYYY-MM-DD (what a date input needs), at `now`. */
export function todayIn(zone = DEFAULT_TIME_ZONE, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The wall-clock fields of `at` in `zone`. */
function wallClock(at: Date, zone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute') };
}

/** Now in `zone` as a date-and-time input holds it: "2026-11-30T05:47" (the factory's wall clock, whatever the browser's zone). */
export function nowInputIn(zone = DEFAULT_TIME_ZONE, now = new Date()): string {
  const c = wallClock(now, zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${c.y}-${two(c.mo)}-${two(c.d)}T${two(c.h)}:${two(c.mi)}`;
}

/**
 * A date-and-time input's "2026-11-30T05:47", read as the wall clock in `zone` (not the browser's zone), as an
 * ISO instant; null when it is not a date and time.
 */
export function wallTimeToInstant(text: string, zone = DEFAULT_TIME_ZONE): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const wanted = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offset at the guessed instant, applied twice so a change of offset between the two is followed.
  let at = wanted;
  for (let i = 0; i < 2; i++) {
    const c = wallClock(new Date(at), zone);
    at += wanted - Date.UTC(c.y, c.mo - 1, c.d, c.h, c.mi);
  }
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/**
 * Money from integer minor units (fen, cents): yuan as "¥1,285.77" in English and "1,285.77 元" in Chinese;
 * other currencies with their code ("USD 12.00" / "12.00 美元").
 */
export function formatMoney(minor: number | null | undefined, currency = 'CNY', lang: Lang = 'en'): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—';
  // The one money format: mails, task titles and the PDF write the same (domain/shared/money); it takes whole fen.
  return moneyText(Math.round(minor), currency, lang);
}

/** A whole number with digit grouping. */
export function formatCount(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString(LOCALES[lang]);
}

/** A yes / no value in words. */
export function yesNo(value: boolean, lang: Lang): string {
  return lang === 'zh' ? (value ? '是' : '否') : value ? 'Yes' : 'No';
}
