/**
 * Reads and writes of the daily routines (workflows/rma/routines.ts): the open RMA steps, the repair dates PMC
 * promised, the day's activity, the routine mails and the violation fines. Mails and fines are idempotent by key.
 */
import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../../infra/db/database';
import { enqueueMailToRoles } from '../../infra/db/repositories/outbox';
import { addPenalty } from '../../infra/db/repositories/rma';
import type { Role } from '../../domain/tasks/roles';
import { RMA_CASE_TYPE } from '../../domain/rma/contract';
import { PENALTY_CURRENCY } from '../../domain/rma/penalty';
import type { DayActivity, OpenStep, PromisedDate, ViolationFine } from '../../domain/rma/routines';

/** Emails every active user of `roles` once per key and person (the routines' template). */
function mailRoles(
  db: DbOrTrx,
  key: string,
  roles: readonly Role[],
  subject: string,
  lines: string[],
): Promise<string[]> {
  return enqueueMailToRoles(db, key, roles, subject, lines, 'rma-routine');
}

/** The routines' activities. */
export function createRmaRoutineActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** Every open step of every RMA with its case and customer. */
    async loadOpenSteps(): Promise<OpenStep[]> {
      const rows = await db
        .selectFrom('tasks')
        .innerJoin('rma_cases', (j) => j.on(sql`rma_cases.id::text`, '=', sql.ref('tasks.case_id')))
        .innerJoin('customers', 'customers.id', 'rma_cases.customer_id')
        .select([
          'tasks.id as taskId',
          'rma_cases.id as rmaId',
          'rma_cases.reference',
          'customers.name as customerName',
          'customers.address as customerAddress',
          'rma_cases.urgent',
          'tasks.step',
          'tasks.kind',
          'tasks.role',
          'tasks.title',
          'tasks.due_at',
        ])
        .where('tasks.case_type', '=', RMA_CASE_TYPE)
        .where('tasks.status', '=', 'open')
        .orderBy('tasks.due_at')
        .execute();
      return rows.map(({ due_at, ...r }) => ({ ...r, dueAt: due_at ? new Date(due_at).toISOString() : null }));
    },

    /** Repair dates PMC promised, with whether the case's repair step is done. */
    async loadPromisedDates(): Promise<PromisedDate[]> {
      const rows = await db
        .selectFrom('tasks as t')
        .innerJoin('rma_cases', (j) => j.on(sql`rma_cases.id::text`, '=', sql.ref('t.case_id')))
        .select(['rma_cases.id as rmaId', 'rma_cases.reference', 't.data', 't.workflow_id'])
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('tasks as r')
                .select('r.id')
                .whereRef('r.case_id', '=', 't.case_id')
                .where('r.step', '=', 'repair')
                .where('r.status', '=', 'completed'),
            )
            .as('repaired'),
        )
        .where('t.case_type', '=', RMA_CASE_TYPE)
        .where('t.kind', '=', 'rma.repair-date')
        .where('t.status', '=', 'completed')
        .where('rma_cases.status', 'not like', 'closed%')
        .execute();
      return rows
        .filter((r) => typeof r.data?.promisedOn === 'string')
        .map((r) => ({
          rmaId: r.rmaId,
          reference: r.reference,
          promisedOn: String(r.data?.promisedOn),
          repaired: Boolean(r.repaired),
        }));
    },

    /** Cases opened and closed, and steps completed, in [from, to). */
    async loadDayActivity(input: { from: string; to: string }): Promise<DayActivity> {
      const from = new Date(input.from);
      const to = new Date(input.to);
      const opened = await db
        .selectFrom('rma_cases')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .executeTakeFirstOrThrow();
      const closed = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('entity_type', '=', 'rma_case')
        .where('action', '=', 'rma.close')
        .where('at', '>=', from)
        .where('at', '<', to)
        .executeTakeFirstOrThrow();
      const completed = await db
        .selectFrom('tasks')
        .innerJoin('rma_cases', (j) => j.on(sql`rma_cases.id::text`, '=', sql.ref('tasks.case_id')))
        .select(['tasks.step', 'rma_cases.reference'])
        .where('tasks.case_type', '=', RMA_CASE_TYPE)
        .where('tasks.status', '=', 'completed')
        .where('tasks.completed_at', '>=', from)
        .where('tasks.completed_at', '<', to)
        .orderBy('tasks.completed_at')
        .execute();
      return { opened: Number(opened.n), closed: Number(closed.n), completed };
    },

    /** Sends a routine's mail to its roles once per key. */
    async sendRoutineMail(input: {
      key: string;
      roles: Role[];
      subject: string;
      lines: string[];
    }): Promise<{ recipients: string[] }> {
      return db.transaction().execute(async (trx) => ({
        recipients: await mailRoles(trx, input.key, input.roles, input.subject, input.lines),
      }));
    },

    /** Books each fine once (by its key); returns the fines booked now and tells the managers about them. */
    async recordViolationFines(input: { key: string; fines: ViolationFine[] }): Promise<{ booked: string[] }> {
      return db.transaction().execute(async (trx) => {
        const booked: ViolationFine[] = [];
        for (const f of input.fines) {
          const added = await addPenalty(trx, {
            rma_case_id: f.rmaId,
            responsible_party: f.responsibleRole,
            days_late: f.workingDaysLate,
            amount_fen: f.amountFen,
            currency: PENALTY_CURRENCY,
            reason: f.reason,
            idempotency_key: f.key,
            kind: 'violation',
            serious: f.serious,
            task_id: f.taskId,
          });
          if (added) booked.push(f);
        }
        if (booked.length) {
          const total = booked.reduce((s, f) => s + f.amountFen, 0);
          await mailRoles(
            trx,
            input.key,
            ['manager'],
            `Procedure violations: ${booked.length} fine(s), ${(total / 100).toFixed(2)} CNY / 流程违规罚款`,
            [
              'Fines booked today (a manager may waive one for a special case) / 今日罚款(特殊情况可由经理豁免):',
              ...booked.map((f) => `  ${f.reason} · ${f.responsibleRole} · ${(f.amountFen / 100).toFixed(2)} CNY`),
            ],
          );
        }
        return { booked: booked.map((f) => f.key) };
      });
    },
  };
}

/** The routine activities as workflows see them. */
export type RmaRoutineActivities = ReturnType<typeof createRmaRoutineActivities>;
