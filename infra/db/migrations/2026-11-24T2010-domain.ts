/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { CreateTableBuilder, Kysely, sql } from 'kysely';

// Every domain table the processes need: customer onboarding, quotes, orders/contracts, production, QC and
// rework, payments, shipments, return-to-repair. Later work fills these tables rather than reshaping them.

function withId<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  return table.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`));
}

function createdAt<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`));
}

function updatedAt<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`));
}

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db.schema.createTable('customer_contacts'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('position', 'text')
    .addColumn('is_primary', 'boolean', (c) => c.notNull().defaultTo(false))
    .$call(createdAt)
    .execute();
  await db.schema.createIndex('customer_contacts_customer_idx').on('customer_contacts').column('customer_id').execute();

  await withId(db.schema.createTable('factory_audits'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id'))
    .addColumn('workflow_id', 'text')
    .addColumn('scheduled_on', 'date')
    .addColumn('visited_on', 'date')
    .addColumn('result', 'text', (c) => c.check(sql`result in ('pass','conditional','fail')`))
    .addColumn('auditor_names', 'text')
    .addColumn('notes', 'text')
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('corrective_actions'))
    .addColumn('audit_id', 'uuid', (c) => c.notNull().references('factory_audits.id').onDelete('cascade'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open','done','overdue')`),
    )
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('quotes'))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id'))
    .addColumn('workflow_id', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .$call(updatedAt)
    .execute();
  await db.schema.createIndex('quotes_customer_idx').on('quotes').column('customer_id').execute();

  await withId(db.schema.createTable('quote_revisions'))
    .addColumn('quote_id', 'uuid', (c) => c.notNull().references('quotes.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('price_breakdown', 'jsonb')
    .addColumn('total_cents', 'bigint')
    .addColumn('auto_quote_allowed', 'boolean')
    .addColumn('note', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .addUniqueConstraint('quote_revisions_unique', ['quote_id', 'revision'])
    .execute();

  await withId(db.schema.createTable('quote_files'))
    .addColumn('quote_id', 'uuid', (c) => c.notNull().references('quotes.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('gerber','bom','cpl','other')`))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'char(64)', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .$call(createdAt)
    .addUniqueConstraint('quote_files_unique', ['quote_id', 'revision', 'kind', 'content_hash'])
    .execute();

  await withId(db.schema.createTable('quote_analyses'))
    .addColumn('quote_id', 'uuid', (c) => c.notNull().references('quotes.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('dfm_errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dfm_warnings', 'integer', (c) => c.notNull().defaultTo(0))
    .$call(createdAt)
    .addUniqueConstraint('quote_analyses_unique', ['quote_id', 'revision', 'kind'])
    .execute();

  await withId(db.schema.createTable('orders'))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('quote_id', 'uuid', (c) => c.references('quotes.id').unique())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id'))
    .addColumn('workflow_id', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .$call(createdAt)
    .$call(updatedAt)
    .execute();
  await db.schema.createIndex('orders_customer_idx').on('orders').column('customer_id').execute();

  await withId(db.schema.createTable('contracts'))
    .addColumn('order_id', 'uuid', (c) => c.notNull().unique().references('orders.id'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(sql`status in ('draft','signed','approved','rejected')`),
    )
    .addColumn('document_path', 'text')
    .addColumn('signed_by_customer', 'uuid', (c) => c.references('users.id'))
    .addColumn('signed_at', 'timestamptz')
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('deposit_required_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('deposit_paid_at', 'timestamptz')
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('production_orders'))
    .addColumn('order_id', 'uuid', (c) => c.notNull().unique().references('orders.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('produced_quantity', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('line_slot', 'text')
    .addColumn('materials_ready_at', 'timestamptz')
    .addColumn('stencil_ready_at', 'timestamptz')
    .addColumn('program_ready_at', 'timestamptz')
    .addColumn('reflow_profile_ready_at', 'timestamptz')
    .addColumn('samples_approved_at', 'timestamptz')
    .$call(createdAt)
    .$call(updatedAt)
    .execute();

  await withId(db.schema.createTable('lots'))
    .addColumn('production_order_id', 'uuid', (c) => c.notNull().references('production_orders.id'))
    .addColumn('lot_number', 'text', (c) => c.notNull().unique())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('packed_at', 'timestamptz')
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('inspections'))
    .addColumn('lot_id', 'uuid', (c) => c.notNull().references('lots.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('aoi','xray','functional','visual')`))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('inspected_count', 'integer', (c) => c.notNull())
    .addColumn('passed_count', 'integer', (c) => c.notNull())
    .addColumn('failed_count', 'integer', (c) => c.notNull())
    .addColumn('inspected_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .addCheckConstraint('inspections_counts', sql`passed_count + failed_count = inspected_count`)
    .addUniqueConstraint('inspections_round_unique', ['lot_id', 'kind', 'round'])
    .execute();

  await withId(db.schema.createTable('defects'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('unit_serial', 'text')
    .addColumn('designator', 'text')
    .addColumn('defect_code', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('rework_records'))
    .addColumn('lot_id', 'uuid', (c) => c.notNull().references('lots.id'))
    .addColumn('defect_id', 'uuid', (c) => c.references('defects.id'))
    .addColumn('unit_serial', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull().check(sql`attempt >= 1`))
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('pass','fail','scrap')`))
    .addColumn('performed_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('rma_cases'))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id'))
    .addColumn('workflow_id', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('urgent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('complaint', 'text', (c) => c.notNull())
    .addColumn('product_model', 'text')
    .addColumn('part_number', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('sale_date', 'date')
    .addColumn('production_date', 'date')
    .addColumn('outsourced', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('key_product', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .$call(updatedAt)
    .execute();
  await db.schema.createIndex('rma_cases_customer_idx').on('rma_cases').column('customer_id').execute();

  await withId(db.schema.createTable('invoices'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id'))
    .addColumn('order_id', 'uuid', (c) => c.references('orders.id'))
    .addColumn('rma_case_id', 'uuid', (c) => c.references('rma_cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('deposit','balance','repair','statement')`))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents >= 0`))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open','paid','void')`),
    )
    .addColumn('due_on', 'date')
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('paid_at', 'timestamptz')
    .execute();

  await withId(db.schema.createTable('payments'))
    .addColumn('invoice_id', 'uuid', (c) => c.notNull().references('invoices.id'))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('received_on', 'date', (c) => c.notNull())
    .addColumn('confirmed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('statements'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id'))
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('period_end', 'date', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open','settled')`),
    )
    .$call(createdAt)
    .addUniqueConstraint('statements_period_unique', ['customer_id', 'period_start'])
    .execute();

  await withId(db.schema.createTable('shipments'))
    .addColumn('order_id', 'uuid', (c) => c.references('orders.id'))
    .addColumn('rma_case_id', 'uuid', (c) => c.references('rma_cases.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('carrier', 'text')
    .addColumn('tracking_number', 'text')
    .addColumn('released_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('released_at', 'timestamptz')
    .addColumn('picked_up_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .$call(createdAt)
    .addCheckConstraint('shipments_for_something', sql`order_id is not null or rma_case_id is not null`)
    .execute();

  await withId(db.schema.createTable('rma_units'))
    .addColumn('rma_case_id', 'uuid', (c) => c.notNull().references('rma_cases.id').onDelete('cascade'))
    .addColumn('serial', 'text')
    .addColumn('part_number', 'text')
    .addColumn('model', 'text')
    .addColumn('label', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('received_at', 'timestamptz')
    .addColumn('classification', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`classification in ('pending','good','scrap')`),
    )
    .addColumn('warranty', 'text', (c) => c.check(sql`warranty in ('in_warranty','out_of_warranty')`))
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('rma_responsibility_decisions'))
    .addColumn('rma_case_id', 'uuid', (c) => c.notNull().references('rma_cases.id').onDelete('cascade'))
    .addColumn('responsible', 'text', (c) => c.notNull().check(sql`responsible in ('customer','factory')`))
    .addColumn('dispatch_form', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('signed_by_customer', 'text')
    .addColumn('signed_by_factory', 'text')
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await withId(db.schema.createTable('rma_material_requests'))
    .addColumn('rma_case_id', 'uuid', (c) => c.notNull().references('rma_cases.id').onDelete('cascade'))
    .addColumn('material_kind', 'text', (c) => c.notNull())
    .addColumn('repair_quantity', 'integer', (c) => c.notNull().check(sql`repair_quantity > 0`))
    .addColumn('spare_quantity', 'integer', (c) => c.notNull().check(sql`spare_quantity >= 0`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('requested')
        .check(sql`status in ('requested','arrived','cancelled')`),
    )
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('arrived_at', 'timestamptz')
    .execute();

  await withId(db.schema.createTable('rma_repair_records'))
    .addColumn('rma_case_id', 'uuid', (c) => c.notNull().references('rma_cases.id').onDelete('cascade'))
    .addColumn('unit_id', 'uuid', (c) => c.references('rma_units.id'))
    .addColumn('team', 'text', (c) => c.notNull().check(sql`team in ('after_sales','production_line')`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('repaired','scrapped','pending')`))
    .addColumn('performed_by', 'uuid', (c) => c.references('users.id'))
    .$call(createdAt)
    .execute();

  await withId(db.schema.createTable('penalty_ledger'))
    .addColumn('rma_case_id', 'uuid', (c) => c.references('rma_cases.id'))
    .addColumn('responsible_party', 'text', (c) => c.notNull())
    .addColumn('days_late', 'integer', (c) => c.notNull().check(sql`days_late > 0`))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .$call(createdAt)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = [
    'penalty_ledger',
    'rma_repair_records',
    'rma_material_requests',
    'rma_responsibility_decisions',
    'rma_units',
    'shipments',
    'statements',
    'payments',
    'invoices',
    'rma_cases',
    'rework_records',
    'defects',
    'inspections',
    'lots',
    'production_orders',
    'contracts',
    'orders',
    'quote_analyses',
    'quote_files',
    'quote_revisions',
    'quotes',
    'corrective_actions',
    'factory_audits',
    'customer_contacts',
  ];
  for (const table of tables) await db.schema.dropTable(table).execute();
}
