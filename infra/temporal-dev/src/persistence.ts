/**
 * Durable state for `--db-filename`: an append-only log of checksummed records, fsync'd before any
 * RPC that changed state is answered (group commit: one fsync serves every change made in the same
 * turn of the event loop). Each record carries an execution's mutable state and the history events
 * it gained since the last record; the log is compacted into a snapshot when it outgrows the live
 * state. A torn or corrupt tail is dropped with a warning.
 *
 * Record line: `<crc32 hex> <json>\n`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import Long from 'long';
import type { Engine, ExecutionSnapshot } from './engine';
import type { Execution, HistoryEvent, Obj } from './model';

/** What the store needs of the schedules: their durable states by key, and a way to bring them back. */
export interface ScheduleStore {
  exportState(key: string): object | null;
  keys(): string[];
  restore(states: never[]): void;
}

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;

/** Anything the log holds beyond executions: clock offset, namespaces, search attributes. */
export interface MetaState {
  clockOffsetMs: number;
  namespaces: Array<{ name: string; id: string; description: string; retentionMs: number }>;
  /** Custom search attributes per namespace: name → type name. */
  searchAttributes: Record<string, Record<string, string>>;
}

/** Converts messages, Buffers and Longs into JSON-safe values. */
export function toJsonSafe(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
  if (Long.isLong(v)) return (v as Long).toNumber();
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (typeof v === 'object') {
    const out: Obj = {};
    for (const k of Object.keys(v as Obj)) {
      const x = (v as Obj)[k];
      if (x === undefined || typeof x === 'function') continue;
      out[k] = toJsonSafe(x);
    }
    return out;
  }
  return v;
}

/** Reverses {@link toJsonSafe}. */
export function fromJsonSafe(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v)) return v.map(fromJsonSafe);
  if (typeof v === 'object') {
    const o = v as Obj;
    if (typeof o.$b === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$b, 'base64');
    const out: Obj = {};
    for (const k of Object.keys(o)) out[k] = fromJsonSafe(o[k]);
    return out;
  }
  return v;
}

function line(record: object): Buffer {
  const json = JSON.stringify(record);
  const sum = (crc32(json) >>> 0).toString(16).padStart(8, '0');
  return Buffer.from(`${sum} ${json}\n`);
}

export class Store {
  private fd = -1;
  private size = 0;
  private liveSize = 0;
  private dirty = new Set<Execution>();
  private persistedEvents = new Map<Execution, number>();
  private metaDirty = false;
  private flushScheduled = false;
  private waiters: Array<() => void> = [];
  private closed = false;
  private lastOffset = NaN;
  private syncing = false;
  private flushAgain = false;
  private dirtySchedules = new Set<string>();
  /** Runs deleted since the last flush (DeleteWorkflowExecution). */
  private deleted: string[] = [];
  /** Set before `open` when schedules are kept in this log. */
  schedules?: ScheduleStore;

  constructor(
    private readonly file: string,
    private readonly engine: Engine,
    private readonly getMeta: () => MetaState,
    /** Applies the meta state found in the log before executions are restored (clock offset first). */
    private readonly applyMeta: (meta: MetaState) => void,
    private readonly log: Log,
  ) {}

  /** Reads the log (if any), restores the engine and opens the file for appending. Returns the meta state found. */
  open(): MetaState | undefined {
    fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    let meta: MetaState | undefined;
    const states = new Map<string, { state: ExecutionSnapshot; events: HistoryEvent[] }>();
    const schedules = new Map<string, Obj | null>();
    if (fs.existsSync(this.file)) {
      const buf = fs.readFileSync(this.file);
      let pos = 0;
      let good = 0;
      let corrupt = false;
      while (pos < buf.length) {
        const nl = buf.indexOf(0x0a, pos);
        if (nl < 0) {
          corrupt = true;
          break;
        }
        const text = buf.subarray(pos, nl).toString('utf8');
        const sp = text.indexOf(' ');
        const json = text.slice(sp + 1);
        if (sp !== 8 || (crc32(json) >>> 0).toString(16).padStart(8, '0') !== text.slice(0, 8)) {
          corrupt = true;
          break;
        }
        let rec: Obj;
        try {
          rec = JSON.parse(json);
        } catch {
          corrupt = true;
          break;
        }
        if (rec.k === 'meta') meta = rec.meta as MetaState;
        else if (rec.k === 'ex') {
          const state = fromJsonSafe(rec.state) as ExecutionSnapshot;
          const events = (fromJsonSafe(rec.events) as HistoryEvent[]) ?? [];
          const prev = states.get(state.runId);
          if (prev) {
            prev.state = state;
            prev.events.push(...events);
          } else states.set(state.runId, { state, events });
        } else if (rec.k === 'del') states.delete(rec.runId);
        else if (rec.k === 'sched') schedules.set(rec.key, fromJsonSafe(rec.state) as Obj | null);
        pos = nl + 1;
        good = pos;
      }
      if (corrupt) {
        this.log(
          'warn',
          `${this.file}: dropped a corrupt tail of ${buf.length - good} bytes (torn write?) at offset ${good}`,
        );
        fs.truncateSync(this.file, good);
      }
      this.size = good;
    }
    if (meta) {
      this.applyMeta(meta);
      for (const ns of meta.namespaces) {
        const n = this.engine.registerNamespace(ns.name, ns.description, ns.retentionMs);
        n.id = ns.id;
      }
    }
    for (const { state, events } of states.values()) {
      const ex = this.engine.restoreExecution(state, events);
      this.persistedEvents.set(ex, events.length);
    }
    for (const ns of this.engine.namespaces.values()) {
      for (const runs of ns.runs.values())
        runs.sort((a, b) => ns.executions.get(a)!.startTime - ns.executions.get(b)!.startTime);
    }
    this.schedules?.restore([...schedules.values()].filter((s) => s !== null) as never[]);
    if (schedules.size) this.log('info', `restored ${this.schedules?.keys().length ?? 0} schedules from ${this.file}`);
    this.fd = fs.openSync(this.file, 'a');
    this.liveSize = this.size;
    this.metaDirty = true;
    this.flushSync();
    if (states.size) this.log('info', `restored ${states.size} executions from ${this.file}`);
    return meta;
  }

  /** Records that an execution changed; a flush follows in this turn of the event loop. */
  markDirty(ex: Execution): void {
    this.dirty.add(ex);
    this.schedule();
  }

  /** Records that a run was deleted: a deletion record makes a restart forget it. */
  markDeleted(ex: Execution): void {
    this.dirty.delete(ex);
    this.persistedEvents.delete(ex);
    this.deleted.push(ex.runId);
    this.schedule();
  }

  markScheduleDirty(key: string): void {
    this.dirtySchedules.add(key);
    this.schedule();
  }

  markMetaDirty(): void {
    this.metaDirty = true;
    this.schedule();
  }

  /** Resolves once everything changed so far is on disk. */
  commit(): Promise<void> {
    if (
      !this.dirty.size &&
      !this.dirtySchedules.size &&
      !this.deleted.length &&
      !this.metaDirty &&
      this.getMeta().clockOffsetMs === this.lastOffset
    )
      return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Writes every pending change and fsyncs. The fsync runs off the event loop; changes made meanwhile
   * gather into the next batch, which is written as soon as it completes (group commit).
   */
  flush(): void {
    if (this.fd < 0) return;
    if (this.syncing) {
      this.flushAgain = true;
      return;
    }
    const data = this.pendingData();
    const waiters = this.waiters;
    this.waiters = [];
    if (!data.length) {
      for (const w of waiters) w();
      return;
    }
    fs.writeSync(this.fd, data);
    this.size += data.length;
    this.syncing = true;
    fs.fsync(this.fd, (err) => {
      this.syncing = false;
      if (err) this.log('error', `fsync of ${this.file} failed: ${err.message}`);
      for (const w of waiters) w();
      if (this.size > Math.max(8 * 1024 * 1024, 3 * this.liveSize)) this.compact();
      if (this.flushAgain || this.waiters.length || this.dirty.size || this.dirtySchedules.size) {
        this.flushAgain = false;
        this.flush();
      }
    });
  }

  /** Flushes synchronously (shutdown). */
  flushSync(): void {
    if (this.fd < 0) return;
    const data = this.pendingData();
    if (data.length) {
      fs.writeSync(this.fd, data);
      fs.fsyncSync(this.fd);
      this.size += data.length;
    }
    for (const w of this.waiters.splice(0)) w();
  }

  private pendingData(): Buffer {
    const chunks: Buffer[] = [];
    const meta = this.getMeta();
    if (this.metaDirty || meta.clockOffsetMs !== this.lastOffset) {
      chunks.push(line({ k: 'meta', meta }));
      this.metaDirty = false;
      this.lastOffset = meta.clockOffsetMs;
    }
    for (const ex of this.dirty) chunks.push(line(this.record(ex)));
    this.dirty.clear();
    for (const runId of this.deleted) chunks.push(line({ k: 'del', runId }));
    this.deleted = [];
    // After the executions: a schedule's cursor never reaches the disk ahead of the run it started.
    for (const key of this.dirtySchedules) chunks.push(line(this.scheduleRecord(key)));
    this.dirtySchedules.clear();
    return Buffer.concat(chunks);
  }

  private record(ex: Execution): Obj {
    const from = this.persistedEvents.get(ex) ?? 0;
    this.persistedEvents.set(ex, ex.history.length);
    return {
      k: 'ex',
      state: toJsonSafe(this.engine.exportExecution(ex)),
      events: toJsonSafe(ex.history.slice(from)),
    };
  }

  private scheduleRecord(key: string): Obj {
    return { k: 'sched', key, state: toJsonSafe(this.schedules?.exportState(key) ?? null) };
  }

  /** Rewrites the log as one snapshot of the live state (tmp file, fsync, rename). */
  compact(): void {
    const purged = this.engine.purgeExpired();
    const tmp = `${this.file}.compact`;
    const fd = fs.openSync(tmp, 'w');
    let size = 0;
    const write = (b: Buffer) => {
      fs.writeSync(fd, b);
      size += b.length;
    };
    write(line({ k: 'meta', meta: this.getMeta() }));
    this.persistedEvents.clear();
    for (const ns of this.engine.namespaces.values()) {
      for (const ex of ns.executions.values()) {
        this.persistedEvents.set(ex, 0);
        write(line(this.record(ex)));
      }
    }
    for (const key of this.schedules?.keys() ?? []) write(line(this.scheduleRecord(key)));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a');
    this.size = size;
    this.liveSize = size;
    this.dirty.clear();
    this.deleted = [];
    this.dirtySchedules.clear();
    this.metaDirty = false;
    for (const w of this.waiters.splice(0)) w();
    this.log('info', `compacted ${this.file} to ${size} bytes (${purged} expired executions removed)`);
  }

  close(): void {
    if (this.closed) return;
    this.flushSync();
    this.closed = true;
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
