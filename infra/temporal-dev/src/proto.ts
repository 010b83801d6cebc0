/**
 * Protobuf plumbing for the embedded server: the Temporal API types shipped with the SDK
 * (@temporalio/proto), enum lookups, and Timestamp/Duration conversions.
 */
import * as protobuf from 'protobufjs';
import Long from 'long';
// The JSON module is the reflection root the SDK's static classes are built from; services live there too.
const root: protobuf.Root = require('@temporalio/proto/protos/json-module');
export { root };
export { temporal, google } from '@temporalio/proto';
import { temporal } from '@temporalio/proto';

export const enums = temporal.api.enums.v1;
export type Payloads = temporal.api.common.v1.IPayloads;
export type Payload = temporal.api.common.v1.IPayload;
export type Failure = temporal.api.failure.v1.IFailure;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export type RetryPolicy = temporal.api.common.v1.IRetryPolicy;

type LongLike = number | Long | string | null | undefined;

/** Converts a protobuf int64 (Long, number or string) to a JS number. */
export function num(v: LongLike): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

interface TsLike {
  seconds?: LongLike;
  nanos?: number | null;
}

/** google.protobuf.Duration / Timestamp → milliseconds (0 when absent). */
export function toMs(d: TsLike | null | undefined): number {
  if (!d) return 0;
  return num(d.seconds) * 1000 + Math.floor((d.nanos ?? 0) / 1_000_000);
}

/** Milliseconds → google.protobuf.Duration / Timestamp object. */
export function fromMs(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1_000_000) };
}

/** Optional duration: undefined for 0 so the field stays unset on the wire. */
export function optDuration(ms: number): { seconds: number; nanos: number } | undefined {
  return ms > 0 ? fromMs(ms) : undefined;
}

/** Encodes a message by its full name; plain objects in camelCase work as well as decoded messages. */
export function encode(typeName: string, value: object): Uint8Array {
  return root.lookupType(typeName).encode(value).finish();
}

/** Decodes a message by its full name. */
export function decode<T>(typeName: string, buf: Uint8Array): T {
  return root.lookupType(typeName).decode(buf) as unknown as T;
}

/** Converts the event attribute key (e.g. `timerFired`) to the event type enum number. */
export function eventTypeOf(kind: string): number {
  const name = 'EVENT_TYPE_' + kind.replace(/([A-Z])/g, '_$1').toUpperCase();
  const value = (enums.EventType as unknown as Record<string, number>)[name];
  if (value === undefined) throw new Error(`unknown event kind ${kind}`);
  return value;
}

/** Returns the attribute key (e.g. `timerFired`) of an event. */
export function eventKindOf(ev: HistoryEvent): string {
  const name = (enums.EventType as unknown as Record<number, string>)[ev.eventType as number] ?? '';
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The attributes object of an event, whatever its type. */
export function attrsOf<T = Record<string, unknown>>(ev: HistoryEvent): T {
  return (ev as Record<string, unknown>)[eventKindOf(ev) + 'EventAttributes'] as T;
}

/** Approximate encoded size of a payloads message, for limits. */
export function payloadsSize(p: Payloads | null | undefined): number {
  if (!p?.payloads) return 0;
  let size = 0;
  for (const x of p.payloads) {
    size += x.data?.length ?? 0;
    for (const v of Object.values(x.metadata ?? {})) size += (v as Uint8Array).length;
  }
  return size;
}
