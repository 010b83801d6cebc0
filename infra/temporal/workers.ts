import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createTaskActivities } from '../../activities/tasks';
import { createMailActivities } from '../../activities/mail';
import type { ActivityDeps, WorkerRegistration } from './worker-registration';
import type { TaskQueue } from './task-queues';
import { withFenNames } from '../../domain/shared/money-names';

const PROJECT_ROOT = join(__dirname, '..', '..');
const ACTIVITIES_DIR = join(PROJECT_ROOT, 'activities');

/**
 * Every registration in the tree's `activities/<context>/register.ts` files: `workerRegistration`, plus any
 * other export named `<something>WorkerRegistration` (a context with workflows on a second queue, such as the
 * RMA's production-line repair child on `production`).
 */
export function discoverWorkerRegistrations(activitiesDir = ACTIVITIES_DIR): WorkerRegistration[] {
  if (!existsSync(activitiesDir)) return [];
  const found: WorkerRegistration[] = [];
  for (const context of readdirSync(activitiesDir).sort()) {
    const file = join(activitiesDir, context, 'register.ts');
    if (!existsSync(file)) continue;
    const mod = require(file) as Record<string, WorkerRegistration | undefined>;
    if (!mod.workerRegistration) throw new Error(`${file} must export workerRegistration`);
    for (const [name, registration] of Object.entries(mod)) {
      if (registration && (name === 'workerRegistration' || name.endsWith('WorkerRegistration')))
        found.push(registration);
    }
  }
  return found;
}

/** The activities every worker registers: human tasks and mail. */
export function platformActivities(deps: ActivityDeps) {
  return {
    ...createTaskActivities({ db: deps.db, publicUrl: deps.config.publicUrl }),
    ...createMailActivities({ db: deps.db }),
  };
}

/**
 * The workflows module of a queue (or of the replay tests, which replay every context's workflows). Several
 * contexts may share a queue; the worker's bundler takes one entry, so a small entry file re-exporting each
 * context's workflows is generated. It lives under the project's node_modules/.cache because the bundler
 * resolves @temporalio/workflow from the entry's folder.
 */
export function workflowsEntry(name: string, paths: string[]): string {
  if (paths.length === 1) return paths[0];
  const source = paths.map((p) => `export * from ${JSON.stringify(p.replace(/\.ts$/, ''))};`).join('\n') + '\n';
  const cache = join(PROJECT_ROOT, 'node_modules', '.cache', 'smt-workflows');
  mkdirSync(cache, { recursive: true });
  // The bundler works on resolved paths; a symlinked node_modules must not make the entry's two names differ.
  const dir = realpathSync(cache);
  const entry = join(dir, `${name}-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.ts`);
  writeFileSync(entry, source);
  return entry;
}

/** Every source file under `dir` (tests excluded), in a stable order. */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|json)$/.test(e.name) && !e.name.includes('.test.'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * The queue's workflow bundle, built once per code version. Webpack takes seconds per queue (about 12 s on a
 * loaded 2-core machine), so the bundle is kept under node_modules/.cache, keyed by a hash of what can change it:
 * the entry, the workflow and domain sources (workflows import nothing else at run time; the layer lint sees to
 * that) and the lock file (library versions). A start with unchanged code reads it in milliseconds.
 */
export async function cachedWorkflowBundle(name: string, modulePaths: string[]): Promise<{ codePath: string }> {
  const workflowsPath = workflowsEntry(name, modulePaths);
  const hash = createHash('sha256').update(workflowsPath);
  // Modules outside workflows/ (the test suites' own workflows) count with their folder.
  const folders = new Set([
    join(PROJECT_ROOT, 'workflows'),
    join(PROJECT_ROOT, 'domain'),
    ...modulePaths.map((p) => dirname(p)),
  ]);
  const files = new Set([...[...folders].flatMap(sourceFiles), join(PROJECT_ROOT, 'package-lock.json'), workflowsPath]);
  for (const file of files) {
    if (existsSync(file)) hash.update(file).update(readFileSync(file));
  }
  const cache = join(PROJECT_ROOT, 'node_modules', '.cache', 'smt-workflow-bundles');
  const codePath = join(cache, `${name}-${hash.digest('hex').slice(0, 16)}.js`);
  if (!existsSync(codePath)) {
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundler });
    mkdirSync(cache, { recursive: true });
    // Written aside and renamed, so a second process starting at the same moment never reads half a bundle.
    const partial = `${codePath}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, codePath);
  }
  return { codePath };
}

const quietBundler = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * An activity scheduled before the money rename and retried by today's code still carries its recorded
 * arguments (`totalMinor`, `depositMinor`, …): it reads them as `…Fen`.
 */
export function readingOldMoneyNames<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => fn(...(args.map((arg) => withFenNames(arg)) as A));
}

/** A worker for one task queue, or undefined when no context has workflows on it yet. */
export async function createQueueWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: TaskQueue;
  deps: ActivityDeps;
  registrations: WorkerRegistration[];
}): Promise<Worker | undefined> {
  const mine = options.registrations.filter((r) => r.taskQueue === options.taskQueue);
  if (mine.length === 0) return undefined;
  const activities: Record<string, unknown> = { ...platformActivities(options.deps) };
  for (const registration of mine) {
    for (const [name, fn] of Object.entries(registration.createActivities?.(options.deps) ?? {})) {
      if (name in activities) throw new Error(`activity "${name}" is registered twice on queue ${options.taskQueue}`);
      activities[name] = readingOldMoneyNames(fn as (...args: unknown[]) => unknown);
    }
  }
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await cachedWorkflowBundle(
      options.taskQueue,
      mine.map((r) => r.workflowsPath),
    ),
    activities,
  });
}

/** Workers running in the background; `shutdown()` drains them (in-flight tasks finish) and waits. */
export interface RunningWorkers {
  queues: TaskQueue[];
  /** Rejects if a worker stops on its own (a fatal error). */
  failed: Promise<never>;
  shutdown(): Promise<void>;
}

/** Runs the given workers until shut down. */
export function runWorkers(workers: { queue: TaskQueue; worker: Worker }[], logger: Logger): RunningWorkers {
  let stopping = false;
  const runs = workers.map(({ queue, worker }) =>
    worker.run().then(
      () => {
        if (!stopping) throw new Error(`worker for queue ${queue} stopped unexpectedly`);
      },
      (error: unknown) => {
        logger.error({ err: error, queue }, 'worker failed');
        throw error;
      },
    ),
  );
  const failed = Promise.race(runs).then(() => new Promise<never>(() => undefined));
  failed.catch(() => undefined);
  return {
    queues: workers.map((w) => w.queue),
    failed,
    async shutdown() {
      stopping = true;
      for (const { worker } of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      await Promise.allSettled(runs);
    },
  };
}
