/**
 * Reference designators as BOMs write them: lists separated by commas, spaces or semicolons, and ranges
 * (`R1-R4`, `R1-4`, `R1..R4`). Ranges are bounded so that a typo cannot expand into millions of parts.
 */

/** Largest range a single `R1-R9999`-style token may expand to. */
export const MAX_RANGE = 1000;

/** Result of splitting one BOM cell of designators. */
export interface DesignatorList {
  designators: string[];
  /** Tokens that could not be read (e.g. a range over different prefixes or beyond MAX_RANGE). */
  invalid: string[];
}

/** Splits and expands a designator cell. Order is kept, duplicates are kept (the caller reports them). */
export function expandDesignators(cell: string): DesignatorList {
  const designators: string[] = [];
  const invalid: string[] = [];
  const tokens = cell
    .split(/[,;\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  for (const token of tokens) {
    const range = /^([A-Za-z_]+)(\d+)\s*(?:-|\.\.|–)\s*([A-Za-z_]*)(\d+)$/.exec(token);
    if (range) {
      const [, prefix, fromText, prefix2, toText] = range;
      const from = Number(fromText);
      const to = Number(toText);
      if ((prefix2 && prefix2.toUpperCase() !== prefix.toUpperCase()) || to < from || to - from >= MAX_RANGE) {
        invalid.push(token);
        continue;
      }
      for (let i = from; i <= to; i++) designators.push(`${prefix}${i}`);
      continue;
    }
    if (/^[A-Za-z_][\w.\-/+#]*$/.test(token)) designators.push(token);
    else invalid.push(token);
  }
  return { designators, invalid };
}

/** Normalises a designator for matching between BOM and placement (case and whitespace). */
export function designatorKey(designator: string): string {
  return designator.trim().toUpperCase();
}
