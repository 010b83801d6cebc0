/**
 * Proto3 JSON for the HTTP API, as Temporal's frontend writes it: lowerCamelCase names, enums by name, 64-bit
 * integers and bytes as strings, Timestamp/Duration as RFC 3339 / "1.5s", unset fields left out, and Temporal's
 * payload shorthand (a `json/plain` payload appears as its JSON value, `binary/null` as null, `json/protobuf`
 * as the object with `_protoMessageType`; Payloads as an array when every payload has a shorthand).
 */
import type * as protobuf from 'protobufjs';
import Long from 'long';
import { root } from './proto';

root.resolveAll();

const PAYLOAD = 'temporal.api.common.v1.Payload';
const PAYLOADS = 'temporal.api.common.v1.Payloads';
const WRAPPERS = new Set(
  [
    'BoolValue',
    'StringValue',
    'BytesValue',
    'Int32Value',
    'UInt32Value',
    'Int64Value',
    'UInt64Value',
    'FloatValue',
    'DoubleValue',
  ].map((n) => `google.protobuf.${n}`),
);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** A request the JSON cannot be read into; the HTTP layer answers it with INVALID_ARGUMENT. */
export class JsonShapeError extends Error {}

export interface JsonOptions {
  /** Temporal's payload shorthand (the frontend's default; `?noPayloadShorthand` turns it off). */
  shorthand: boolean;
}

type Msg = Record<string, unknown>;

// ---------- message → JSON ----------

function fraction(nanos: number): string {
  if (!nanos) return '';
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return (v as Long).toNumber();
}

function timestampJson(m: Msg): string {
  const seconds = toNumber(m.seconds);
  const iso = new Date(seconds * 1000).toISOString().replace('.000Z', '');
  return `${iso}${fraction(toNumber(m.nanos))}Z`;
}

function durationJson(m: Msg): string {
  const seconds = toNumber(m.seconds);
  const nanos = toNumber(m.nanos);
  const sign = seconds < 0 || nanos < 0 ? '-' : '';
  return `${sign}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}

function bytesJson(v: unknown): string {
  return Buffer.from(v as Uint8Array).toString('base64');
}

/** The shorthand of one payload, or `undefined` when it has none. */
function payloadShorthand(p: Msg): { value: unknown } | undefined {
  const metadata = (p.metadata ?? {}) as Record<string, Uint8Array>;
  const keys = Object.keys(metadata);
  const encoding = metadata.encoding ? Buffer.from(metadata.encoding).toString() : '';
  const data = p.data ? Buffer.from(p.data as Uint8Array).toString() : '';
  try {
    if (encoding === 'binary/null') return { value: null };
    if (encoding === 'json/plain' && keys.length === 1) return { value: JSON.parse(data) };
    if (encoding === 'json/protobuf' && keys.length === 2 && metadata.messageType) {
      const value = JSON.parse(data) as Msg;
      return { value: { ...value, _protoMessageType: Buffer.from(metadata.messageType).toString() } };
    }
  } catch {
    return undefined; // data that is not the JSON it claims stays in the long form
  }
  return undefined;
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (field.map) return Object.keys(v as object).length === 0;
  if (field.repeated) return (v as unknown[]).length === 0;
  if (field.resolvedType && 'fields' in field.resolvedType) return false;
  if (typeof v === 'string') return v === '';
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'boolean') return !v;
  if (Long.isLong(v)) return (v as Long).isZero();
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

function scalarJson(field: protobuf.Field, v: unknown): unknown {
  const enumType =
    field.resolvedType && !('fields' in field.resolvedType) ? (field.resolvedType as protobuf.Enum) : undefined;
  if (enumType) return enumType.valuesById[v as number] ?? v;
  if (LONG_TYPES.has(field.type)) return Long.isLong(v) ? (v as Long).toString() : String(v);
  if (field.type === 'bytes') return bytesJson(v);
  if ((field.type === 'double' || field.type === 'float') && typeof v === 'number' && !Number.isFinite(v)) {
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  return v;
}

function valueJson(field: protobuf.Field, v: unknown, opts: JsonOptions): unknown {
  const type = field.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : undefined;
  return type ? messageToJson(type, v as Msg, opts) : scalarJson(field, v);
}

/** A decoded message (or a plain object of the same shape) as proto3 JSON. */
export function messageToJson(type: protobuf.Type, m: Msg, opts: JsonOptions): unknown {
  switch (type.fullName.slice(1)) {
    case 'google.protobuf.Timestamp':
      return timestampJson(m);
    case 'google.protobuf.Duration':
      return durationJson(m);
    case 'google.protobuf.FieldMask':
      return ((m.paths as string[]) ?? []).join(',');
    case 'google.protobuf.Empty':
      return {};
    case PAYLOAD:
      if (opts.shorthand) {
        const short = payloadShorthand(m);
        if (short) return short.value;
      }
      break;
    case PAYLOADS:
      if (opts.shorthand) {
        const items = ((m.payloads as Msg[]) ?? []).map(payloadShorthand);
        if (items.every((x) => x)) return items.map((x) => x!.value);
      }
      break;
    default:
      if (WRAPPERS.has(type.fullName.slice(1)))
        return scalarJson(type.fields.value, m.value ?? type.fields.value.defaultValue);
  }
  const out: Msg = {};
  for (const field of type.fieldsArray) {
    const v = m[field.name];
    // A oneof member (or proto3 `optional`) that was set is written even when it holds its default.
    const setInOneof =
      field.partOf !== null && v !== undefined && v !== null && Object.prototype.hasOwnProperty.call(m, field.name);
    if (isDefault(field, v) && !setInOneof) continue;
    if (field.map) {
      const obj: Msg = {};
      for (const [k, x] of Object.entries(v as Msg)) obj[k] = valueJson(field, x, opts);
      out[field.name] = obj;
    } else if (field.repeated) {
      out[field.name] = (v as unknown[]).map((x) => valueJson(field, x, opts));
    } else {
      out[field.name] = valueJson(field, v, opts);
    }
  }
  return out;
}

// ---------- JSON → object for Type.fromObject ----------

function parseFraction(frac: string | undefined): number {
  return frac ? Number(frac.slice(1).padEnd(9, '0').slice(0, 9)) : 0;
}

function parseTimestamp(s: unknown, path: string): Msg {
  const m =
    typeof s === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.exec(s) : null;
  if (!m) throw new JsonShapeError(`${path}: expected an RFC 3339 timestamp, got ${JSON.stringify(s)}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new JsonShapeError(`${path}: invalid timestamp ${JSON.stringify(s)}`);
  return { seconds: Math.floor(ms / 1000), nanos: parseFraction(m[2]) };
}

function parseDuration(s: unknown, path: string): Msg {
  const m = typeof s === 'string' ? /^(-)?(\d+)(\.\d{1,9})?s$/.exec(s) : null;
  if (!m) throw new JsonShapeError(`${path}: expected a duration such as "1.5s", got ${JSON.stringify(s)}`);
  const sign = m[1] ? -1 : 1;
  return { seconds: sign * Number(m[2]), nanos: sign * parseFraction(m[3]) };
}

const utf8 = (s: string) => Buffer.from(s).toString('base64');

/** One payload from JSON: the long form `{metadata, data}`, or a shorthand value. */
function payloadFromJson(v: unknown, opts: JsonOptions): Msg {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Msg;
    const keys = Object.keys(o);
    const isLong =
      keys.length > 0 &&
      keys.every((k) => k === 'metadata' || k === 'data') &&
      o.metadata &&
      typeof o.metadata === 'object';
    if (isLong || !opts.shorthand) return { metadata: o.metadata ?? {}, data: o.data ?? '' };
    if (typeof o._protoMessageType === 'string') {
      const { _protoMessageType, ...rest } = o;
      return {
        metadata: { encoding: utf8('json/protobuf'), messageType: utf8(_protoMessageType) },
        data: utf8(JSON.stringify(rest)),
      };
    }
  }
  if (!opts.shorthand)
    throw new JsonShapeError('a payload must be {"metadata": {...}, "data": "<base64>"} without payload shorthand');
  if (v === null) return { metadata: { encoding: utf8('binary/null') } };
  return { metadata: { encoding: utf8('json/plain') }, data: utf8(JSON.stringify(v)) };
}

function scalarFromJson(field: protobuf.Field, v: unknown, path: string): unknown {
  const enumType =
    field.resolvedType && !('fields' in field.resolvedType) ? (field.resolvedType as protobuf.Enum) : undefined;
  if (enumType) {
    if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v))) return Number(v);
    if (typeof v === 'string' && v in enumType.values) return v;
    throw new JsonShapeError(`${path}: ${JSON.stringify(v)} is not a value of ${enumType.name}`);
  }
  if (field.type === 'bool') {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new JsonShapeError(`${path}: expected true or false`);
  }
  if (field.type === 'string') {
    if (typeof v !== 'string') throw new JsonShapeError(`${path}: expected a string`);
    return v;
  }
  if (field.type === 'bytes') {
    if (typeof v !== 'string') throw new JsonShapeError(`${path}: expected base64 bytes`);
    return v.replace(/-/g, '+').replace(/_/g, '/');
  }
  // numbers: JSON numbers or numeric strings
  if (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))))
    return LONG_TYPES.has(field.type) ? String(v) : Number(v);
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw new JsonShapeError(`${path}: expected a number`);
}

function fieldValueFromJson(field: protobuf.Field, v: unknown, path: string, opts: JsonOptions): unknown {
  const type = field.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : undefined;
  return type ? messageFromJson(type, v, path, opts) : scalarFromJson(field, v, path);
}

/** snake_case or lowerCamelCase JSON name → the field. */
export function fieldByJsonName(type: protobuf.Type, name: string): protobuf.Field | undefined {
  return type.fields[name] ?? type.fields[name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())];
}

/** Proto3 JSON → a plain object `Type.fromObject` accepts; throws JsonShapeError naming the bad field. */
export function messageFromJson(type: protobuf.Type, json: unknown, path: string, opts: JsonOptions): Msg {
  const name = type.fullName.slice(1);
  if (name === 'google.protobuf.Timestamp') return parseTimestamp(json, path);
  if (name === 'google.protobuf.Duration') return parseDuration(json, path);
  if (name === 'google.protobuf.FieldMask') {
    if (typeof json !== 'string') throw new JsonShapeError(`${path}: expected a comma-separated field mask`);
    return { paths: json ? json.split(',') : [] };
  }
  if (name === PAYLOAD) return payloadFromJson(json, opts);
  if (name === PAYLOADS && Array.isArray(json) && opts.shorthand)
    return { payloads: json.map((x) => payloadFromJson(x, opts)) };
  if (WRAPPERS.has(name)) return { value: scalarFromJson(type.fields.value, json, path) };
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new JsonShapeError(`${path}: expected an object`);
  const out: Msg = {};
  for (const [key, v] of Object.entries(json as Msg)) {
    const field = fieldByJsonName(type, key);
    if (!field) throw new JsonShapeError(`${path ? `${path}.` : ''}${key}: unknown field of ${name}`);
    if (v === null) continue;
    const at = `${path ? `${path}.` : ''}${key}`;
    if (field.map) {
      if (typeof v !== 'object' || Array.isArray(v)) throw new JsonShapeError(`${at}: expected an object`);
      const obj: Msg = {};
      for (const [k, x] of Object.entries(v as Msg)) obj[k] = fieldValueFromJson(field, x, `${at}.${k}`, opts);
      out[field.name] = obj;
    } else if (field.repeated) {
      if (!Array.isArray(v)) throw new JsonShapeError(`${at}: expected an array`);
      out[field.name] = v.map((x, i) => fieldValueFromJson(field, x, `${at}[${i}]`, opts));
    } else {
      out[field.name] = fieldValueFromJson(field, v, at, opts);
    }
  }
  return out;
}

/** Sets `path` (e.g. `execution.workflow_id`) of a JSON-shaped object, creating the objects on the way. */
export function setJsonPath(type: protobuf.Type, target: Msg, path: string, value: string, append: boolean): boolean {
  const parts = path.split('.');
  let t: protobuf.Type = type;
  let obj = target;
  for (let i = 0; i < parts.length; i++) {
    const field = fieldByJsonName(t, parts[i]);
    if (!field) return false;
    const isLast = i === parts.length - 1;
    const sub =
      field.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : undefined;
    if (isLast) {
      if (field.repeated) {
        const arr = Array.isArray(obj[field.name]) ? (obj[field.name] as unknown[]) : [];
        obj[field.name] = append ? [...arr, value] : [value];
      } else {
        obj[field.name] = value;
      }
      return true;
    }
    if (!sub || field.repeated) return false;
    const next = obj[field.name];
    obj[field.name] = next && typeof next === 'object' ? next : {};
    obj = obj[field.name] as Msg;
    t = sub;
  }
  return false;
}
