import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../infra/db/database';
import {
  closeTaskByStep,
  completeTask,
  findTaskByStep,
  markEscalated,
  markReminded,
  openTask,
} from '../../infra/db/repositories/tasks';
import { recordAudit } from '../../infra/db/repositories/audit';
import { enqueueMail } from '../../infra/db/repositories/outbox';
import { listActiveUsersByRole, listCustomerUsers, type User } from '../../infra/db/repositories/users';
import { taskEscalationMail, taskReminderMail, type RenderedMail } from '../../infra/mail/templates';
import type { Role } from '../../domain/tasks/roles';
import type { TaskKindName } from '../../domain/tasks/kind-names';
import type { Task, TaskCompletion } from '../../domain/tasks/task';
import type { DbOrTrx } from '../../infra/db/database';

/** What a workflow passes to open its task; the workflow id comes from the activity's own context. */
export interface OpenTaskRequest {
  step: string;
  kind: TaskKindName;
  title: string;
  role: Role;
  caseType: string;
  caseId: string;
  customerId?: string | null;
  payload?: Record<string, unknown>;
  /** ISO timestamps computed from workflow time. */
  dueAt?: string | null;
  remindAt?: string | null;
  escalateAt?: string | null;
}

export interface CloseTaskRequest {
  step: string;
  status: 'completed' | 'cancelled';
  /** The completion the workflow received, to fill in a task row the API could not commit. */
  completion?: TaskCompletion;
}

export interface TaskMailRequest {
  step: string;
  /** Escalation only: who hears about it (default: manager). */
  escalateTo?: Role[];
  /** Which reminder / escalation of the step this is (default 1); each number mails once per person. */
  number?: number;
}

/** Dependencies of the task activities. */
export interface TaskActivityDeps {
  db: Db;
  /** Base URL for links in emails (the admin UI). */
  publicUrl?: string;
}

function currentWorkflowId(): string {
  const workflowId = Context.current().info.workflowExecution?.workflowId;
  if (!workflowId) throw ApplicationFailure.nonRetryable('task activities run only inside a workflow', 'NoWorkflow');
  return workflowId;
}

/** Everyone who should hear about a task for `role` (for customer tasks: the customer's users). */
async function recipientsFor(db: DbOrTrx, role: Role, customerId: string | null): Promise<User[]> {
  if (role === 'customer') return customerId ? listCustomerUsers(db, customerId) : [];
  return listActiveUsersByRole(db, [role]);
}

/**
 * The task activities every worker registers. All are idempotent, keyed by (workflow id, step): a retry after
 * a crash finds the work already done and changes nothing.
 */
export function createTaskActivities(deps: TaskActivityDeps) {
  const { db } = deps;
  const linkTo = (task: Task) => (deps.publicUrl ? `${deps.publicUrl}/api/tasks/${task.id}` : undefined);

  async function mailAbout(
    workflowId: string,
    step: string,
    kind: 'reminder' | 'escalation',
    number: number,
    mark: (trx: DbOrTrx) => Promise<boolean>,
    render: (task: Task) => RenderedMail,
    recipients: (trx: DbOrTrx, task: Task) => Promise<User[]>,
  ): Promise<{ recipients: string[]; taskOpen: boolean }> {
    return db.transaction().execute(async (trx) => {
      const task = await findTaskByStep(trx, workflowId, step);
      if (!task) throw ApplicationFailure.nonRetryable(`no task for step "${step}" of ${workflowId}`, 'TaskNotFound');
      if (task.status !== 'open') return { recipients: [], taskOpen: false };
      await mark(trx);
      const mail = render(task);
      const people = await recipients(trx, task);
      for (const person of people) {
        // One outbox row per person and number, written in the same transaction as the mark (the first keeps the
        // key it always had, so a reminder sent before numbering existed is not sent twice).
        const key =
          number > 1
            ? `${workflowId}:${step}:${kind}-${number}:${person.email}`
            : `${workflowId}:${step}:${kind}:${person.email}`;
        await enqueueMail(trx, { idempotencyKey: key, to: person.email, template: `task-${kind}`, ...mail });
      }
      return { recipients: people.map((p) => p.email), taskOpen: true };
    });
  }

  return {
    /** Opens the task for this workflow step, or returns the one already open. */
    async openTask(request: OpenTaskRequest): Promise<{ taskId: string; created: boolean }> {
      const workflowId = currentWorkflowId();
      const { task, created } = await openTask(db, {
        ...request,
        workflowId,
        dueAt: request.dueAt ? new Date(request.dueAt) : null,
        remindAt: request.remindAt ? new Date(request.remindAt) : null,
        escalateAt: request.escalateAt ? new Date(request.escalateAt) : null,
      });
      return { taskId: task.id, created };
    },

    /** Closes the step's task; a completion the API recorded is kept as it is. */
    async closeTask(request: CloseTaskRequest): Promise<{ status: string }> {
      const workflowId = currentWorkflowId();
      return db.transaction().execute(async (trx) => {
        const before = await findTaskByStep(trx, workflowId, request.step);
        if (!before)
          throw ApplicationFailure.nonRetryable(`no task for step "${request.step}" of ${workflowId}`, 'TaskNotFound');
        if (before.status !== 'open') return { status: before.status };
        const c = request.completion;
        if (request.status === 'completed' && c) {
          await completeTask(trx, before.id, {
            decision: c.decision,
            data: c.data,
            completedBy: c.completedBy.userId,
            completedAt: new Date(c.completedAt),
          });
        } else {
          await closeTaskByStep(trx, workflowId, request.step, request.status);
        }
        await recordAudit(trx, {
          actorId: c?.completedBy.userId ?? null,
          actorRole: c?.completedBy.role ?? 'workflow',
          action: `task.${request.status === 'completed' ? 'complete' : 'cancel'}`,
          entityType: 'task',
          entityId: before.id,
          before: { status: 'open' },
          after: { status: request.status, decision: c?.decision ?? null },
        });
        return { status: request.status };
      });
    },

    /** Marks the reminder and mails everyone holding the task's role (once per person). */
    async remindTask(request: TaskMailRequest): Promise<{ recipients: string[]; taskOpen: boolean }> {
      const workflowId = currentWorkflowId();
      return mailAbout(
        workflowId,
        request.step,
        'reminder',
        request.number ?? 1,
        (trx) => markReminded(trx, workflowId, request.step),
        (task) => taskReminderMail({ ...task, link: linkTo(task) }),
        (trx, task) => recipientsFor(trx, task.role, task.customerId),
      );
    },

    /** Marks the escalation and mails the escalation roles (default: manager). */
    async escalateTask(request: TaskMailRequest): Promise<{ recipients: string[]; taskOpen: boolean }> {
      const workflowId = currentWorkflowId();
      return mailAbout(
        workflowId,
        request.step,
        'escalation',
        request.number ?? 1,
        (trx) => markEscalated(trx, workflowId, request.step),
        (task) => taskEscalationMail({ ...task, link: linkTo(task) }),
        (trx) => listActiveUsersByRole(trx, request.escalateTo?.length ? request.escalateTo : ['manager']),
      );
    },
  };
}

/** The task activities as workflows see them (`proxyActivities<TaskActivities>`). */
export type TaskActivities = ReturnType<typeof createTaskActivities>;
