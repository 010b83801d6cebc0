import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { PGlite } from '@electric-sql/pglite';
import { createDb, quoteIdentifier, type Db } from './database';
import type { Database } from './schema';
import { migrateToLatest } from './migrate';

/** The two databases every repository test runs against. */
export const TEST_DB_KINDS = ['pglite', 'postgres'] as const;
export type TestDbKind = (typeof TEST_DB_KINDS)[number];

/** URL of the real PostgreSQL the tests use (CI sets TEST_DATABASE_URL). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database for one test file; `close()` destroys it (a PostgreSQL schema is dropped). */
export interface TestDb {
  kind: TestDbKind;
  db: Db;
  /** PostgreSQL schema name, for tests that open a second connection. */
  schema?: string;
  close(): Promise<void>;
}

/**
 * Opens an empty database: PGlite in memory, or a fresh schema in the test PostgreSQL database.
 * With `migrate` (default) the schema is brought to the latest migration.
 */
export async function openTestDb(kind: TestDbKind, options: { migrate?: boolean } = {}): Promise<TestDb> {
  let testDb: TestDb;
  if (kind === 'pglite') {
    assertVmModulesUnderJest();
    const db = createDb((options.migrate ?? true) ? { pgliteImage: await migratedPgliteImage() } : {});
    testDb = { kind, db, close: () => db.destroy() };
  } else {
    const schema = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    await withAdminClient((client) => client.query(`create schema ${quoteIdentifier(schema)}`));
    const db = createDb({ databaseUrl: TEST_DATABASE_URL, searchPath: schema, maxConnections: 4 });
    testDb = {
      kind,
      db,
      schema,
      close: async () => {
        await db.destroy();
        await withAdminClient((client) => client.query(`drop schema ${quoteIdentifier(schema)} cascade`));
      },
    };
  }
  if (options.migrate ?? true) await migrateToLatest(testDb.db);
  return testDb;
}

/**
 * An empty database at the latest migration, as a dumped PGlite data directory kept in the temp folder under a
 * hash of the migrations: a new PGlite runs initdb (about 10 s of WebAssembly on the CI machine), loading the
 * image about 2 s. Built by the first test that needs it; written under another name and renamed, so test
 * processes building it at once never read half a file.
 */
async function migratedPgliteImage(): Promise<Blob> {
  // The PGlite release too: its data directory format may change with it.
  const pgliteRelease = readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'));
  const hash = createHash('sha256').update(pgliteRelease);
  const migrationsDir = join(__dirname, 'migrations');
  for (const name of readdirSync(migrationsDir).sort())
    hash.update(name).update(readFileSync(join(migrationsDir, name)));
  hash.update(readFileSync(join(__dirname, 'migrate.ts')));
  const file = join(tmpdir(), `smt-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    const pglite = new PGlite();
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    const image = await pglite.dumpDataDir('none');
    await db.destroy();
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
    renameSync(partial, file);
  }
  pruneStalePgliteImages(file);
  // Touched on each use, so an image another checkout still reads never looks stale to the pruning above.
  try {
    const now = new Date();
    utimesSync(file, now, now);
    return new Blob([readFileSync(file)]);
  } catch (error) {
    // Pruned by another checkout's tests after a day unused, between the check above and here: build it again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return migratedPgliteImage();
    throw error;
  }
}

const STALE_IMAGE_MS = 24 * 60 * 60 * 1000;

/** Each change to the migrations makes a new image of about 40 MB; images unused for a day are removed. */
function pruneStalePgliteImages(current: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!/^smt-pglite-[0-9a-f]{16}\.tar/.test(name)) continue;
    const path = join(tmpdir(), name);
    if (path === current) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_IMAGE_MS) rmSync(path, { force: true });
    } catch {
      // Removed by another test process at the same moment: nothing left to do.
    }
  }
}

async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${(error as Error).message}); start it or set TEST_DATABASE_URL`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * PGlite loads its WebAssembly through dynamic import(), which jest's sandbox allows only with Node's
 * --experimental-vm-modules flag (`npm test` sets it). Say so instead of failing deep inside PGlite.
 */
function assertVmModulesUnderJest(): void {
  const underJest = process.env.JEST_WORKER_ID !== undefined;
  const flagged = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    a.includes('--experimental-vm-modules'),
  );
  if (underJest && !flagged) {
    throw new Error(
      'PGlite under jest needs node --experimental-vm-modules: run `npm test -- <path>` rather than `npx jest`',
    );
  }
}
