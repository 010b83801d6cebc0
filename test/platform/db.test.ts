import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { TEST_DB_KINDS, openTestDb, type TestDb } from '../../infra/db/testing';
import { MIGRATION_NAMES, migrateDown, migrateToEmpty, migrateToLatest } from '../../infra/db/migrate';
import { isUniqueViolation } from '../../infra/db/errors';
import {
  auditRepo,
  customersRepo,
  ordersRepo,
  outboxRepo,
  productionRepo,
  quotesRepo,
  rmaRepo,
  tasksRepo,
  usersRepo,
} from '../../infra/db';
import { seedDemo, DEMO_CUSTOMER } from '../../infra/db/seed';
import { verifyPassword } from '../../infra/auth/passwords';
import { ROLES } from '../../domain/tasks/roles';

describe.each(TEST_DB_KINDS)('database on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(kind, { migrate: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('migrations apply, revert one by one, and re-apply', async () => {
    expect(await migrateToLatest(t.db)).toEqual(MIGRATION_NAMES.map((n) => `applied ${n}`));
    expect(await migrateToLatest(t.db)).toEqual([]);
    const responsibleCheck = async () =>
      (
        await sql<{
          def: string;
        }>`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'rma_responsibility_decisions_responsible_check' and connamespace = current_schema()::regnamespace`.execute(
          t.db,
        )
      ).rows[0]?.def;
    const contractCheck = async () =>
      (
        await sql<{
          def: string;
        }>`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'contracts_status_check' and connamespace = current_schema()::regnamespace`.execute(
          t.db,
        )
      ).rows[0]?.def;
    expect(await responsibleCheck()).toMatch(/shared/);
    expect(await contractCheck()).toMatch(/declined/);
    const sessionColumns = async () =>
      (
        await sql<{
          column_name: string;
        }>`select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'sessions'`.execute(
          t.db,
        )
      ).rows.map((r) => r.column_name);
    expect(await sessionColumns()).toContain('revoked_reason');
    // One by one, newest first, down to (and including) the domain tables; each step undoes exactly its own change.
    const reverted: string[] = [];
    while (!reverted.includes('reverted 2026-11-24T2010-domain')) {
      const step = await migrateDown(t.db);
      expect(step).toEqual([`reverted ${MIGRATION_NAMES[MIGRATION_NAMES.length - 1 - reverted.length]}`]);
      reverted.push(...step);
      if (step[0] === 'reverted 2026-11-29T1950-typed-statuses') expect(await contractCheck()).toMatch(/draft/);
      if (step[0] === 'reverted 2026-11-29T2040-api-token-lifetime')
        expect(await sessionColumns()).not.toContain('revoked_reason');
      if (step[0] === 'reverted 2026-11-24T2200-rma-shared-responsibility')
        expect(await responsibleCheck()).not.toMatch(/shared/);
    }
    await expect(sql`select 1 from rma_cases`.execute(t.db)).rejects.toThrow(/rma_cases/);
    await migrateToEmpty(t.db);
    await expect(sql`select 1 from tasks`.execute(t.db)).rejects.toThrow(/tasks/);
    await migrateToLatest(t.db);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() order by 1`.execute(t.db);
    const names = tables.rows.map((r) => r.table_name);
    for (const table of [
      'customers',
      'users',
      'sessions',
      'quotes',
      'quote_files',
      'orders',
      'contracts',
      'lots',
      'inspections',
      'rework_records',
      'payments',
      'shipments',
      'rma_cases',
      'penalty_ledger',
      'tasks',
      'outbox',
      'audit_log',
    ]) {
      expect(names).toContain(table);
    }
  });

  test('demo seed creates one user per role plus the buyer, once', async () => {
    const created = await seedDemo(t.db);
    expect(created).toHaveLength(ROLES.length + 1);
    expect(created).toContain('buyer@demo.local');
    expect(await seedDemo(t.db)).toEqual([]);
    const engineer = await usersRepo.findUserForLogin(t.db, 'Engineer@Demo.Local');
    expect(engineer?.role).toBe('engineer');
    expect(await verifyPassword(engineer!.passwordHash, 'demo')).toBe(true);
    expect(await verifyPassword(engineer!.passwordHash, 'wrong')).toBe(false);
    const buyer = await usersRepo.findUserForLogin(t.db, 'buyer@demo.local');
    const demo = await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code);
    expect(buyer?.customerId).toBe(demo?.id);
    expect(engineer?.customerId).toBeNull();
  });

  test('a customer user must belong to a customer and staff must not', async () => {
    await expect(
      usersRepo.createUser(t.db, { email: 'x@y.z', displayName: 'x', passwordHash: 'h', role: 'customer' }),
    ).rejects.toThrow(/users_customer_link/);
  });

  test('opening a task twice for the same step returns the first task', async () => {
    const input = {
      workflowId: 'quote:Q-1',
      step: 'engineering-review',
      kind: 'approval',
      title: 'Review Q-1',
      role: 'engineer' as const,
      caseType: 'quote',
      caseId: 'Q-1',
      dueAt: new Date('2030-01-01T00:00:00Z'),
      payload: { reason: 'dfm' },
    };
    const first = await tasksRepo.openTask(t.db, input);
    const second = await tasksRepo.openTask(t.db, { ...input, title: 'changed' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.task.id).toBe(first.task.id);
    expect(second.task.title).toBe('Review Q-1');
    expect(second.task.payload).toEqual({ reason: 'dfm' });
    expect(second.task.dueAt?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  test('a task completes exactly once and keeps its completion when the workflow closes it', async () => {
    const users = await usersRepo.listActiveUsersByRole(t.db, ['engineer']);
    const { task } = await tasksRepo.openTask(t.db, {
      workflowId: 'quote:Q-2',
      step: 'review',
      kind: 'approval',
      title: 'Review',
      role: 'engineer',
      caseType: 'quote',
      caseId: 'Q-2',
    });
    const done = await tasksRepo.completeTask(t.db, task.id, {
      decision: 'approve',
      data: { comment: 'ok' },
      completedBy: users[0].id,
    });
    expect(done?.status).toBe('completed');
    expect(done?.data).toEqual({ comment: 'ok' });
    expect(
      await tasksRepo.completeTask(t.db, task.id, { decision: 'reject', data: {}, completedBy: users[0].id }),
    ).toBeUndefined();
    const closed = await tasksRepo.closeTaskByStep(t.db, 'quote:Q-2', 'review', 'cancelled');
    expect(closed?.status).toBe('completed');
    expect(closed?.decision).toBe('approve');
  });

  test('task list filters by role, case, status and overdue', async () => {
    await tasksRepo.openTask(t.db, {
      workflowId: 'rma:R-1',
      step: 'confirm',
      kind: 'approval',
      title: 'Confirm',
      role: 'qa',
      caseType: 'rma',
      caseId: 'R-1',
      dueAt: new Date(Date.now() - 60_000),
    });
    expect((await tasksRepo.listTasks(t.db, { roles: ['qa'] })).map((x) => x.caseId)).toEqual(['R-1']);
    expect(await tasksRepo.listTasks(t.db, { roles: [] })).toEqual([]);
    expect((await tasksRepo.listTasks(t.db, { overdueAt: new Date() })).map((x) => x.caseId)).toEqual(['R-1']);
    expect((await tasksRepo.listTasks(t.db, { caseType: 'quote', status: 'open' })).map((x) => x.caseId)).toEqual([
      'Q-1',
    ]);
    expect(await tasksRepo.getTask(t.db, 'not-a-uuid')).toBeUndefined();
    expect(await tasksRepo.markReminded(t.db, 'rma:R-1', 'confirm')).toBe(true);
    expect(await tasksRepo.markReminded(t.db, 'rma:R-1', 'confirm')).toBe(false);
  });

  test('outbox keeps one email per idempotency key and never drops a failed one', async () => {
    const mail = { idempotencyKey: 'wf:1:remind', to: 'a@b.c', subject: 'Hi', text: 'body' };
    expect(await outboxRepo.enqueueMail(t.db, mail)).toBe(true);
    expect(await outboxRepo.enqueueMail(t.db, mail)).toBe(false);
    const [due] = await outboxRepo.listDueMail(t.db, new Date(), 10);
    const later = new Date(Date.now() + 60_000);
    await outboxRepo.markMailFailed(t.db, due.id, 'ECONNREFUSED', later);
    expect(await outboxRepo.listDueMail(t.db, new Date(), 10)).toEqual([]);
    const [retry] = await outboxRepo.listDueMail(t.db, new Date(later.getTime() + 1), 10);
    expect(retry).toMatchObject({ attempts: 1, last_error: 'ECONNREFUSED', status: 'pending' });
    await outboxRepo.markMailSent(t.db, retry.id);
    expect(await outboxRepo.getMailByKey(t.db, 'wf:1:remind')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('audit log records before and after in order', async () => {
    await auditRepo.recordAudit(t.db, {
      actorId: null,
      actorRole: 'system',
      action: 'status',
      entityType: 'quote',
      entityId: 'Q-9',
      before: { s: 'a' },
      after: { s: 'b' },
    });
    await auditRepo.recordAudit(t.db, {
      actorId: null,
      actorRole: 'system',
      action: 'status',
      entityType: 'quote',
      entityId: 'Q-9',
      before: { s: 'b' },
      after: { s: 'c' },
    });
    const trail = await auditRepo.listAudit(t.db, 'quote', 'Q-9');
    expect(trail.map((e) => [e.before, e.after])).toEqual([
      [{ s: 'a' }, { s: 'b' }],
      [{ s: 'b' }, { s: 'c' }],
    ]);
  });

  test('domain repositories: quote → order → production → payment → rma round-trip with native types', async () => {
    const customer = await customersRepo.createCustomer(t.db, {
      code: 'ACME',
      name: 'Acme',
      currency: 'CNY',
      credit_limit_fen: 9_000_000_000,
    });
    expect(customer.credit_limit_fen).toBe(9_000_000_000);
    const duplicate = await customersRepo
      .createCustomer(t.db, { code: 'ACME', name: 'Again', currency: 'CNY' })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(duplicate)).toBe(true);
    const quote = await quotesRepo.createQuote(t.db, {
      reference: 'Q-100',
      customer_id: customer.id,
      status: 'draft',
      quantity: 50,
      currency: 'CNY',
      options: JSON.stringify({ layers: 2 }),
    });
    expect(quote.options).toEqual({ layers: 2 });
    await quotesRepo.addQuoteRevision(t.db, { quote_id: quote.id, revision: 2, quantity: 100, total_fen: 12345 });
    expect((await quotesRepo.getQuote(t.db, quote.id))?.current_revision).toBe(2);
    const file = {
      quote_id: quote.id,
      revision: 2,
      kind: 'bom' as const,
      filename: 'bom.csv',
      content_hash: 'a'.repeat(64),
      size_bytes: 10,
      storage_path: 'x',
    };
    const f1 = await quotesRepo.addQuoteFile(t.db, file);
    const f2 = await quotesRepo.addQuoteFile(t.db, { ...file, filename: 'bom-again.csv' });
    expect(f2.id).toBe(f1.id);
    const order = await ordersRepo.createOrder(t.db, {
      reference: 'O-100',
      quote_id: quote.id,
      customer_id: customer.id,
      status: 'contract',
      quantity: 100,
      total_fen: 12345,
      currency: 'CNY',
    });
    // One vocabulary per status, enforced by the database (a raw write with a word outside it is refused).
    await expect(
      t.db
        .updateTable('orders')
        .set({ status: 'started' as never })
        .where('id', '=', order.id)
        .execute(),
    ).rejects.toThrow(/orders_status_check/);
    const contract = await ordersRepo.createContract(t.db, { order_id: order.id });
    expect(contract.status).toBe('issued');
    await expect(ordersRepo.updateContract(t.db, contract.id, { status: 'draft' as never })).rejects.toThrow(
      /contracts_status_check/,
    );
    await ordersRepo.updateContract(t.db, contract.id, { status: 'declined' });
    await expect(ordersRepo.createShipment(t.db, { order_id: order.id, status: 'lost' as never })).rejects.toThrow(
      /shipments_status_check/,
    );
    const po = await productionRepo.createProductionOrder(t.db, {
      order_id: order.id,
      status: 'kitting',
      quantity: 100,
    });
    expect(
      (await productionRepo.createProductionOrder(t.db, { order_id: order.id, status: 'other', quantity: 1 })).id,
    ).toBe(po.id);
    const lot = await productionRepo.createLot(t.db, {
      production_order_id: po.id,
      lot_number: 'L-1',
      quantity: 100,
      status: 'built',
    });
    const insp = await productionRepo.recordInspection(
      t.db,
      { lot_id: lot.id, kind: 'aoi', round: 1, inspected_count: 100, passed_count: 98, failed_count: 2 },
      [
        { defect_code: 'bridge', designator: 'U1' },
        { defect_code: 'tombstone', designator: 'C3' },
      ],
    );
    expect(insp.defects).toHaveLength(2);
    const again = await productionRepo.recordInspection(
      t.db,
      { lot_id: lot.id, kind: 'aoi', round: 1, inspected_count: 100, passed_count: 98, failed_count: 2 },
      [{ defect_code: 'x' }],
    );
    expect(again).toMatchObject({ created: false });
    expect(again.defects).toHaveLength(2);
    await expect(
      productionRepo.recordInspection(t.db, {
        lot_id: lot.id,
        kind: 'xray',
        round: 1,
        inspected_count: 10,
        passed_count: 9,
        failed_count: 2,
      }),
    ).rejects.toThrow(/inspections_counts/);
    const invoice = await ordersRepo.createInvoice(t.db, {
      number: 'INV-1',
      customer_id: customer.id,
      order_id: order.id,
      kind: 'balance',
      amount_fen: 12345,
      currency: 'CNY',
      due_on: '2030-02-28',
    });
    expect(invoice.due_on).toBe('2030-02-28');
    const p1 = await ordersRepo.recordPayment(t.db, {
      invoice_id: invoice.id,
      amount_fen: 12000,
      currency: 'CNY',
      received_on: '2030-02-01',
      idempotency_key: 'pay-1',
    });
    expect(p1.invoice.status).toBe('open');
    const p1again = await ordersRepo.recordPayment(t.db, {
      invoice_id: invoice.id,
      amount_fen: 12000,
      currency: 'CNY',
      received_on: '2030-02-01',
      idempotency_key: 'pay-1',
    });
    expect(p1again).toMatchObject({ created: false, invoice: { status: 'open' } });
    const p2 = await ordersRepo.recordPayment(t.db, {
      invoice_id: invoice.id,
      amount_fen: 345,
      currency: 'CNY',
      received_on: '2030-02-02',
      idempotency_key: 'pay-2',
    });
    expect(p2.invoice.status).toBe('paid');
    const rma = await rmaRepo.createRmaCase(t.db, {
      reference: 'R-100',
      customer_id: customer.id,
      status: 'registered',
      complaint: 'dead on arrival',
      quantity: 3,
      sale_date: '2030-01-15',
    });
    expect(rma.sale_date).toBe('2030-01-15');
    expect(
      await rmaRepo.addPenalty(t.db, {
        rma_case_id: rma.id,
        responsible_party: 'qa',
        days_late: 1,
        amount_fen: 5000,
        currency: 'CNY',
        reason: 'late report',
        idempotency_key: 'rma:R-100:penalty:1',
      }),
    ).toBe(true);
    expect(
      await rmaRepo.addPenalty(t.db, {
        rma_case_id: rma.id,
        responsible_party: 'qa',
        days_late: 1,
        amount_fen: 5000,
        currency: 'CNY',
        reason: 'late report',
        idempotency_key: 'rma:R-100:penalty:1',
      }),
    ).toBe(false);
    expect(await rmaRepo.listPenalties(t.db, { rmaCaseId: rma.id })).toHaveLength(1);
    expect((await rmaRepo.listRmaCases(t.db, { customerId: customer.id })).map((c) => c.reference)).toEqual(['R-100']);
  });
});

describe('migrations on a shared PostgreSQL database', () => {
  test("another schema's migration tables are not taken for this schema's", async () => {
    const other = await openTestDb('postgres', { migrate: false });
    const mine = await openTestDb('postgres', { migrate: false });
    try {
      // Another application (or a test run) migrated its own schema first, with tables of the same names.
      await sql`create table kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(
        other.db,
      );
      await sql`create table kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`.execute(
        other.db,
      );
      expect(await migrateToLatest(mine.db)).toEqual(MIGRATION_NAMES.map((n) => `applied ${n}`));
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(mine.db);
      expect(rows[0].n).toBe(MIGRATION_NAMES.length);
    } finally {
      await mine.close();
      await other.close();
    }
  });
});

test('opening a PGlite test database removes migrated images unused for a day and keeps the rest', async () => {
  const stale = join(tmpdir(), 'smt-pglite-00000000000000af.tar');
  const recent = join(tmpdir(), 'smt-pglite-000000000000fe5e.tar');
  writeFileSync(stale, 'an image of migrations that no checkout has now');
  writeFileSync(recent, 'an image another checkout used an hour ago');
  const dayAndAnHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
  utimesSync(stale, dayAndAnHourAgo, dayAndAnHourAgo);
  const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
  utimesSync(recent, anHourAgo, anHourAgo);
  const t = await openTestDb('pglite');
  try {
    expect([existsSync(stale), existsSync(recent)]).toEqual([false, true]);
    expect((await t.db.selectFrom('users').select('id').execute()).length).toBe(0);
  } finally {
    await t.close();
    rmSync(recent, { force: true });
  }
});
