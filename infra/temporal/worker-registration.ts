import type { Logger } from 'pino';
import type { Db } from '../db/database';
import type { Config } from '../config';
import type { TaskQueue } from './task-queues';

/** What activity factories get from the worker process. */
export interface ActivityDeps {
  db: Db;
  config: Config;
  logger: Logger;
}

/**
 * How a bounded context plugs into the workers: `activities/<context>/register.ts` exports
 * `workerRegistration: WorkerRegistration`. The launcher and `smt worker` find these files; the context's
 * workflows then run on its queue, next to the platform's task and mail activities.
 */
export interface WorkerRegistration {
  taskQueue: TaskQueue;
  /** Absolute path of the module exporting the context's workflows (`require.resolve('../../workflows/quote')`). */
  workflowsPath: string;
  /** The context's activities, built once per worker process. */
  createActivities?: (deps: ActivityDeps) => Record<string, (...args: never[]) => Promise<unknown>>;
}
