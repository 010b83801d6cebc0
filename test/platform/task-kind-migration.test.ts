import { sql } from 'kysely';
import { TEST_DB_KINDS, openTestDb, type TestDb } from '../../infra/db/testing';
import { migrateDown, migrateToLatest } from '../../infra/db/migrate';
import { currentTaskKind, RENAMED_TASK_KINDS } from '../../domain/tasks/kind-names';
import { tasksRepo } from '../../infra/db';
import { PLATFORM_TASK_KINDS, TaskKindRegistry } from '../../domain/tasks/kinds';
import { ORDER_TASK_KINDS } from '../../domain/order/task-kinds';

const MIGRATION = '2026-11-30T0120-task-kind-names';

describe.each(TEST_DB_KINDS)('task kind rename on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Reverts migrations down to (and including) the rename, so rows can be written as before the deploy. */
  async function beforeRename(): Promise<void> {
    for (;;) {
      const [step] = await migrateDown(t.db);
      if (step === `reverted ${MIGRATION}`) return;
      if (!step) throw new Error(`${MIGRATION} was never applied`);
    }
  }

  async function insertTask(workflowId: string, taskKind: string): Promise<string> {
    const { rows } = await sql<{ id: string }>`
      insert into tasks (workflow_id, step, kind, title, role, case_type, case_id)
      values (${workflowId}, 'step', ${taskKind}, 'a task', 'engineer', 'quote', 'Q-1') returning id`.execute(t.db);
    return rows[0].id;
  }

  const kindOf = async (id: string) =>
    (await sql<{ kind: string }>`select kind from tasks where id = ${id}`.execute(t.db)).rows[0].kind;

  test('an old kind stored before the deploy reads as its new name after it, and back on revert', async () => {
    await beforeRename();
    const old = Object.entries(RENAMED_TASK_KINDS);
    const ids = await Promise.all(old.map(([name], i) => insertTask(`wf-old-${kind}-${i}`, name)));
    const untouched = await insertTask(`wf-rma-${kind}`, 'rma.site-visit');
    await sql`insert into audit_log (action, entity_type, entity_id, after)
              values ('task.open', 'task', ${ids[0]}, ${JSON.stringify({ kind: old[0][0], status: 'open' })}::jsonb)`.execute(
      t.db,
    );

    expect(await migrateToLatest(t.db)).toContain(`applied ${MIGRATION}`);
    expect(await Promise.all(ids.map(kindOf))).toEqual(old.map(([, current]) => current));
    expect(await kindOf(untouched)).toBe('rma.site-visit');
    const audit = await sql<{ after: { kind: string; status: string } }>`
      select after from audit_log where entity_id = ${ids[0]}`.execute(t.db);
    expect(audit.rows[0].after).toEqual({ kind: old[0][1], status: 'open' });

    await beforeRename();
    expect(await Promise.all(ids.map(kindOf))).toEqual(old.map(([name]) => name));
    await migrateToLatest(t.db);
  });

  test('a task opened after the deploy by an activity scheduled before it is stored under the new name', async () => {
    const { task } = await tasksRepo.openTask(t.db, {
      workflowId: `wf-late-${kind}`,
      step: 'contract-signature',
      kind: 'order.contract_signature',
      title: 'Sign',
      role: 'customer',
      caseType: 'order',
      caseId: 'O-1',
    });
    expect(task.kind).toBe('order.contract-signature');
    const listed = await tasksRepo.listTasks(t.db, { kind: 'order.contract_signature' });
    expect(listed.map((x) => x.id)).toContain(task.id);
  });

  test('every old name maps to a distinct current name that is not itself renamed', () => {
    const current = Object.values(RENAMED_TASK_KINDS);
    expect(new Set(current).size).toBe(current.length);
    for (const name of current) {
      expect(name).toMatch(/^(quote|order|customer|rma)\.[a-z]+(-[a-z]+)*$/);
      expect(currentTaskKind(name)).toBe(name);
    }
    expect(currentTaskKind('toString')).toBe('toString');
    // A task row written under an old name is still completed against its kind's schema.
    const registry = new TaskKindRegistry([...PLATFORM_TASK_KINDS, ...ORDER_TASK_KINDS]);
    expect(registry.get('order.money_approval')?.kind).toBe('order.money-approval');
  });
});
