import {
  Migrator,
  NO_MIGRATIONS,
  sql,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  type Kysely,
} from 'kysely';
import * as platform from './migrations/2026-11-24T2000-platform';
import * as domain from './migrations/2026-11-24T2010-domain';
import * as rmaSharedResponsibility from './migrations/2026-11-24T2200-rma-shared-responsibility';
import * as rmaDepartment from './migrations/2026-11-29T1900-rma-department';
import * as typedStatuses from './migrations/2026-11-29T1950-typed-statuses';
import * as taskAssignee from './migrations/2026-11-29T2030-task-assignee';
import * as apiTokenLifetime from './migrations/2026-11-29T2040-api-token-lifetime';
import * as taskInboxColumns from './migrations/2026-11-30T0100-task-inbox-columns';
import * as taskKindNames from './migrations/2026-11-30T0120-task-kind-names';
import * as moneyColumnsFen from './migrations/2026-11-30T0130-money-columns-fen';
import * as orderOpeningStage from './migrations/2026-11-30T0240-order-opening-stage';
import * as taskInboxSearch from './migrations/2026-11-30T0420-task-inbox-search';

// A static list (not a folder scan) so migrations load the same under tsx, jest and a bundler.
// Append new migrations here; never edit one that has landed.
const migrations: Record<string, Migration> = {
  '2026-11-24T2000-platform': platform,
  '2026-11-24T2010-domain': domain,
  '2026-11-24T2200-rma-shared-responsibility': rmaSharedResponsibility,
  '2026-11-29T1900-rma-department': rmaDepartment,
  '2026-11-29T1950-typed-statuses': typedStatuses,
  '2026-11-29T2030-task-assignee': taskAssignee,
  '2026-11-29T2040-api-token-lifetime': apiTokenLifetime,
  '2026-11-30T0100-task-inbox-columns': taskInboxColumns,
  '2026-11-30T0120-task-kind-names': taskKindNames,
  '2026-11-30T0130-money-columns-fen': moneyColumnsFen,
  '2026-11-30T0240-order-opening-stage': orderOpeningStage,
  '2026-11-30T0420-task-inbox-search': taskInboxSearch,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Names of every migration the code knows, oldest first. */
export const MIGRATION_NAMES = Object.keys(migrations).sort();

/**
 * The migrator for the connection's current schema. Naming the schema matters: without it kysely takes a
 * kysely_migration table in any schema of the database as its own (another test run, another app).
 */
async function migrator<DB>(db: Kysely<DB>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({ db: db as Kysely<unknown>, provider, migrationTableSchema: rows[0].schema });
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: result.error });
  }
  return (result.results ?? []).map((r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`);
}

/**
 * True when every migration the code knows is recorded as applied: one query, where the migrator would take its
 * lock and read its tables. False when the table is missing (a fresh database) or anything is pending.
 */
async function upToDate<DB>(db: Kysely<DB>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return MIGRATION_NAMES.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/** Applies every pending migration; returns what was applied (empty when up to date). */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  if (await upToDate(db)) return [];
  return unwrap(await (await migrator(db)).migrateToLatest());
}

/** Reverts the most recent migration. */
export async function migrateDown<DB>(db: Kysely<DB>): Promise<string[]> {
  return unwrap(await (await migrator(db)).migrateDown());
}

/** Reverts every migration (tests of the down path). */
export async function migrateToEmpty<DB>(db: Kysely<DB>): Promise<string[]> {
  return unwrap(await (await migrator(db)).migrateTo(NO_MIGRATIONS));
}
