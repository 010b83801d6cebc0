/**
 * The generic task form: fields derived from a task kind's JSON Schema (`GET /api/task-kinds`), and the typed
 * `data` built back from what the person typed. A list of flat records (units, corrective actions, materials)
 * becomes a table of rows with one labelled control per column; only a shape the form cannot draw at all (a
 * nested list, a union) is left as a JSON text area, and no task kind without a form of its own has one
 * (`test/ui/ui-lib.test.ts` checks every kind).
 */

import { wallTimeToInstant } from './format';
import { parseAmountToFen } from './money';

/** The subset of JSON Schema the task kinds use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
  default?: unknown;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** How one field is edited. */
export type FieldInput =
  'text' | 'textarea' | 'integer' | 'number' | 'money' | 'boolean' | 'select' | 'date' | 'datetime' | 'rows' | 'json';

/** One field of a generic task form. */
export interface FormField {
  name: string;
  input: FieldInput;
  required: boolean;
  options?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
  description?: string;
  /** For `rows`: one field per column of a row. */
  columns?: FormField[];
  maxItems?: number;
}

/** What a person typed into one field: text, a tick, or the rows of a list. */
export type RawValue = string | boolean | RawRow[] | undefined;
/** One row of a list, by column. */
export type RawRow = Record<string, string | boolean | undefined>;

const DATE_PATTERN = /\\d\{4\}-\\d\{2\}-\\d\{2\}/;

function fieldFor(name: string, schema: JsonSchema, required: boolean): FormField {
  // A nullable value ("a date or null") is edited as the value; left empty, it is not sent.
  const alternatives = (schema.anyOf ?? schema.oneOf)?.filter((alt) => alt.type !== 'null');
  if (!schema.type && alternatives?.length === 1)
    return fieldFor(
      name,
      { ...alternatives[0], description: schema.description ?? alternatives[0].description },
      required,
    );
  const base = { name, required, description: schema.description };
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.enum && schema.enum.every((v) => typeof v === 'string'))
    return { ...base, input: 'select', options: schema.enum as string[] };
  if (type === 'string') {
    if (schema.format === 'date' || (schema.pattern && DATE_PATTERN.test(schema.pattern)))
      return { ...base, input: 'date' };
    if (schema.format === 'date-time') return { ...base, input: 'datetime' };
    const long = (schema.maxLength ?? 0) > 300;
    return { ...base, input: long ? 'textarea' : 'text', maxLength: schema.maxLength };
  }
  // Money goes to the API in whole fen (`…Fen`, formerly `…Minor`); people type it in yuan.
  if (type === 'integer' && /(Fen|Minor)$/.test(name)) return { ...base, input: 'money', min: schema.minimum };
  if (type === 'integer' || type === 'number')
    return { ...base, input: type, min: schema.minimum, max: schema.maximum };
  if (type === 'boolean') return { ...base, input: 'boolean' };
  if (type === 'array' && schema.items) {
    const columns = formFields(schema.items);
    if (
      schema.items.type === 'object' &&
      columns.length > 0 &&
      columns.every((c) => c.input !== 'json' && c.input !== 'rows')
    )
      return { ...base, input: 'rows', columns, maxItems: schema.maxItems };
  }
  return { ...base, input: 'json' };
}

/** An empty row of a list: unticked boxes, empty texts. */
export function emptyRow(field: FormField): RawRow {
  return Object.fromEntries((field.columns ?? []).map((c) => [c.name, c.input === 'boolean' ? false : '']));
}

/** The key under which a cell's error is reported: `units.0.serial`, as the API names it after `data.`. */
export function cellKey(list: string, row: number, column: string): string {
  return `${list}.${row}.${column}`;
}

/** The fields of a task kind's data schema, required ones first in schema order. */
export function formFields(schema: JsonSchema | null | undefined): FormField[] {
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, s]) => fieldFor(name, s, required.has(name)));
}

/** A value the person typed that cannot become the field's type. */
export class FieldValueError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Builds `data` from raw form values (strings and booleans): empty optional fields are left out, numbers and
 * JSON are parsed, dates and times are read in the factory's `zone`. Type errors name the field; ranges and patterns are left to the API, which names them too.
 */
export function buildData(
  fields: FormField[],
  raw: Record<string, RawValue>,
  options: { zone?: string; prefix?: string } = {},
): Record<string, unknown> {
  const prefix = options.prefix ?? '';
  const data: Record<string, unknown> = {};
  for (const f of fields) {
    const value = raw[f.name];
    if (f.input === 'rows') {
      // Rows left wholly empty are not data; every other row is built like a small form, errors naming the cell.
      const rows = (Array.isArray(value) ? value : []).filter((row) =>
        Object.values(row).some((v) => typeof v === 'string' && v.trim() !== ''),
      );
      if (rows.length > 0 || f.required)
        data[f.name] = rows.map((row, i) =>
          buildData(f.columns ?? [], row, { ...options, prefix: `${prefix}${f.name}.${i}.` }),
        );
      continue;
    }
    if (Array.isArray(value)) throw new FieldValueError(`${prefix}${f.name}`, 'must be one value');
    if (f.input === 'boolean') {
      if (value !== undefined) data[f.name] = value === true || value === 'true';
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') continue;
    if (f.input === 'money') {
      const fen = parseAmountToFen(text);
      if (fen === null) throw new FieldValueError(`${prefix}${f.name}`, 'must be an amount');
      data[f.name] = fen;
    } else if (f.input === 'integer' || f.input === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n) || (f.input === 'integer' && !Number.isInteger(n)))
        throw new FieldValueError(
          `${prefix}${f.name}`,
          f.input === 'integer' ? 'must be a whole number' : 'must be a number',
        );
      data[f.name] = n;
    } else if (f.input === 'json') {
      try {
        data[f.name] = JSON.parse(text) as unknown;
      } catch {
        throw new FieldValueError(`${prefix}${f.name}`, 'must be valid JSON');
      }
    } else if (f.input === 'datetime') {
      // What a date-and-time input holds is the factory's wall clock.
      const at = wallTimeToInstant(text, options.zone);
      if (at === null) throw new FieldValueError(`${prefix}${f.name}`, 'must be a date and time');
      data[f.name] = at;
    } else {
      data[f.name] = text;
    }
  }
  return data;
}

/**
 * The form field an API validation error belongs to: `field` of the error body (e.g. "data.defectQuantity" or
 * "data.failedUnits.0.defects.0.code") stripped of the `data.` prefix; else the first word of the message when
 * it names a known field ("amountFen: must be positive").
 */
export function fieldOfError(error: { field?: string; message: string }, known: string[]): string | null {
  const candidates = [error.field, /^([\w.[\]]+):/.exec(error.message)?.[1]].filter((c): c is string => !!c);
  for (const c of candidates) {
    const path = c.replace(/^data\./, '');
    if (known.includes(path)) return path;
    const first = path.split(/[.[]/)[0];
    if (known.includes(first)) return first;
  }
  return null;
}
