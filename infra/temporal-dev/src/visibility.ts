/**
 * Visibility: the search-attribute registry (OperatorService) and list / count / scan of executions with
 * Temporal's filter language, over system attributes (WorkflowId, WorkflowType, ExecutionStatus, StartTime,
 * CloseTime, ExecutionTime, TaskQueue, ...) and registered custom attributes.
 */
import type { Engine } from './engine';
import * as errors from './errors';
import { Expr, ParsedQuery, QuerySyntaxError, Value, parseListQuery } from './list-query';
import { Execution, Obj, WorkflowStatus } from './model';
import { num } from './proto';
import type { Handler } from './service';

/** temporal.api.enums.v1.IndexedValueType */
export const IndexedValueType = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
} as const;
export type IndexedTypeName = keyof typeof IndexedValueType;
const TYPE_NAMES = Object.fromEntries(Object.entries(IndexedValueType).map(([k, v]) => [v, k])) as Record<
  number,
  IndexedTypeName
>;

const STATUS_NAMES: Record<number, string> = {
  [WorkflowStatus.RUNNING]: 'Running',
  [WorkflowStatus.COMPLETED]: 'Completed',
  [WorkflowStatus.FAILED]: 'Failed',
  [WorkflowStatus.CANCELED]: 'Canceled',
  [WorkflowStatus.TERMINATED]: 'Terminated',
  [WorkflowStatus.CONTINUED_AS_NEW]: 'ContinuedAsNew',
  [WorkflowStatus.TIMED_OUT]: 'TimedOut',
};

/** System attributes every server knows, with their types. */
export const SYSTEM_ATTRIBUTES: Record<string, IndexedTypeName> = {
  WorkflowId: 'Keyword',
  RunId: 'Keyword',
  WorkflowType: 'Keyword',
  ExecutionStatus: 'Keyword',
  StartTime: 'Datetime',
  CloseTime: 'Datetime',
  ExecutionTime: 'Datetime',
  ExecutionDuration: 'Int',
  HistoryLength: 'Int',
  TaskQueue: 'Keyword',
  TemporalChangeVersion: 'KeywordList',
  BuildIds: 'KeywordList',
  BinaryChecksums: 'KeywordList',
  BatcherUser: 'Keyword',
  TemporalScheduledStartTime: 'Datetime',
  TemporalScheduledById: 'Keyword',
  TemporalSchedulePaused: 'Bool',
  TemporalNamespaceDivision: 'Keyword',
  TemporalWorkerDeploymentVersion: 'Keyword',
  TemporalWorkflowVersioningBehavior: 'Keyword',
  TemporalWorkerDeployment: 'Keyword',
  TemporalPauseInfo: 'KeywordList',
  TemporalReportedProblems: 'KeywordList',
  TemporalUsedWorkerDeploymentVersions: 'KeywordList',
  RootWorkflowId: 'Keyword',
  RootRunId: 'Keyword',
  ParentWorkflowId: 'Keyword',
  ParentRunId: 'Keyword',
  StateTransitionCount: 'Int',
  HistorySizeBytes: 'Int',
};

const PAGE_SIZE = 1000;

/** Decodes a search attribute payload (json/plain) to its value. */
export function decodeSaPayload(p: Obj | undefined): unknown {
  if (!p?.data) return null;
  try {
    return JSON.parse(Buffer.from(p.data).toString('utf8'));
  } catch {
    return Buffer.from(p.data).toString('utf8');
  }
}

function encodePayload(value: unknown, type?: string): Obj {
  const metadata: Obj = { encoding: Buffer.from('json/plain') };
  if (type) metadata.type = Buffer.from(type);
  return { metadata, data: Buffer.from(JSON.stringify(value)) };
}

/** One page of a listing: the token is the offset of the next page (empty when there is none). */
export function paginate<T>(
  rows: T[],
  token: Uint8Array | null | undefined,
  pageSize: number,
): { page: T[]; nextPageToken: Buffer } {
  let offset = 0;
  if (token?.length) {
    offset = Number(Buffer.from(token).toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw errors.invalidArgument('Invalid NextPageToken.');
  }
  const page = rows.slice(offset, offset + (pageSize || PAGE_SIZE));
  const next = offset + page.length;
  return { page, nextPageToken: next < rows.length ? Buffer.from(String(next)) : Buffer.alloc(0) };
}

export class Visibility {
  /** Custom attributes per namespace: name → type. */
  private readonly custom = new Map<string, Map<string, IndexedTypeName>>();
  onChange?: () => void;

  constructor(private readonly engine: Engine) {}

  private attrs(ns: string): Map<string, IndexedTypeName> {
    let m = this.custom.get(ns);
    if (!m) this.custom.set(ns, (m = new Map()));
    return m;
  }

  /** Registers a custom attribute (`Name=Type` from the command line or AddSearchAttributes). */
  register(ns: string, name: string, type: IndexedTypeName): void {
    if (SYSTEM_ATTRIBUTES[name]) throw errors.invalidArgument(`Search attribute ${name} is reserved by system.`);
    this.attrs(ns).set(name, type);
    this.onChange?.();
  }

  exportState(): Record<string, Record<string, IndexedTypeName>> {
    const out: Record<string, Record<string, IndexedTypeName>> = {};
    for (const [ns, m] of this.custom) out[ns] = Object.fromEntries(m);
    return out;
  }

  importState(state: Record<string, Record<string, IndexedTypeName>> | undefined): void {
    for (const [ns, m] of Object.entries(state ?? {})) for (const [k, v] of Object.entries(m)) this.attrs(ns).set(k, v);
  }

  typeOf(ns: string, name: string): IndexedTypeName | undefined {
    return SYSTEM_ATTRIBUTES[name] ?? this.custom.get(ns)?.get(name);
  }

  /** Names an attribute that is not registered, or returns null when all are. */
  unknownAttribute(ns: string, fields: Record<string, unknown>): string | null {
    for (const name of Object.keys(fields)) {
      if (name === 'TemporalChangeVersion' || name === 'BuildIds') continue;
      if (!this.custom.get(ns)?.has(name)) return name;
    }
    return null;
  }

  /** Adds `metadata.type` to custom attribute payloads that lack it (typed search attributes need it). */
  typed(ns: string, fields: Record<string, Obj>): Record<string, Obj> {
    const out: Record<string, Obj> = {};
    for (const [k, p] of Object.entries(fields)) {
      const type = this.typeOf(ns, k);
      out[k] = type && !p.metadata?.type ? { ...p, metadata: { ...(p.metadata ?? {}), type: Buffer.from(type) } } : p;
    }
    return out;
  }

  private value(ex: Execution, field: string): unknown {
    switch (field) {
      case 'WorkflowId':
        return ex.workflowId;
      case 'RunId':
        return ex.runId;
      case 'WorkflowType':
        return ex.workflowType;
      case 'ExecutionStatus':
        return STATUS_NAMES[ex.status];
      case 'StartTime':
        return ex.startTime;
      case 'CloseTime':
        return ex.closeTime || null;
      case 'ExecutionTime':
        return ex.executionTime;
      case 'ExecutionDuration':
        return ex.closeTime ? (ex.closeTime - ex.startTime) * 1_000_000 : null;
      case 'HistoryLength':
        return ex.history.length;
      case 'TaskQueue':
        return ex.taskQueue;
      case 'RootWorkflowId':
        return ex.root?.workflowId ?? ex.workflowId;
      case 'ParentWorkflowId':
        return ex.parent?.workflowId ?? null;
      default: {
        const p = ex.searchAttributes[field];
        return p ? decodeSaPayload(p) : null;
      }
    }
  }

  private normalise(ns: string, field: string, v: Value | unknown): unknown {
    const type = this.typeOf(ns, field);
    if (v === null || v === undefined) return null;
    if (type === 'Datetime') {
      if (typeof v === 'number') return v;
      const ms = Date.parse(String(v));
      return Number.isNaN(ms) ? v : ms;
    }
    return v;
  }

  private compare(a: unknown, b: unknown): number {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  }

  private check(ns: string, field: string, extra: Record<string, IndexedTypeName> = {}): void {
    if (!this.typeOf(ns, field) && !extra[field])
      throw errors.invalidArgument(`invalid query: unknown search attribute ${field}`);
  }

  private validate(ns: string, e: Expr, extra: Record<string, IndexedTypeName>): void {
    switch (e.op) {
      case 'and':
      case 'or':
        this.validate(ns, e.left, extra);
        this.validate(ns, e.right, extra);
        return;
      case 'not':
        this.validate(ns, e.expr, extra);
        return;
      default:
        this.check(ns, e.field, extra);
        if (e.field === 'ExecutionStatus' && e.op === 'cmp' && !Object.values(STATUS_NAMES).includes(String(e.value))) {
          throw errors.invalidArgument(`invalid query: invalid ExecutionStatus value '${e.value}'`);
        }
    }
  }

  private matches(ns: string, get: (field: string) => unknown, e: Expr): boolean {
    switch (e.op) {
      case 'and':
        return this.matches(ns, get, e.left) && this.matches(ns, get, e.right);
      case 'or':
        return this.matches(ns, get, e.left) || this.matches(ns, get, e.right);
      case 'not':
        return !this.matches(ns, get, e.expr);
      case 'isNull': {
        const v = get(e.field);
        const isNull = v === null || v === undefined || (Array.isArray(v) && v.length === 0);
        return e.negate ? !isNull : isNull;
      }
      default:
        break;
    }
    const raw = this.normalise(ns, e.field, get(e.field));
    const values = Array.isArray(raw) ? raw : [raw];
    const any = (pred: (v: unknown) => boolean) => values.some((v) => v !== null && v !== undefined && pred(v));
    switch (e.op) {
      case 'cmp': {
        const target = this.normalise(ns, e.field, e.value);
        if (e.cmp === '!=') return !any((v) => this.compare(v, target) === 0) && raw !== null;
        return any((v) => {
          const c = this.compare(v, target);
          return e.cmp === '='
            ? c === 0
            : e.cmp === '<'
              ? c < 0
              : e.cmp === '<='
                ? c <= 0
                : e.cmp === '>'
                  ? c > 0
                  : c >= 0;
        });
      }
      case 'in': {
        const targets = e.values.map((v) => this.normalise(ns, e.field, v));
        const hit = any((v) => targets.some((t) => this.compare(v, t) === 0));
        return e.negate ? !hit : hit;
      }
      case 'between': {
        const lo = this.normalise(ns, e.field, e.low);
        const hi = this.normalise(ns, e.field, e.high);
        const hit = any((v) => this.compare(v, lo) >= 0 && this.compare(v, hi) <= 0);
        return e.negate ? !hit : hit;
      }
      case 'startsWith':
        return any((v) => String(v).startsWith(e.prefix));
    }
  }

  private parse(ns: string, query: string, extra: Record<string, IndexedTypeName> = {}): ParsedQuery {
    let parsed: ParsedQuery;
    try {
      parsed = parseListQuery(query ?? '');
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw errors.invalidArgument(err.message);
      throw err;
    }
    if (parsed.where) this.validate(ns, parsed.where, extra);
    for (const o of parsed.orderBy) this.check(ns, o.field, extra);
    if (parsed.groupBy && parsed.groupBy !== 'ExecutionStatus') {
      throw errors.invalidArgument(
        `invalid query: GROUP BY is supported only on ExecutionStatus, not ${parsed.groupBy}`,
      );
    }
    return parsed;
  }

  /** Executions of a namespace matching a query, in Temporal's default order or the query's ORDER BY. */
  select(nsName: string, query: string): Execution[] {
    const ns = this.engine.ns(nsName);
    const parsed = this.parse(ns.name, query);
    const rows = [...ns.executions.values()].filter(
      (ex) => !parsed.where || this.matches(ns.name, (field) => this.value(ex, field), parsed.where),
    );
    if (parsed.orderBy.length) {
      rows.sort((a, b) => {
        for (const o of parsed.orderBy) {
          const va = this.normalise(ns.name, o.field, this.value(a, o.field));
          const vb = this.normalise(ns.name, o.field, this.value(b, o.field));
          const c = va === vb ? 0 : va === null ? 1 : vb === null ? -1 : this.compare(va, vb);
          if (c) return o.desc ? -c : c;
        }
        return 0;
      });
    } else {
      rows.sort(
        (a, b) =>
          (b.closeTime || Infinity) - (a.closeTime || Infinity) ||
          b.startTime - a.startTime ||
          (a.runId < b.runId ? -1 : 1),
      );
    }
    return rows;
  }

  /**
   * Rows of another kind (schedules) matching a query: `get` reads a field of a row; `extra` names the
   * attributes that exist only for that kind (ScheduleId).
   */
  filter<T>(
    nsName: string,
    query: string,
    rows: T[],
    get: (row: T, field: string) => unknown,
    extra: Record<string, IndexedTypeName>,
  ): T[] {
    const parsed = this.parse(nsName, query ?? '', extra);
    if (parsed.groupBy) throw errors.invalidArgument('invalid query: GROUP BY is not supported here');
    return parsed.where ? rows.filter((row) => this.matches(nsName, (field) => get(row, field), parsed.where!)) : rows;
  }

  private page(nsName: string, req: Obj): Obj {
    const { page, nextPageToken } = paginate(
      this.select(nsName, req.query ?? ''),
      req.nextPageToken,
      num(req.pageSize),
    );
    return { executions: page.map((ex) => this.engine.executionInfo(ex)), nextPageToken };
  }

  workflowServiceHandlers(): Record<string, Handler> {
    return {
      ListWorkflowExecutions: (req) => this.page(req.namespace, req),
      ScanWorkflowExecutions: (req) => this.page(req.namespace, req),
      CountWorkflowExecutions: (req) => {
        const ns = this.engine.ns(req.namespace);
        const parsed = this.parse(ns.name, req.query ?? '');
        const rows = this.select(ns.name, (req.query ?? '').replace(/\s+GROUP\s+BY\s+\w+\s*$/i, ''));
        if (!parsed.groupBy) return { count: rows.length, groups: [] };
        const counts = new Map<string, number>();
        for (const ex of rows) counts.set(STATUS_NAMES[ex.status], (counts.get(STATUS_NAMES[ex.status]) ?? 0) + 1);
        return {
          count: rows.length,
          groups: [...counts].map(([status, count]) => ({ groupValues: [encodePayload(status, 'Keyword')], count })),
        };
      },
      GetSearchAttributes: (req) => ({ keys: this.allKeys(req.namespace || 'default') }),
    };
  }

  private allKeys(ns: string): Record<string, number> {
    const keys: Record<string, number> = {};
    for (const [k, t] of Object.entries(SYSTEM_ATTRIBUTES)) keys[k] = IndexedValueType[t];
    for (const [k, t] of this.custom.get(ns) ?? []) keys[k] = IndexedValueType[t];
    return keys;
  }

  operatorServiceHandlers(): Record<string, Handler> {
    return {
      AddSearchAttributes: (req) => {
        const ns = this.engine.ns(req.namespace || 'default').name;
        for (const [name, type] of Object.entries(req.searchAttributes ?? {})) {
          const typeName = TYPE_NAMES[num(type as number)];
          if (!typeName) throw errors.invalidArgument(`Unknown search attribute type ${String(type)} for ${name}.`);
          const existing = this.typeOf(ns, name);
          if (existing && existing !== typeName) {
            throw new errors.RpcError(
              errors.Status.ALREADY_EXISTS,
              `Search attribute ${name} already exists with type ${existing}.`,
            );
          }
          if (!existing) this.register(ns, name, typeName);
        }
        return {};
      },
      RemoveSearchAttributes: (req) => {
        const ns = this.engine.ns(req.namespace || 'default').name;
        for (const name of req.searchAttributes ?? []) {
          if (!this.custom.get(ns)?.delete(name)) throw errors.notFound(`Search attribute ${name} doesn't exist.`);
        }
        this.onChange?.();
        return {};
      },
      ListSearchAttributes: (req) => {
        const ns = this.engine.ns(req.namespace || 'default').name;
        const customAttributes: Record<string, number> = {};
        for (const [k, t] of this.custom.get(ns) ?? []) customAttributes[k] = IndexedValueType[t];
        const systemAttributes: Record<string, number> = {};
        for (const [k, t] of Object.entries(SYSTEM_ATTRIBUTES)) systemAttributes[k] = IndexedValueType[t];
        return { customAttributes, systemAttributes, storageSchema: {} };
      },
    };
  }
}
