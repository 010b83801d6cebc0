/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/**
 * After-sales as a system of record (issue 14): the penalty ledger also holds 50 CNY procedure-violation fines
 * with a manager's waiver; the case keeps the customer's claims apart from what staff confirmed; count
 * differences (goods vs. paperwork vs. quantity) are recorded; the seed's other procedures are records of the case.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table penalty_ledger drop constraint if exists penalty_ledger_days_late_check`.execute(db);
  await db.schema
    .alterTable('penalty_ledger')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('late_report')
        .check(sql`kind in ('late_report','violation')`),
    )
    .execute();
  await db.schema
    .alterTable('penalty_ledger')
    .addColumn('serious', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.alterTable('penalty_ledger').addColumn('task_id', 'uuid').execute();
  await db.schema
    .alterTable('penalty_ledger')
    .addColumn('waived_by', 'uuid', (c) => c.references('users.id'))
    .execute();
  await db.schema.alterTable('penalty_ledger').addColumn('waived_at', 'timestamptz').execute();
  await db.schema.alterTable('penalty_ledger').addColumn('waiver_reason', 'text').execute();
  await sql`alter table penalty_ledger add constraint penalty_ledger_days_late_nonneg check (days_late >= 0)`.execute(
    db,
  );

  await db.schema
    .alterTable('rma_cases')
    .addColumn('order_id', 'uuid', (c) => c.references('orders.id'))
    .execute();
  await db.schema
    .alterTable('rma_cases')
    .addColumn('claimed', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .alterTable('rma_cases')
    .addColumn('dates_confirmed_by', 'uuid', (c) => c.references('users.id'))
    .execute();
  await db.schema.alterTable('rma_cases').addColumn('dates_confirmed_at', 'timestamptz').execute();

  await db.schema
    .createTable('rma_count_differences')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('rma_case_id', 'uuid', (c) => c.notNull().references('rma_cases.id'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('expected', 'integer', (c) => c.notNull())
    .addColumn('actual', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('rma_count_differences_case_idx')
    .on('rma_count_differences')
    .column('rma_case_id')
    .execute();

  await db.schema
    .createTable('rma_records')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('rma_case_id', 'uuid', (c) => c.notNull().references('rma_cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('amount_cents', 'bigint')
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('rma_records_case_idx').on('rma_records').columns(['rma_case_id', 'kind']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rma_records').execute();
  await db.schema.dropTable('rma_count_differences').execute();
  for (const column of ['dates_confirmed_at', 'dates_confirmed_by', 'claimed', 'order_id'])
    await db.schema.alterTable('rma_cases').dropColumn(column).execute();
  await sql`alter table penalty_ledger drop constraint penalty_ledger_days_late_nonneg`.execute(db);
  await sql`delete from penalty_ledger where kind = 'violation'`.execute(db);
  for (const column of ['waiver_reason', 'waived_at', 'waived_by', 'task_id', 'serious', 'kind'])
    await db.schema.alterTable('penalty_ledger').dropColumn(column).execute();
  await sql`alter table penalty_ledger add constraint penalty_ledger_days_late_check check (days_late > 0)`.execute(db);
}
