/** Small building blocks every page uses: loading state, errors, labelled fields, SLA badges, tables. */
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
} from 'react';
import { ApiError } from '../api';
import { useApp } from '../context';
import { EN_UNITS, ZH_UNITS, formatSpan, slaCountdown } from '../lib/time';
import { formatCount, wallTimeToInstant, yesNo, zoneName } from '../lib/format';
import { humanize } from '../i18n/codes';
import { apiMessage } from '../i18n/server-texts';

/** Loads data; `reload` runs the loader again. `missing` is true when the endpoint answered 404. */
export function useLoad<T>(
  loader: () => Promise<T>,
  deps: unknown[],
): { data: T | undefined; error: Error | null; loading: boolean; missing: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    loader()
      .then((d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (live) setError(e instanceof Error ? e : new Error(String(e)));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const missing = error instanceof ApiError && error.status === 404;
  return { data, error, loading, missing, reload };
}

/** Re-renders every `ms` so countdowns move. */
export function useNow(ms = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function ErrorBanner({ error }: { error: unknown }) {
  const { t, lang } = useApp();
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? apiMessage(error.message, lang, error.code)
      : apiMessage(error instanceof Error ? error.message : String(error), lang);
  return (
    <div role="alert" className="banner error">
      <strong>
        {t('error')}
        {t('colon')}
      </strong>
      {message}
    </div>
  );
}

/** What a page shows before its record is there: loading, not found (a 404 is said, never retried), or the error. Null once loaded. */
export function notReady(load: {
  data: unknown;
  loading: boolean;
  missing: boolean;
  error: Error | null;
}): ReactNode | null {
  if (load.loading && !load.data) return <Loading />;
  if (load.missing) return <NotFound />;
  if (load.error || !load.data) return <ErrorBanner error={load.error} />;
  return null;
}

function NotFound() {
  const { t } = useApp();
  return <p className="banner">{t('notFound')}</p>;
}

export function Loading() {
  const { t } = useApp();
  return <p aria-live="polite">{t('loading')}</p>;
}

/** What `useLoad` reports, as far as a part of a page needs to know whether its data is there. */
type LoadState = Pick<ReturnType<typeof useLoad>, 'data' | 'error' | 'loading'>;

/** True while any of `loads` has neither its data nor an error yet. */
export function stillLoading(...loads: LoadState[]): boolean {
  return loads.some((l) => l.loading && l.data === undefined && !l.error);
}

/**
 * A part of a page that shows several lists: the error banner of each that failed, "Loading…" until every one has
 * arrived, then `children` (so "no data" is said only of data that is there and empty).
 */
export function Loaded({ loads, children }: { loads: LoadState[]; children: () => ReactNode }) {
  const errors = loads.map((l) => l.error).filter((e): e is Error => !!e);
  if (errors.length) return errors.map((e, i) => <ErrorBanner key={i} error={e} />);
  if (stillLoading(...loads)) return <Loading />;
  return children();
}

/**
 * A file input in the chosen language: the browser writes its own button and "no file chosen" in the browser's
 * language, so the input is only visually hidden (it keeps focus, its label and the keyboard) and a button and
 * the chosen names in the page's language stand beside it.
 */
export function FileInput({
  chosen,
  ref,
  ...props
}: {
  chosen: readonly { name: string }[];
  ref?: Ref<HTMLInputElement>;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const { t } = useApp();
  const own = useRef<HTMLInputElement | null>(null);
  const setRef = (el: HTMLInputElement | null) => {
    own.current = el;
    if (typeof ref === 'function') ref(el);
    else if (ref) ref.current = el;
  };
  return (
    <span className="file-input">
      <input {...props} ref={setRef} type="file" />
      <button
        type="button"
        aria-hidden="true"
        tabIndex={-1}
        disabled={props.disabled}
        onClick={() => own.current?.click()}
      >
        {t(props.multiple ? 'chooseFiles' : 'chooseFile')}
      </button>
      <span className="hint">{chosen.length ? chosen.map((f) => f.name).join(', ') : t('noFileChosen')}</span>
    </span>
  );
}

/**
 * A date (or date-and-time) input with what it holds written beside it in the chosen language: the browser draws
 * the input in its own locale's format, whatever language the page is in. Empty, it shows the page's placeholder in
 * place of the browser's (mm/dd/yyyy in the browser's language); once focused, or holding a partly typed date, the
 * browser's own fields show. A time is the factory's wall clock, so its zone is named too (the value goes to the API
 * through `wallTimeToInstant`).
 */
export function DateInput({
  withTime = false,
  value,
  onValue,
  ...props
}: {
  withTime?: boolean;
  value: string;
  onValue: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'>) {
  const { date, dateTime, zone, lang, t } = useApp();
  const echoId = useId();
  // A partly typed date has no value yet, but its fields hold what was typed: those stay visible.
  const [partial, setPartial] = useState(false);
  const echo = withTime
    ? value && wallTimeToInstant(value, zone)
      ? dateTime(wallTimeToInstant(value, zone))
      : zoneName(zone, lang)
    : value
      ? date(value)
      : '';
  const describedBy = [props['aria-describedby'], echo ? echoId : null].filter(Boolean).join(' ') || undefined;
  const empty = !value && !partial;
  return (
    <span className="date-input">
      <span className={empty ? 'date-field empty' : 'date-field'}>
        <input
          {...props}
          type={withTime ? 'datetime-local' : 'date'}
          value={value}
          aria-describedby={describedBy}
          onChange={(e) => onValue(e.target.value)}
          onInput={(e) => setPartial(e.currentTarget.validity.badInput)}
          onBlur={(e) => {
            setPartial(e.currentTarget.validity.badInput);
            props.onBlur?.(e);
          }}
        />
        {empty && (
          <span className="date-placeholder" aria-hidden="true">
            {t(withTime ? 'dateTimePlaceholder' : 'datePlaceholder')}
          </span>
        )}
      </span>
      {echo && (
        <small id={echoId} className="hint">
          {echo}
        </small>
      )}
    </span>
  );
}

/** A labelled control with its error message underneath, linked by aria-describedby. */
export function Field({
  label,
  error,
  children,
  hint,
}: {
  label: string;
  error?: string | null;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const { lang } = useApp();
  const id = useId();
  // An error is hidden once the person edits the field; it shows again when a new submission reports it.
  const [editedAfter, setEditedAfter] = useState<string | null>(null);
  useEffect(() => {
    if (!error) setEditedAfter(null);
  }, [error]);
  if (error && editedAfter === error) error = null;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div
      className={`field${error ? ' has-error' : ''}`}
      onInput={() => error && setEditedAfter(error)}
      onChange={() => error && setEditedAfter(error)}
    >
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy })}
      {hint && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={errorId} className="field-error" role="alert">
          {apiMessage(error, lang)}
        </small>
      )}
    </div>
  );
}

/** Time left before a due time, coloured: green ahead, amber within 4 h, red overdue. */
export function SlaBadge({ dueAt, now }: { dueAt: string | null; now: Date }) {
  const { t, lang, dateTime } = useApp();
  const c = slaCountdown(dueAt, now);
  if (c.state === 'none' || c.remainingMs === null) return <span className="sla none">{t('noDeadline')}</span>;
  const span = formatSpan(c.remainingMs, lang === 'zh' ? ZH_UNITS : EN_UNITS);
  const text = c.state === 'overdue' ? t('overdueBy', { span }) : t('leftSpan', { span });
  return (
    <span className={`sla ${c.state}`} title={dateTime(dueAt)}>
      {c.state === 'overdue' ? '⚠ ' : ''}
      {text}
    </span>
  );
}

/** An instant in the factory's zone, with the zone named, written for the chosen language. */
export function When({ at }: { at: string | null | undefined }) {
  const { dateTime } = useApp();
  if (!at) return <>—</>;
  return <time dateTime={at}>{dateTime(at)}</time>;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One value of a record in words: money from `…Minor` / `…Fen` fields, dates and instants in the factory's
 * formats, yes / no, codes through the value and status catalogues, lists joined; nested records are left out
 * (their page shows them properly).
 */
export function useValueText(): (key: string, value: unknown, currency?: string) => string | null {
  const { money, dateTime, date, value: valueWords, status, lang } = useApp();
  const text = (key: string, v: unknown, currency?: string): string | null => {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v === 'boolean') return yesNo(v, lang);
    if (typeof v === 'number') return /(Minor|Fen)$/.test(key) ? money(v, currency) : formatCount(v, lang);
    if (typeof v === 'string') {
      // A record's id (a requester's user id, a linked row) tells a reader nothing: the page names what it links.
      if (UUID.test(v)) return null;
      if (ISO_INSTANT.test(v)) return dateTime(v);
      if (ISO_DATE.test(v)) return date(v);
      if (/^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/.test(v) && !/\s/.test(v)) {
        const translated = valueWords(v);
        return translated !== humanize(v) ? translated : status(v);
      }
      return v;
    }
    if (Array.isArray(v)) {
      const parts = v
        .map((x) => (typeof x === 'object' && x !== null ? null : text(key, x, currency)))
        .filter((x): x is string => x !== null);
      return parts.length ? parts.join(lang === 'zh' ? '、' : ', ') : null;
    }
    return null;
  };
  return text;
}

/** Fields of a record as a definition list: names and values in words (see {@link useValueText}). */
export function KeyValues({
  value,
  omit = [],
}: {
  value: Record<string, unknown> | null | undefined;
  omit?: string[];
}) {
  const { field } = useApp();
  const text = useValueText();
  if (!value) return null;
  // Amounts are in the record's own currency when it names one; then the code needs no line of its own.
  const currency = typeof value.currency === 'string' ? value.currency : undefined;
  const hasMoney = Object.keys(value).some((k) => /(Minor|Fen)$/.test(k));
  const entries = Object.entries(value)
    .filter(([k, v]) => !omit.includes(k) && v !== undefined && !(k === 'currency' && currency && hasMoney))
    .map(([k, v]) => [k, text(k, v, currency)] as const)
    .filter((e): e is readonly [string, string] => e[1] !== null);
  return (
    <dl className="kv">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{field(k)}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export { humanize };

/** A stage or status as a pill, in words. */
export function StatusPill({ status }: { status: string }) {
  const { status: words } = useApp();
  return <span className={`pill status-${status.replace(/[^a-z_]/gi, '')}`}>{words(status)}</span>;
}

/** Section with a heading (landmark for screen readers); `busy` while what it shows is still loading. */
export function Section({
  title,
  children,
  id,
  busy,
}: {
  title: string;
  children: ReactNode;
  id?: string;
  busy?: boolean;
}) {
  const hid = useId();
  return (
    <section aria-labelledby={hid} className="card" id={id} aria-busy={busy || undefined}>
      <h2 id={hid}>{title}</h2>
      {children}
    </section>
  );
}
