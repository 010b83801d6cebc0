/**
 * Money outside the database was once named `…Minor` (`amountMinor`, `totalMinor`, `creditLimitMinor`); it is
 * now `…Fen`, like the columns (`amount_fen`). The old names still arrive for a while: from API clients and
 * browsers not yet reloaded, in task payloads and data stored before the rename, and in the histories of
 * workflows started before it (their inputs, signals and activity results are replayed as recorded). Everything
 * that reads such data passes it through {@link withFenNames} once, at the boundary, and then knows one name.
 * Pure: workflows use it too.
 */

const OLD_MONEY_NAME = /^[a-z][A-Za-z0-9]*Minor$/;

/** The current name of an old money field (`amountMinor` → `amountFen`), or undefined for any other name. */
export function fenNameOf(name: string): string | undefined {
  return OLD_MONEY_NAME.test(name) ? `${name.slice(0, -'Minor'.length)}Fen` : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with every old money name, at any depth, renamed to its `…Fen` name. Where both names are present the
 * new one wins (use {@link moneyNameConflicts} first where a difference must be refused). Returns `value` itself
 * when there is nothing to rename, so data without old names is untouched.
 */
export function withFenNames<T>(value: T): T {
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item: unknown) => {
      const renamed = withFenNames(item);
      if (renamed !== item) changed = true;
      return renamed;
    });
    return (changed ? items : value) as T;
  }
  if (!isPlainObject(value)) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const renamed = withFenNames(inner);
    if (renamed !== inner) changed = true;
    const fen = fenNameOf(key);
    if (fen === undefined) {
      out[key] = renamed;
    } else {
      changed = true;
      if (!(fen in value)) out[fen] = renamed;
    }
  }
  return (changed ? out : value) as T;
}

/** A field sent under both names with different values. `path` leads to the object holding them. */
export interface MoneyNameConflict {
  path: (string | number)[];
  oldName: string;
  name: string;
}

/** Every place in `value` where an old money name and its `…Fen` name are both present and differ. */
export function moneyNameConflicts(value: unknown, path: (string | number)[] = []): MoneyNameConflict[] {
  if (Array.isArray(value)) return value.flatMap((item: unknown, i) => moneyNameConflicts(item, [...path, i]));
  if (!isPlainObject(value)) return [];
  const found: MoneyNameConflict[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const fen = fenNameOf(key);
    if (fen !== undefined && fen in value && !sameJson(value[fen], inner))
      found.push({ path, oldName: key, name: fen });
    found.push(...moneyNameConflicts(inner, [...path, key]));
  }
  return found;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
