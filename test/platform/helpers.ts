import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TemporalConnections } from '../../infra/temporal/connection';
import { createTestEnv } from '../../infra/temporal/test-env';
import { loadConfig, type Config } from '../../infra/config';
import type { Db } from '../../infra/db/database';
import { openTestDb, TEST_DATABASE_URL, type TestDb, type TestDbKind } from '../../infra/db/testing';
import { seedDemo } from '../../infra/db/seed';
import { customersRepo, usersRepo } from '../../infra/db';
import { hashPassword } from '../../infra/auth/passwords';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../infra/launcher/platform';
import { Client as PgClient } from 'pg';

export { eventually } from '../eventually';

/** The test environment's connections in the shape the platform takes (closing stays with the environment). */
export function connectionsOf(env: TestWorkflowEnvironment): TemporalConnections {
  return {
    address: 'test-environment',
    namespace: env.namespace ?? 'default',
    connection: env.connection,
    client: env.client,
    nativeConnection: async () => env.nativeConnection,
    close: async () => undefined,
  };
}

/** A small JSON client for the API under test. */
export function apiClient(baseUrl: string) {
  async function call(method: string, path: string, options: { token?: string; body?: unknown; cookie?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json };
  }
  return {
    call,
    get: (path: string, token?: string) => call('GET', path, { token }),
    post: (path: string, body: unknown, token?: string) => call('POST', path, { body, token }),
    async login(email: string, password = 'demo'): Promise<string> {
      const r = await call('POST', '/api/auth/login', { body: { email, password } });
      if (r.status !== 200) throw new Error(`login ${email} answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
  };
}

/** What a test platform is started with: the platform's own options, less what the helper provides. */
export interface TestPlatformOptions extends Omit<PlatformOptions, 'config' | 'db' | 'temporal'> {
  /** The database the platform runs on (default PGlite). */
  dbKind?: TestDbKind;
  /** Prefix of the temporary data directory (removed by `stop`). */
  dataDirPrefix: string;
  /** Environment beyond the test defaults (port 0, silent logs, no demo seeding by the platform). */
  env?: Record<string, string>;
  /** Seeds the demo data before the platform starts (default true). */
  seed?: boolean;
  /** The demo data's currency (default CNY). */
  currency?: string;
  /** A Temporal test environment to run on, shared with other platforms of the file; its owner tears it down. */
  temporalEnv?: TestWorkflowEnvironment;
  /** Runs on the database after seeding, before the platform starts (extra customers, users). */
  prepare?: (db: Db) => Promise<unknown>;
  /** Demo users to log in (emails); their tokens are keyed by the email's local part (`buyer@demo.local` → buyer). */
  logins?: string[];
}

/** A platform under test with its Temporal test environment, database and logged-in users. */
export interface TestPlatform {
  env: TestWorkflowEnvironment;
  t: TestDb;
  platform: RunningPlatform;
  config: Config;
  dataDir: string;
  tokens: Record<string, string>;
  api: ReturnType<typeof apiClient>;
  /** Stops the platform, closes the database, tears its own environment down and removes the data directory. */
  stop(): Promise<void>;
}

/** Starts the platform on a fresh test database and Temporal test environment, and logs the users in. */
export async function startTestPlatform(options: TestPlatformOptions): Promise<TestPlatform> {
  const {
    dbKind = 'pglite',
    dataDirPrefix,
    env: extraEnv = {},
    seed = true,
    currency,
    temporalEnv,
    prepare,
    logins = [],
    ...rest
  } = options;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already by an earlier test in this worker process.
  }
  const env = temporalEnv ?? (await createTestEnv());
  const t = await openTestDb(dbKind);
  if (seed) await seedDemo(t.db, currency);
  await prepare?.(t.db);
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    SMTP_CATCHER_PORT: '0',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    ...extraEnv,
  });
  const platform = await startPlatform({
    logger: pino({ level: 'silent' }),
    ...rest,
    config,
    db: t.db,
    temporal: connectionsOf(env),
  });
  const api = apiClient(platform.url);
  const tokens: Record<string, string> = {};
  for (const email of logins) tokens[email.split('@')[0]] = await api.login(email);
  return {
    env,
    t,
    platform,
    config,
    dataDir,
    tokens,
    api,
    async stop() {
      await platform.stop();
      await t.close();
      if (!temporalEnv) await env.teardown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Why the test PostgreSQL cannot be reached, or undefined when it can (files that skip it then say so). */
export async function postgresProblem(): Promise<string | undefined> {
  const client = new PgClient({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A second customer with one user, `other@other.test` (password `demo`), for checks of ownership. */
export async function addOtherCustomer(
  db: Db,
  { status, currency = 'CNY' }: { status?: 'approved'; currency?: string } = {},
): Promise<string> {
  const other = await customersRepo.createCustomer(db, {
    code: 'OTHER',
    name: 'Other Co.',
    currency,
    ...(status ? { status } : {}),
  });
  await usersRepo.createUser(db, {
    email: 'other@other.test',
    displayName: 'Other',
    passwordHash: await hashPassword('demo'),
    role: 'customer',
    customerId: other.id,
  });
  return other.id;
}
