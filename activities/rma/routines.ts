/**
 * Reads and writes of the daily routines (workflows/rma/routines.ts): the open RMA steps, the repair dates PMC
 * promised, the day's activity, the routine mails and the violation fines. Mails and fines are idempotent by key.
 */
import type { Db, DbOrTrx } from '../../infra/db/database';
import { enqueueMailToRoles } from '../../infra/db/repositories/outbox';
import { addPenalty, listOpenRmaSteps, listPromisedRepairDates, rmaDayActivity } from '../../infra/db/repositories/rma';
import type { Role } from '../../domain/tasks/roles';
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
    loadOpenSteps: (): Promise<OpenStep[]> => listOpenRmaSteps(db),

    /** Repair dates PMC promised, with whether the case's repair step is done. */
    loadPromisedDates: (): Promise<PromisedDate[]> => listPromisedRepairDates(db),

    /** Cases opened and closed, and steps completed, in [from, to). */
    loadDayActivity: (input: { from: string; to: string }): Promise<DayActivity> =>
      rmaDayActivity(db, new Date(input.from), new Date(input.to)),

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
