/** Starting and stopping the embedded server: clock, engine, gRPC listener. */
import * as grpc from '@grpc/grpc-js';
import { Clock } from './clock';
import { Engine } from './engine';
import { createGrpcServer, serviceHandlers, ServiceOptions } from './service';
import { startHttpSurfaces } from './http-surfaces';
import { MetaState, Store } from './persistence';
import { IndexedTypeName, IndexedValueType, Visibility } from './visibility';
import { Schedules } from './schedules/scheduler';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface TemporalDevServerOptions {
  /** TCP port; 0 picks a free one. Default 7233. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  ip?: string;
  /** Namespaces to create at start; `default` is always there. */
  namespaces?: string[];
  /** File to persist state in (survives restarts); memory only when absent. */
  dbFilename?: string;
  /** Java-test-server mode: virtual time that skips ahead when idle; starts locked. */
  timeSkipping?: boolean;
  logLevel?: LogLevel | string;
  /** Custom search attributes to register at start, as `Name=Type` (Keyword, Text, Int, Double, Bool, Datetime, KeywordList). */
  searchAttributes?: string[];
  /** Port of Temporal's HTTP API (`--http-port`); off when absent, 0 picks a free one. */
  httpPort?: number;
  /** Port of Temporal's web UI, which also answers the HTTP API under /api/v1 (`--ui-port`); off when absent. */
  uiPort?: number;
  /** Interface of the UI; defaults to `ip`. */
  uiIp?: string;
}

export interface TemporalDevServer {
  /** host:port for Connection.connect / NativeConnection.connect. */
  address: string;
  port: number;
  engine: Engine;
  /** http://host:port of Temporal's HTTP API when it was asked for. */
  httpUrl?: string;
  /** http://host:port of Temporal's web UI when it was asked for. */
  uiUrl?: string;
  close(): Promise<void>;
}

const LEVELS: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function makeLogger(level: string | undefined) {
  const min = LEVELS[level ?? 'warn'] ?? LEVELS.warn;
  return (lvl: LogLevel, msg: string) => {
    if (LEVELS[lvl] >= min) process.stderr.write(`temporal-dev ${lvl}: ${msg}\n`);
  };
}

/** Starts the server and resolves once it accepts connections. */
export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const log = makeLogger(opts.logLevel);
  const namespaces = [...new Set(['default', ...(opts.namespaces ?? [])])];
  const clock = new Clock(Boolean(opts.timeSkipping), Boolean(opts.timeSkipping));
  const engine = new Engine({ clock, namespaces, log });
  const visibility = new Visibility(engine);
  engine.searchAttributes = visibility;
  const schedules = new Schedules(engine, visibility, log);
  let store: Store | undefined;
  if (opts.dbFilename) {
    const getMeta = (): MetaState => ({
      clockOffsetMs: clock.offsetMs,
      namespaces: [...engine.namespaces.values()].map((n) => ({
        name: n.name,
        id: n.id,
        description: n.description,
        retentionMs: n.retentionMs,
      })),
      searchAttributes: visibility.exportState(),
    });
    const applyMeta = (meta: MetaState) => {
      clock.restoreOffset(meta.clockOffsetMs);
      visibility.importState(meta.searchAttributes as Record<string, Record<string, IndexedTypeName>>);
    };
    store = new Store(opts.dbFilename, engine, getMeta, applyMeta, log);
    store.schedules = schedules;
    store.open();
    const s = store;
    schedules.onChange = (key) => s.markScheduleDirty(key);
    engine.onChange = (ex) => s.markDirty(ex);
    engine.onDeleted = (ex) => s.markDeleted(ex);
    engine.onMetaChange = () => s.markMetaDirty();
    visibility.onChange = () => s.markMetaDirty();
  }
  for (const spec of opts.searchAttributes ?? []) {
    const [name, type] = spec.split('=');
    if (!name || !(type in IndexedValueType))
      throw new Error(
        `--search-attribute ${spec}: expected Name=Type with Type one of ${Object.keys(IndexedValueType).join(', ')}`,
      );
    for (const ns of namespaces)
      if (!visibility.typeOf(ns, name)) visibility.register(ns, name, type as IndexedTypeName);
  }
  schedules.resume();
  const serviceOptions: ServiceOptions = {
    engine,
    log,
    visibility,
    schedules,
    commit: store ? () => store.commit() : undefined,
  };
  const services = serviceHandlers(serviceOptions);
  const server = createGrpcServer(serviceOptions, services);
  const ip = opts.ip ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${ip.includes(':') ? `[${ip}]` : ip}:${opts.port ?? 7233}`,
      grpc.ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  const host = ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip;
  log('info', `listening on ${host}:${port}${opts.timeSkipping ? ' (time skipping)' : ''}`);
  let http: Awaited<ReturnType<typeof startHttpSurfaces>>;
  try {
    http = await startHttpSurfaces({
      services,
      serviceOptions,
      ip,
      httpPort: opts.httpPort,
      uiPort: opts.uiPort,
      uiIp: opts.uiIp,
      defaultNamespace: 'default',
    });
  } catch (err) {
    engine.releasePollers();
    store?.close();
    clock.close();
    server.forceShutdown();
    throw err;
  }
  let closed = false;
  return {
    address: `${host}:${port}`,
    port,
    engine,
    httpUrl: http.httpUrl,
    uiUrl: http.uiUrl,
    async close() {
      if (closed) return;
      closed = true;
      await http.close();
      engine.releasePollers();
      schedules.close();
      store?.close();
      clock.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
    },
  };
}
