import { sql } from 'kysely';
import type { DbOrTrx } from '../database';
import { json } from '../database';
import type { TaskRow } from '../schema';
import type { Task, TaskStatus } from '../../../domain/tasks/task';
import type { Role } from '../../../domain/tasks/roles';
import { currentTaskKind } from '../../../domain/tasks/kind-names';
import { withFenNames } from '../../../domain/shared/money-names';

/** What a workflow step supplies to open its task. */
export interface OpenTaskInput {
  workflowId: string;
  step: string;
  kind: string;
  title: string;
  role: Role;
  caseType: string;
  caseId: string;
  customerId?: string | null;
  payload?: Record<string, unknown>;
  dueAt?: Date | null;
  remindAt?: Date | null;
  escalateAt?: Date | null;
}

/** Filters of the task list; omitted ones do not filter. */
export interface TaskFilter {
  roles?: readonly string[];
  customerId?: string;
  status?: TaskStatus;
  kind?: string;
  caseType?: string;
  caseId?: string;
  workflowId?: string;
  overdueAt?: Date;
  limit?: number;
  offset?: number;
}

/** Converts a row to the domain type. */
export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    step: row.step,
    kind: row.kind,
    title: row.title,
    role: row.role as Role,
    caseType: row.case_type,
    caseId: row.case_id,
    customerId: row.customer_id,
    status: row.status,
    // Rows stored before the money rename say `outstandingMinor`, `amountMinor`, …: read as `…Fen`.
    payload: withFenNames(row.payload),
    dueAt: row.due_at,
    remindAt: row.remind_at,
    escalateAt: row.escalate_at,
    remindedAt: row.reminded_at,
    escalatedAt: row.escalated_at,
    decision: row.decision,
    data: withFenNames(row.data),
    completedBy: row.completed_by,
    completedAt: row.completed_at,
    createdAt: row.created_at,
  };
}

/**
 * What the inbox sorts and searches by, read from the task's case as it opens: the case reference, the customer's
 * name, and the amount at stake (what is outstanding on a payment, else the order's or the quote's total).
 */
function inboxColumns(input: OpenTaskInput) {
  const caseTable = { quote: 'quotes', order: 'orders', rma: 'rma_cases' }[input.caseType];
  const outstanding = input.payload?.outstandingFen;
  return {
    case_reference: caseTable
      ? sql<string | null>`(select reference from ${sql.table(caseTable)} where id::text = ${input.caseId})`
      : input.caseType === 'customer' && input.customerId
        ? sql<string | null>`(select code from customers where id = ${input.customerId})`
        : null,
    customer_name: input.customerId
      ? sql<string | null>`(select name from customers where id = ${input.customerId})`
      : null,
    amount_fen:
      typeof outstanding === 'number'
        ? outstanding
        : input.caseType === 'order'
          ? sql<number | null>`(select total_fen from orders where id::text = ${input.caseId})`
          : input.caseType === 'quote'
            ? sql<number | null>`(select qr.total_fen from quotes q
                join quote_revisions qr on qr.quote_id = q.id and qr.revision = q.current_revision
                where q.id::text = ${input.caseId})`
            : null,
  };
}

/**
 * Opens the task of (workflowId, step), or returns the one already there: an activity retried after a crash
 * must not open a second task.
 */
export async function openTask(db: DbOrTrx, given: OpenTaskInput): Promise<{ task: Task; created: boolean }> {
  // An openTask scheduled before the money rename and retried after it still sends `…Minor` in its payload.
  const input = { ...given, payload: withFenNames(given.payload) };
  const inserted = await db
    .insertInto('tasks')
    .values({
      workflow_id: input.workflowId,
      step: input.step,
      // An openTask scheduled before the kind rename and retried after it still sends the old name.
      kind: currentTaskKind(input.kind),
      title: input.title,
      role: input.role,
      case_type: input.caseType,
      case_id: input.caseId,
      customer_id: input.customerId ?? null,
      payload: json(input.payload ?? {}),
      due_at: input.dueAt ?? null,
      remind_at: input.remindAt ?? null,
      escalate_at: input.escalateAt ?? null,
      ...inboxColumns(input),
    })
    .onConflict((oc) => oc.columns(['workflow_id', 'step']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { task: toTask(inserted), created: true };
  const existing = await findTaskByStep(db, input.workflowId, input.step);
  if (!existing) throw new Error(`task ${input.workflowId}/${input.step} vanished while opening`);
  return { task: existing, created: false };
}

export async function getTask(db: DbOrTrx, id: string): Promise<Task | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTask(row);
}

export async function findTaskByStep(db: DbOrTrx, workflowId: string, step: string): Promise<Task | undefined> {
  const row = await db
    .selectFrom('tasks')
    .selectAll()
    .where('workflow_id', '=', workflowId)
    .where('step', '=', step)
    .executeTakeFirst();
  return row && toTask(row);
}

/** Tasks matching `filter`, oldest due first. */
export async function listTasks(db: DbOrTrx, filter: TaskFilter = {}): Promise<Task[]> {
  let q = db.selectFrom('tasks').selectAll();
  if (filter.roles) q = filter.roles.length ? q.where('role', 'in', [...filter.roles]) : q.where(sql<boolean>`false`);
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.kind) q = q.where('kind', '=', currentTaskKind(filter.kind));
  if (filter.caseType) q = q.where('case_type', '=', filter.caseType);
  if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
  if (filter.workflowId) q = q.where('workflow_id', '=', filter.workflowId);
  if (filter.overdueAt) q = q.where('status', '=', 'open').where('due_at', '<', filter.overdueAt);
  const rows = await q
    .orderBy(sql`due_at asc nulls last`)
    .orderBy('created_at', 'asc')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map(toTask);
}

/**
 * Marks an open task completed; returns undefined when it was not open any more, so a second completion
 * (or a race between two people) is told apart from the first.
 */
export async function completeTask(
  db: DbOrTrx,
  id: string,
  completion: { decision: string; data: Record<string, unknown>; completedBy: string; completedAt?: Date },
): Promise<Task | undefined> {
  const row = await db
    .updateTable('tasks')
    .set({
      status: 'completed',
      decision: completion.decision,
      data: json(completion.data),
      completed_by: completion.completedBy,
      completed_at: completion.completedAt ?? new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  return row && toTask(row);
}

/**
 * Closes the task of (workflowId, step) from the workflow side; idempotent. A task already closed keeps its
 * status (a person's completion is never overwritten by a cancel).
 */
export async function closeTaskByStep(
  db: DbOrTrx,
  workflowId: string,
  step: string,
  status: 'completed' | 'cancelled',
): Promise<Task | undefined> {
  await db
    .updateTable('tasks')
    .set({ status, completed_at: sql`coalesce(completed_at, now())` })
    .where('workflow_id', '=', workflowId)
    .where('step', '=', step)
    .where('status', '=', 'open')
    .execute();
  return findTaskByStep(db, workflowId, step);
}

/** Cancels every open task of a case (a workflow and its children); returns how many were open. */
export async function cancelOpenCaseTasks(db: DbOrTrx, caseType: string, caseId: string): Promise<number> {
  const rows = await db
    .updateTable('tasks')
    .set({ status: 'cancelled', completed_at: new Date() })
    .where('case_type', '=', caseType)
    .where('case_id', '=', caseId)
    .where('status', '=', 'open')
    .returning('id')
    .execute();
  return rows.length;
}

/** Records that the reminder went out; returns true only the first time. */
export async function markReminded(db: DbOrTrx, workflowId: string, step: string): Promise<boolean> {
  const r = await db
    .updateTable('tasks')
    .set({ reminded_at: new Date() })
    .where('workflow_id', '=', workflowId)
    .where('step', '=', step)
    .where('reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Records that the escalation went out; returns true only the first time. */
export async function markEscalated(db: DbOrTrx, workflowId: string, step: string): Promise<boolean> {
  const r = await db
    .updateTable('tasks')
    .set({ escalated_at: new Date() })
    .where('workflow_id', '=', workflowId)
    .where('step', '=', step)
    .where('escalated_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid uuid (lookups by a malformed id answer "not found", not a database error). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** How the inbox sorts; every order ends with the task id so pages never overlap. */
export type InboxSort = 'due' | 'created' | 'customer' | 'amount' | 'reference';

/** The inbox's filters: the task list's, plus a search, the assignee, and an order. */
export interface InboxFilter extends TaskFilter {
  /** Words found in the title, the case reference or the customer's name (case-insensitive). */
  search?: string;
  /** A user id, or 'none' for unclaimed tasks. */
  assignee?: string;
  sort?: InboxSort;
  dir?: 'asc' | 'desc';
  /** Only tasks not overdue at this time (no due time, or due at or after it). */
  notOverdueAt?: Date;
}

/** A task with what the inbox shows beside it, joined in by the database (no per-row lookups by the client). */
export interface InboxTask extends Task {
  caseReference: string | null;
  customerName: string | null;
  /** The amount at stake in fen: what is outstanding on a payment, else the order's or the quote's total. */
  amountFen: number | null;
  assigneeId: string | null;
  assigneeName: string | null;
  assignedAt: Date | null;
}

const SORT_SQL: Record<InboxSort, string> = {
  due: 't.due_at',
  created: 't.created_at',
  customer: 't.customer_name',
  amount: 't.amount_fen',
  reference: 't.case_reference',
};

/**
 * One page of the inbox and how many tasks match in all, sorted and searched by the database in one statement. The
 * tasks table answers the filter, the search and the order alone (the case reference, customer name and amount are
 * kept on the task, see `inboxColumns`), and the page is chosen by id only: the order's columns come from an index
 * (or a narrow sort), so a page deep in the list does not sort 10,000 whole rows. Only the page's rows are read in
 * full and joined, for the assignee's name and the current amount.
 */
export async function listInbox(db: DbOrTrx, filter: InboxFilter = {}): Promise<{ tasks: InboxTask[]; total: number }> {
  const where = [sql`true`];
  if (filter.roles) where.push(filter.roles.length ? sql`t.role in (${sql.join([...filter.roles])})` : sql`false`);
  if (filter.customerId) where.push(sql`t.customer_id = ${filter.customerId}`);
  if (filter.status) where.push(sql`t.status = ${filter.status}`);
  if (filter.kind) where.push(sql`t.kind = ${currentTaskKind(filter.kind)}`);
  if (filter.caseType) where.push(sql`t.case_type = ${filter.caseType}`);
  if (filter.caseId) where.push(sql`t.case_id = ${filter.caseId}`);
  if (filter.workflowId) where.push(sql`t.workflow_id = ${filter.workflowId}`);
  if (filter.overdueAt) where.push(sql`t.status = 'open' and t.due_at < ${filter.overdueAt}`);
  if (filter.notOverdueAt) where.push(sql`(t.due_at is null or t.due_at >= ${filter.notOverdueAt})`);
  if (filter.assignee === 'none') where.push(sql`t.assignee_id is null`);
  else if (filter.assignee) where.push(sql`t.assignee_id = ${filter.assignee}`);
  if (filter.search?.trim()) {
    const like = `%${filter.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // One `like` over the three lower-cased (`search_text`, kept by the database), not three `ilike`s per row.
    where.push(sql`t.search_text like lower(${like})`);
  }
  const dir = filter.dir === 'desc' ? sql`desc` : sql`asc`;
  const order = sql`order by ${sql.raw(SORT_SQL[filter.sort ?? 'due'])} ${dir} nulls last, t.created_at asc, t.id asc`;
  const matching = sql`tasks t where ${sql.join(where, sql` and `)}`;
  const page = sql`limit ${filter.limit ?? 50} offset ${filter.offset ?? 0}`;
  // How many match in all, in the same statement. Counting the tasks table apart reads an index (the page itself
  // often reads only its first rows); a search reads every row anyway, so it counts in that one pass
  // (`count(*) over ()` counts before the limit) rather than reading them all twice.
  const searching = !!filter.search?.trim();
  const ids = searching
    ? sql`select t.id, count(*) over () as inbox_total from ${matching} ${order} ${page}`
    : sql`select t.id, (select count(*) from ${matching}) as inbox_total from ${matching} ${order} ${page}`;
  const rows = await sql<
    TaskRow & { inbox_total: string | number; amount_now: string | number | null; assignee_name: string | null }
  >`
    select p.inbox_total, t.*,
      coalesce((t.payload->>'outstandingFen')::bigint, (t.payload->>'outstandingMinor')::bigint, o.total_fen, qr.total_fen, t.amount_fen) as amount_now,
      u.display_name as assignee_name
    from (${ids}) p
    join tasks t on t.id = p.id
    left join quotes q on t.case_type = 'quote' and q.id::text = t.case_id
    left join quote_revisions qr on qr.quote_id = q.id and qr.revision = q.current_revision
    left join orders o on t.case_type = 'order' and o.id::text = t.case_id
    left join users u on u.id = t.assignee_id
    ${order}`.execute(db);
  // An empty first page means none match; a page past the end has no row to carry the count, so it counts apart.
  const total = rows.rows.length
    ? Number(rows.rows[0].inbox_total)
    : !filter.offset
      ? 0
      : Number((await sql<{ n: string | number }>`select count(*) as n from ${matching}`.execute(db)).rows[0]?.n ?? 0);
  return {
    total,
    tasks: rows.rows.map((row) => ({
      ...toTask(row),
      caseReference: row.case_reference,
      customerName: row.customer_name,
      amountFen: row.amount_now === null ? null : Number(row.amount_now),
      assigneeId: row.assignee_id,
      assigneeName: row.assignee_name,
      assignedAt: row.assigned_at ? new Date(row.assigned_at) : null,
    })),
  };
}

/**
 * Gives an open task to a person (or back to the role with null); returns undefined when the task is not open.
 * `onlyIf` makes a claim safe against a race: the task is taken only while nobody (or that person) holds it.
 */
export async function assignTask(
  db: DbOrTrx,
  id: string,
  assigneeId: string | null,
  onlyIfUnclaimedOr?: string,
): Promise<boolean> {
  let q = db
    .updateTable('tasks')
    .set({ assignee_id: assigneeId, assigned_at: assigneeId ? new Date() : null })
    .where('id', '=', id)
    .where('status', '=', 'open');
  if (onlyIfUnclaimedOr)
    q = q.where((eb) => eb.or([eb('assignee_id', 'is', null), eb('assignee_id', '=', onlyIfUnclaimedOr)]));
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
