import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { Transporter } from 'nodemailer';
import { sql } from 'kysely';
import type { Config } from '../config';
import { createDb, type Db } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { seedDemo } from '../db/seed';
import { createAuthService, type AuthService } from '../auth/sessions';
import { createApp } from '../http/app';
import { setFactoryTimeZone } from '../../domain/shared/fields';
import { createOpenApiRegistry } from '../http/openapi';
import { createMetrics, createMetricsApp } from '../http/metrics';
import { listen, type RunningServer } from '../http/server';
import { createUploadPlace } from '../http/uploads';
import type { HealthCheck } from '../http/health';
import type { RouterFactory, ServiceDeps } from '../http/service-deps';
import { createMailTransport } from '../mail/transport';
import { startMailCatcher, type MailCatcher } from '../mail/catcher';
import { createOutboxSender, type OutboxSender } from '../mail/outbox-sender';
import { createDevMailRouter } from '../mail/dev-mail-router';
import { checkTemporal, connectTemporal, type TemporalConnections } from '../temporal/connection';
import { registerSearchAttributes } from '../temporal/search-attributes';
import { TASK_QUEUES, type TaskQueue } from '../temporal/task-queues';
import { createQueueWorker, discoverWorkerRegistrations, runWorkers, type RunningWorkers } from '../temporal/workers';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { WorkerRegistration } from '../temporal/worker-registration';
import { PLATFORM_TASK_KINDS, TaskKindRegistry, type TaskKind } from '../../domain/tasks/kinds';
import { discoverServices, discoverTaskKinds } from './discovery';
import { startTemporalDevServer } from '../temporal-dev';
import { ensureUiBuilt, uiStatic } from './ui-static';
import { ensureRmaRoutineSchedules } from '../../services/rma/schedules';
import { loadWorkingCalendar } from '../../services/rma/calendar-config';
import { reconcileProjections, type ReconcileReport } from '../temporal/reconcile';
import { createReconcileRouter } from './reconcile-router';

/** What to run in this process; everything by default (the embedded, one-process mode). */
export interface PlatformOptions {
  config: Config;
  logger?: Logger;
  /** Service routers to mount by name (`services/<name>`); default: all. */
  services?: string[];
  /** Queues to run workers for; default: all. */
  workers?: TaskQueue[];
  /** Deliver the outbox from this process (default true). */
  mailSender?: boolean;
  /** An already connected Temporal (tests pass their environment's); otherwise from config or embedded. */
  temporal?: TemporalConnections;
  /** Extra routers and worker registrations (tests). */
  extraRouters?: RouterFactory[];
  extraRegistrations?: WorkerRegistration[];
  /** Create the after-sales routine schedules (default: when the rma worker runs). */
  schedules?: boolean;
  /** Task kinds besides the platform's; default: those found in `domain/<context>/task-kinds.ts`. */
  taskKinds?: TaskKind[];
  /** An open, migrated database to use instead of the configured one (tests); the caller closes it. */
  db?: Db;
  /** Serve the admin UI and customer portal (built on first start); default: when all services run. */
  ui?: boolean;
  /** Run the reconcile pass once the workers are up (default: when this process runs workers). */
  reconcile?: boolean;
}

/** A running platform: the URLs it printed and how to stop it. */
export interface RunningPlatform {
  url: string;
  port: number;
  db: Db;
  auth: AuthService;
  temporal: TemporalConnections;
  /** Set in embedded mail mode. */
  mailCatcher?: MailCatcher;
  /** Embedded Temporal server address, when this process started one. */
  embeddedTemporal?: string;
  /** Temporal's web UI: TEMPORAL_UI_URL, or the embedded server's own. */
  temporalUiUrl?: string;
  services: string[];
  workers: TaskQueue[];
  /** The loopback metrics listener's URL, when METRICS_PORT is set. */
  metricsUrl?: string;
  /** The start-up reconcile pass (in the background after ready; undefined when it does not run here). */
  reconciled?: Promise<ReconcileReport>;
  stop(): Promise<void>;
}

/**
 * Starts the platform: Temporal (embedded unless configured), the database with migrations (and the demo seed),
 * mail (catcher unless SMTP_URL), workers, and the HTTP services on one port. Stops in reverse order.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  let { config } = options;
  setFactoryTimeZone(config.business.timeZone);
  const logger = options.logger ?? pino({ level: config.logLevel });
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.warn({ err: error }, 'error while stopping');
      }
    }
    cleanups.length = 0;
  };
  let ready = false;

  // Start-up phases, timed: a debug line each, and one line with all of them once ready (bench/startup.ts reads it).
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const began = performance.now();
    try {
      return await work();
    } finally {
      phases[name] = Math.round(performance.now() - began);
      logger.debug({ phase: name, ms: phases[name] }, 'start-up phase done');
    }
  };
  /** Waits for every started phase (so none is left acquiring while the others' resources are closed). */
  const allOf = async <T extends readonly unknown[]>(work: { [K in keyof T]: Promise<T[K]> }): Promise<T> => {
    const settled = await Promise.allSettled(work);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
  };
  const startedAt = performance.now();

  try {
    mkdirSync(config.dataDir, { recursive: true });

    // Temporal, the database and the UI build check do not depend on each other: they start together.
    let embeddedTemporal: string | undefined;
    const temporalReady = phase('temporal', async (): Promise<TemporalConnections> => {
      if (options.temporal) return options.temporal;
      const address = config.temporal.address;
      if (!address) {
        const server = await startTemporalDevServer({
          port: config.temporal.devServerPort,
          ip: '127.0.0.1',
          namespaces: [config.temporal.namespace],
          dbFilename: join(config.dataDir, 'temporal-dev.log'),
          logLevel: 'warn',
          // Temporal's web UI beside it, as `temporal server start-dev` serves it (7233 → 8233).
          uiPort: config.temporal.devServerPort === 0 ? 0 : config.temporal.devServerPort + 1000,
        });
        cleanups.push(() => server.close());
        embeddedTemporal = server.address;
        // Case pages link their workflow histories to this UI unless TEMPORAL_UI_URL names another.
        if (!config.temporal.uiUrl) config = { ...config, temporal: { ...config.temporal, uiUrl: server.uiUrl } };
      }
      const connected = await connectTemporal(address ?? (embeddedTemporal as string), config.temporal.namespace);
      cleanups.push(() => connected.close());
      return connected;
    });

    const db = options.db ?? createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    if (!options.db) cleanups.push(() => db.destroy());
    const databaseReady = phase('database', async () => {
      const applied = await migrateToLatest(db);
      if (applied.length) logger.info({ migrations: applied }, 'database migrated');
      if (config.seedDemo) {
        const created = await seedDemo(db, config.business.currency);
        if (created.length) logger.info({ users: created }, 'demo users created (password "demo")');
      }
    });

    // The browser app, built from ui/ when missing or stale; the API keeps working if the build fails.
    const wantUi = options.ui ?? options.services === undefined;
    const uiReady = wantUi
      ? phase('ui', () => ensureUiBuilt({ log: (message) => logger.info(message) })).then(
          () => true,
          (err: unknown) => {
            logger.error({ err }, 'the admin UI could not be built; serving the API only');
            return false;
          },
        )
      : Promise.resolve(false);

    // Loading the services' and activities' modules is the process's own work (tsx compiles them) while the
    // server and the database start up.
    const wanted = options.workers ?? [...TASK_QUEUES];
    const modulesReady = phase('modules', () => ({
      registrations: [...(wanted.length ? discoverWorkerRegistrations() : []), ...(options.extraRegistrations ?? [])],
      available: discoverServices(),
    }));

    const [temporalConnections, , { registrations, available }] = await allOf<
      [TemporalConnections, void, Awaited<typeof modulesReady>]
    >([temporalReady, databaseReady, modulesReady]);

    // Mail: the real server, or the in-process catcher.
    let mailCatcher: MailCatcher | undefined;
    let transport: Transporter;
    if (config.mail.smtpUrl) {
      transport = createMailTransport(config.mail.smtpUrl);
    } else {
      mailCatcher = await phase('mail', () => startMailCatcher({ db, port: config.mail.catcherPort, logger }));
      const catcher = mailCatcher;
      cleanups.push(() => catcher.close());
      transport = createMailTransport(catcher.url);
    }
    cleanups.push(async () => transport.close());
    const metrics = createMetrics();
    if (options.mailSender ?? true) {
      const sender: OutboxSender = createOutboxSender({
        db,
        transport,
        from: config.mail.from,
        logger,
        deliveries: metrics.mailSent,
      });
      sender.start();
      cleanups.push(() => sender.stop());
    }

    const searchAttributes = phase('search-attributes', async () => {
      try {
        const added = await registerSearchAttributes(temporalConnections.connection, temporalConnections.namespace);
        if (added.length) logger.info({ added }, 'search attributes registered');
      } catch (error) {
        // Some clusters restrict the operator API to admins; workflows still run, only searching is narrower.
        logger.warn({ err: error }, 'could not register search attributes');
      }
    });

    // Workers, one per queue that has workflows, created together (each loads its bundle into its own isolate).
    const created = await phase('workers', async () => {
      const connection = wanted.length ? await temporalConnections.nativeConnection() : undefined;
      const made = await allOf(
        wanted.map((queue) =>
          createQueueWorker({
            connection: connection as NativeConnection,
            namespace: temporalConnections.namespace,
            taskQueue: queue,
            deps: { db, config, logger },
            registrations,
          }).then((worker) => ({ queue, worker })),
        ),
      );
      return made;
    });
    await searchAttributes;
    const workers: { queue: TaskQueue; worker: Worker }[] = [];
    for (const { queue, worker } of created) {
      if (worker) workers.push({ queue, worker });
      else logger.info({ queue }, 'no workflows registered for this queue yet; no worker started');
    }
    let running: RunningWorkers | undefined;
    if (workers.length) {
      running = runWorkers(workers, logger);
      const r = running;
      r.failed.catch((error: unknown) => {
        logger.fatal({ err: error }, 'a worker stopped; the process is not healthy');
        ready = false;
      });
      cleanups.push(() => r.shutdown());
    }

    // Seed 002's daily routines: idempotent, so every start (and every replica) may run it.
    if (options.schedules ?? workers.some((w) => w.queue === 'rma')) {
      await phase('schedules', async () => {
        try {
          await ensureRmaRoutineSchedules(temporalConnections.client, loadWorkingCalendar(config.business), logger);
        } catch (error) {
          // A cluster whose schedules are unavailable still runs every process; only the routines wait.
          logger.error({ err: error }, 'could not create the RMA routine schedules');
        }
      });
    }

    // HTTP services.
    const auth = createAuthService({ db, secret: config.session.secret, ttlHours: config.session.ttlHours });
    const openapi = createOpenApiRegistry();
    const taskKinds = new TaskKindRegistry([...PLATFORM_TASK_KINDS, ...(options.taskKinds ?? discoverTaskKinds())]);
    const uploads = createUploadPlace({
      dataDir: config.dataDir,
      maxInFlightBytes: config.http.uploadMaxInFlightBytes,
    });
    const deps: ServiceDeps = {
      config,
      db,
      logger,
      auth,
      temporal: temporalConnections.client,
      openapi,
      taskKinds,
      uploads,
    };
    const serviceNames = options.services ?? [...available.keys()];
    for (const name of serviceNames) {
      if (!available.has(name))
        throw new Error(`unknown service "${name}"; known: ${[...available.keys()].join(', ')}`);
    }
    const routers = serviceNames.map((name) => (available.get(name) as RouterFactory)(deps));
    for (const factory of options.extraRouters ?? []) routers.push(factory(deps));
    if (mailCatcher) routers.push(createDevMailRouter({ db, openapi }));
    if (serviceNames.length)
      routers.push(createReconcileRouter({ db, client: temporalConnections.client, logger, openapi }));

    const healthChecks: HealthCheck[] = [
      { name: 'database', check: async () => void (await sql`select 1`.execute(db)) },
      { name: 'temporal', check: () => checkTemporal(temporalConnections.connection, temporalConnections.namespace) },
      { name: 'mail', check: async () => void (await transport.verify()) },
    ];
    const before = (await uiReady) ? [uiStatic()] : [];
    const app = createApp({
      before,
      logger,
      auth,
      openapi,
      metrics,
      routers,
      healthChecks,
      isReady: () => ready,
      publicUrl: config.publicUrl,
      trustedProxies: config.http.trustedProxies,
      allowedOrigins: config.http.allowedOrigins,
      metricsToken: config.http.metricsToken,
    });
    const server: RunningServer = await phase('http', () => listen(app, config.port, config.host));
    cleanups.push(() => server.close());
    let metricsUrl: string | undefined;
    if (config.http.metricsPort !== undefined) {
      // Loopback only, whatever HOST is: a scraper on this machine (or a sidecar) reads it without a token.
      const metricsServer = await listen(createMetricsApp(metrics), config.http.metricsPort, '127.0.0.1');
      metricsUrl = `${metricsServer.url}/metrics`;
      cleanups.push(() => metricsServer.close());
    }
    cleanups.push(async () => {
      ready = false;
    });
    ready = true;
    logger.info(
      { phases, ms: Math.round(performance.now() - startedAt), sinceProcessStart: Math.round(performance.now()) },
      'platform started',
    );

    // Rows a crash left behind their workflows are set right now rather than when the lost activity is retried.
    // In the background: queries need the workers, which are up, and readiness must not wait on every open case.
    let reconciled: Promise<ReconcileReport> | undefined;
    if (options.reconcile ?? workers.length > 0) {
      reconciled = reconcileProjections({ db, client: temporalConnections.client, logger });
      reconciled.catch((err: unknown) => logger.error({ err }, 'the start-up reconcile pass failed'));
      const pass = reconciled;
      cleanups.push(async () => void (await pass.catch(() => undefined)));
    }

    return {
      url: server.url,
      port: server.port,
      db,
      auth,
      temporal: temporalConnections,
      mailCatcher,
      embeddedTemporal,
      temporalUiUrl: config.temporal.uiUrl,
      services: serviceNames,
      workers: workers.map((w) => w.queue),
      metricsUrl,
      reconciled,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
