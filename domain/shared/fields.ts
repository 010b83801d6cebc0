/**
 * The field builders every request and task-data schema uses, so hostile input is refused the same way
 * everywhere: text without NUL or other control characters (PostgreSQL refuses U+0000; control characters
 * corrupt PDFs, CSVs and mails), calendar dates that exist, dates on the right side of the factory's today, and
 * URLs a browser can only follow (http or https). Pure: the factory's time zone is set once at start.
 */
import { z } from 'zod';

/** C0 controls, DEL and C1 controls. */
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;
/** The same, except tab, line feed and carriage return. */
const CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export interface TextOptions {
  /** Fewest characters after trimming (default 0; give 1 for a required field). */
  min?: number;
  /** Most characters (required: every text field is bounded). */
  max: number;
  /** Trim surrounding white space before checking (default true). */
  trim?: boolean;
}

function boundedText(pattern: RegExp, refusal: string, { min = 0, max, trim = true }: TextOptions) {
  const base = trim ? z.string().trim() : z.string();
  return base
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !pattern.test(value), refusal);
}

/** One line of text: no NUL, no control characters (not even tab or newline). */
export function text(options: TextOptions) {
  return boundedText(CONTROL_CHARACTERS, 'must not contain NUL, line breaks or other control characters', options);
}

/** Free text over several lines (comments, notes, symptoms): newline, carriage return and tab allowed, other controls not. */
export function multilineText(options: TextOptions) {
  return boundedText(
    CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS,
    'must not contain NUL or control characters other than line breaks and tabs',
    options,
  );
}

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 is refused). */
export function calendarDate() {
  return z.iso.date({ error: 'must be a real calendar date as YYYY-MM-DD' });
}

/** A date and time with its offset (`2026-03-01T09:30:00+08:00` or `…Z`) on a day that exists. */
export function dateTime() {
  return z.iso.datetime({ offset: true, error: 'must be a date and time as YYYY-MM-DDTHH:MM:SS with Z or an offset' });
}

let factoryTimeZone = 'Asia/Shanghai';

/** Sets the zone in which "today" is judged (the TIME_ZONE setting); called once when a process starts. */
export function setFactoryTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en', { timeZone }); // throws on an unknown zone
  factoryTimeZone = timeZone;
}

/** Today's date in the factory's time zone, as YYYY-MM-DD. */
export function factoryToday(now: Date = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: factoryTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

// China has one civil time; Chinese readers call it Beijing time.
const CHINA_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi', 'PRC']);

/**
 * An instant as people at the factory read it, for mails: its date and time in the factory's time zone with the zone
 * named, "2026-12-01 17:00 GMT+8" in English and "2026-12-01 17:00（北京时间）" in Chinese (as the browser's
 * formatDateTime names zones).
 */
export function factoryDateTime(at: Date, lang: 'en' | 'zh' = 'en'): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: factoryTimeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const local = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  const offset = part('timeZoneName') || factoryTimeZone;
  if (lang === 'en') return `${local} ${offset}`;
  return `${local}（${CHINA_ZONES.has(factoryTimeZone) ? '北京时间' : offset}）`;
}

/** A date something is planned for: a calendar date, today or later in the factory's time zone. */
export function planDate() {
  return calendarDate().refine((day) => day >= factoryToday(), {
    error: () => `must be today (${factoryToday()}) or later`,
  });
}

/** A date something happened on: a calendar date, today or earlier in the factory's time zone. */
export function factDate() {
  return calendarDate().refine((day) => day <= factoryToday(), {
    error: () => `must be today (${factoryToday()}) or earlier`,
  });
}

/** A moment something happened: a date and time not after now. */
export function factDateTime() {
  return dateTime().refine((at) => Date.parse(at) <= Date.now(), 'must not be in the future');
}

/** A link a person may follow: http or https only (javascript:, data:, file: and the like are refused). */
export function httpUrl() {
  return z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(2000, 'must be at most 2000 characters');
}
