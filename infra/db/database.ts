import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { PGlite } from '@electric-sql/pglite';
import { Pool, types as pgTypes } from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './schema';

/** The database handle every repository takes. */
export type Db = Kysely<Database>;
/** A repository accepts the database or an open transaction. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Where the data lives: PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir` (in memory without one). */
export interface DbOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL only: the schema to work in (tests use a fresh one each run). */
  searchPath?: string;
  /** PostgreSQL only: pool size. */
  maxConnections?: number;
  /** PGlite only: start from this dumped data directory instead of an empty one (tests: skips initdb). */
  pgliteImage?: Blob;
}

const INT8_OID = 20;
const DATE_OID = 1082;

// Both drivers read bigint money columns as numbers (safe below 2^53 minor units) and dates as 'YYYY-MM-DD'
// strings, so a row looks the same whichever database produced it.
const parseInt8 = (value: string) => Number(value);
const keepDateText = (value: string) => value;

/** Opens the configured database; close it with `db.destroy()`. */
export function createDb(options: DbOptions): Db {
  if (options.databaseUrl) {
    const pool = new Pool({
      connectionString: options.databaseUrl,
      max: options.maxConnections ?? 10,
      options: options.searchPath ? `-c search_path=${quoteIdentifier(options.searchPath)}` : undefined,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8_OID) return parseInt8;
          if (oid === DATE_OID) return keepDateText;
          return pgTypes.getTypeParser(oid, format);
        }) as typeof pgTypes.getTypeParser,
      },
    });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = join(options.dataDir, 'pglite');
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = new PGlite({
    dataDir,
    loadDataDir: options.pgliteImage,
    parsers: { [INT8_OID]: parseInt8, [DATE_OID]: keepDateText },
  });
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** JSON text for a jsonb column (both drivers then agree on how the value is sent). */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
