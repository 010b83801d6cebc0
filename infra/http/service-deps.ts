import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/database';
import type { AuthService } from '../auth/sessions';
import type { OpenAPIRegistry } from './openapi';
import type { Config } from '../config';
import type { TaskKindRegistry } from '../../domain/tasks/kinds';
import type { UploadPlace } from './uploads';

/** What every service router gets from the process that mounts it. */
export interface ServiceDeps {
  config: Config;
  db: Db;
  logger: Logger;
  auth: AuthService;
  /** Temporal client shared by the process (never one connection per request). */
  temporal: Client;
  /** Routers register their paths here; the app serves the document at /api/openapi.json. */
  openapi: OpenAPIRegistry;
  taskKinds: TaskKindRegistry;
  /** Where multipart uploads stream to, and the process's budget of upload bytes in flight. */
  uploads: UploadPlace;
}

/**
 * The shape of `services/<context>/router.ts`: export `createRouter(deps)` returning a router mounted at `/api`
 * (its paths start with the context, e.g. `/quotes`).
 */
export type RouterFactory = (deps: ServiceDeps) => Router;
