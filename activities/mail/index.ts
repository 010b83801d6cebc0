import type { Db } from '../../infra/db/database';
import { enqueueMail } from '../../infra/db/repositories/outbox';
import { listActiveUsersByRole, listCustomerUsers } from '../../infra/db/repositories/users';
import type { Role } from '../../domain/tasks/roles';

/** An email a workflow wants sent; `idempotencyKey` is `${workflowId}:${step}` or finer. */
export interface SendMailRequest {
  idempotencyKey: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  template?: string;
}

/** An email to everyone holding some roles, or to a customer's users. */
export interface MailRolesRequest {
  idempotencyKey: string;
  roles?: Role[];
  customerId?: string;
  subject: string;
  text: string;
  html?: string;
  template?: string;
}

/**
 * Mail activities: they only write the outbox (the sender delivers with retries), so a workflow's email is
 * never lost to an SMTP outage and never sent twice for the same key.
 */
export function createMailActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    async sendMail(request: SendMailRequest): Promise<{ queued: number }> {
      let queued = 0;
      await db.transaction().execute(async (trx) => {
        for (const to of request.to) {
          if (await enqueueMail(trx, { ...request, idempotencyKey: `${request.idempotencyKey}:${to}`, to })) queued++;
        }
      });
      return { queued };
    },
    async mailRoles(request: MailRolesRequest): Promise<{ recipients: string[] }> {
      const staff = request.roles?.length ? await listActiveUsersByRole(db, request.roles) : [];
      const customers = request.customerId ? await listCustomerUsers(db, request.customerId) : [];
      const emails = [...new Set([...staff, ...customers].map((u) => u.email))];
      await db.transaction().execute(async (trx) => {
        for (const to of emails)
          await enqueueMail(trx, { ...request, idempotencyKey: `${request.idempotencyKey}:${to}`, to });
      });
      return { recipients: emails };
    },
  };
}

/** The mail activities as workflows see them. */
export type MailActivities = ReturnType<typeof createMailActivities>;
