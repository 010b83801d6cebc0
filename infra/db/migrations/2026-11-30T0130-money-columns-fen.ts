/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/** Money columns take the storage unit's name: integer fen is `*_fen` (was `*_cents`, the same number). */
const RENAMED: [table: string, from: string, to: string][] = [
  ['customers', 'credit_limit_cents', 'credit_limit_fen'],
  ['quote_revisions', 'total_cents', 'total_fen'],
  ['orders', 'total_cents', 'total_fen'],
  ['contracts', 'deposit_required_cents', 'deposit_required_fen'],
  ['invoices', 'amount_cents', 'amount_fen'],
  ['payments', 'amount_cents', 'amount_fen'],
  ['statements', 'total_cents', 'total_fen'],
  ['penalty_ledger', 'amount_cents', 'amount_fen'],
  ['rma_records', 'amount_cents', 'amount_fen'],
  ['tasks', 'amount_minor', 'amount_fen'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, from, to] of RENAMED)
    await sql`alter table ${sql.table(table)} rename column ${sql.ref(from)} to ${sql.ref(to)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, from, to] of RENAMED)
    await sql`alter table ${sql.table(table)} rename column ${sql.ref(to)} to ${sql.ref(from)}`.execute(db);
}
