/**
 * The customer workflows' side effects: the onboarding status, the factory audit and its corrective actions,
 * and payment terms, projected into the database (idempotently, audited when something changes).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../infra/db/database';
import { recordAudit as appendAudit } from '../../infra/db/repositories/audit';
import {
  addCorrectiveAction,
  closeCorrectiveAction,
  findFactoryAuditOfVisit,
  getCustomer,
  listContacts,
  listCorrectiveActions,
  markCorrectiveActionOverdue,
  recordFactoryAudit,
  updateCustomer,
} from '../../infra/db/repositories/customers';
import { enqueueMail } from '../../infra/db/repositories/outbox';
import { listCustomerUsers } from '../../infra/db/repositories/users';
import { customerRecordStatus, type AuditResult, type OnboardingStatus } from '../../domain/customer/onboarding';
import type { PaymentTerms } from '../../domain/customer/payment-terms';
import type { CustomerActor } from '../../domain/customer/contract';

/** What the customer activities need from the worker. */
export interface CustomerFlowDeps {
  db: Db;
}

/** Builds the customer-flow activities. */
export function createCustomerFlowActivities(deps: CustomerFlowDeps) {
  const { db } = deps;
  return {
    /** Shows the onboarding status on the customer record (the quote gate and lists read it). */
    async projectOnboarding(input: {
      customerId: string;
      onboarding: OnboardingStatus;
      auditRequired: boolean;
      actor: CustomerActor | null;
    }): Promise<{ status: string; changed: boolean }> {
      const status = customerRecordStatus({ onboarding: input.onboarding, auditRequired: input.auditRequired });
      return db.transaction().execute(async (trx) => {
        const current = await getCustomer(trx, input.customerId);
        if (!current)
          throw ApplicationFailure.nonRetryable(`customer ${input.customerId} does not exist`, 'CustomerNotFound');
        if (current.status === status) return { status, changed: false };
        await updateCustomer(trx, input.customerId, { status });
        await appendAudit(trx, {
          actorId: input.actor?.userId ?? null,
          actorRole: input.actor?.role ?? 'workflow',
          action: 'customer.onboarding',
          entityType: 'customer',
          entityId: input.customerId,
          before: { status: current.status },
          after: { status, onboarding: input.onboarding },
        });
        return { status, changed: true };
      });
    },

    /** Stores the audit visit and its corrective actions once per workflow (a retry returns the same ids). */
    async recordAudit(input: {
      workflowId: string;
      customerId: string;
      visitOn: string;
      result: AuditResult;
      auditors: string | null;
      notes: string | null;
      recordedBy: string;
      correctiveActions: { description: string; dueOn: string }[];
    }): Promise<{ auditId: string; correctiveActionIds: string[] }> {
      return db.transaction().execute(async (trx) => {
        const existing = await findFactoryAuditOfVisit(trx, input.workflowId, input.visitOn);
        if (existing) {
          // Rows inserted in one transaction share created_at: match them to the input by content, in input order,
          // so a retry hands the workflow the same id for the same action.
          const unused = await listCorrectiveActions(trx, existing.id);
          const ids = input.correctiveActions.map((action) => {
            const at = unused.findIndex((r) => r.description === action.description && r.due_on === action.dueOn);
            if (at < 0)
              throw ApplicationFailure.nonRetryable(
                `the recorded audit has no corrective action "${action.description}"`,
                'AuditMismatch',
              );
            return unused.splice(at, 1)[0].id;
          });
          return { auditId: existing.id, correctiveActionIds: ids };
        }
        const audit = await recordFactoryAudit(trx, {
          customer_id: input.customerId,
          workflow_id: input.workflowId,
          scheduled_on: input.visitOn,
          visited_on: input.visitOn,
          result: input.result,
          auditor_names: input.auditors,
          notes: input.notes,
          recorded_by: input.recordedBy,
        });
        const ids: string[] = [];
        for (const action of input.correctiveActions) {
          ids.push(
            (
              await addCorrectiveAction(trx, {
                audit_id: audit.id,
                description: action.description,
                due_on: action.dueOn,
              })
            ).id,
          );
        }
        await appendAudit(trx, {
          actorId: input.recordedBy,
          actorRole: 'sales',
          action: 'customer.audit_recorded',
          entityType: 'customer',
          entityId: input.customerId,
          after: { result: input.result, visitOn: input.visitOn, correctiveActions: input.correctiveActions.length },
        });
        return { auditId: audit.id, correctiveActionIds: ids };
      });
    },

    /**
     * Mails the customer: its portal users and its contacts (a customer registered by sales often has only a contact,
     * and the contact is who arranges the audit). One outbox row per address, keyed, so a retry sends nothing twice.
     */
    async mailCustomerContacts(input: {
      idempotencyKey: string;
      customerId: string;
      subject: string;
      text: string;
      template: string;
    }): Promise<{ recipients: string[] }> {
      const users = await listCustomerUsers(db, input.customerId);
      const contacts = await listContacts(db, input.customerId);
      const emails = [
        ...new Set([...users.map((u) => u.email), ...contacts.flatMap((c) => (c.email ? [c.email] : []))]),
      ];
      await db.transaction().execute(async (trx) => {
        for (const to of emails)
          await enqueueMail(trx, {
            idempotencyKey: `${input.idempotencyKey}:${to}`,
            to,
            subject: input.subject,
            text: input.text,
            template: input.template,
          });
      });
      return { recipients: emails };
    },

    /** Marks an open corrective action overdue (a no-op once it is done). */
    async markCorrectiveActionOverdue(input: { correctiveActionId: string }): Promise<void> {
      await markCorrectiveActionOverdue(db, input.correctiveActionId);
    },

    /** Closes a corrective action (idempotent). */
    async closeCorrectiveAction(input: { correctiveActionId: string; closedBy: string }): Promise<void> {
      await closeCorrectiveAction(db, input.correctiveActionId, input.closedBy);
    },

    /** Writes the decided payment terms on the customer record, audited. */
    async applyPaymentTerms(input: {
      customerId: string;
      requestId: string;
      terms: PaymentTerms;
      decidedBy: CustomerActor;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const changed = await updateCustomer(trx, input.customerId, {
          payment_terms: input.terms.kind,
          credit_limit_fen: input.terms.creditLimitFen,
          payment_terms_approved_by: input.terms.approvedBy,
        });
        if (!changed)
          throw ApplicationFailure.nonRetryable(`customer ${input.customerId} does not exist`, 'CustomerNotFound');
        const { before, after } = changed;
        if (
          before.payment_terms === after.payment_terms &&
          before.credit_limit_fen === after.credit_limit_fen &&
          before.payment_terms_approved_by === after.payment_terms_approved_by
        )
          return;
        await appendAudit(trx, {
          actorId: input.decidedBy.userId,
          actorRole: input.decidedBy.role,
          action: 'customer.payment_terms',
          entityType: 'customer',
          entityId: input.customerId,
          before: { terms: before.payment_terms, creditLimitFen: before.credit_limit_fen },
          after: { terms: after.payment_terms, creditLimitFen: after.credit_limit_fen, requestId: input.requestId },
        });
      });
    },
  };
}

/** The customer-flow activities as workflows see them. */
export type CustomerFlowActivities = ReturnType<typeof createCustomerFlowActivities>;
