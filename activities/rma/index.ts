import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db, DbOrTrx } from '../../infra/db/database';
import { recordAudit } from '../../infra/db/repositories/audit';
import { enqueueMail } from '../../infra/db/repositories/outbox';
import { addPenalty, listPenalties } from '../../infra/db/repositories/rma';
import { listActiveUsersByRole, listCustomerUsers, type User } from '../../infra/db/repositories/users';
import type { Role } from '../../domain/tasks/roles';
import type { RmaActor, RmaOutcome, RmaStage } from '../../domain/rma/contract';
import type { MaterialKind } from '../../domain/rma/materials';
import { PENALTY_CURRENCY, PENALTY_PER_DAY_FEN } from '../../domain/rma/penalty';
import type { Responsibility } from '../../domain/rma/responsibility';
import type { RepairTeam } from '../../domain/rma/routing';
import { shipBackRelease, type ShipBackRelease } from '../../domain/rma/paid-repair';
import { refundCapFen } from '../../domain/rma/resolution';
import * as rmaStore from '../../infra/db/repositories/rma-projections';

/** Dependencies of the RMA activities. */
export interface RmaActivityDeps {
  db: Db;
  /** Base URL for links in emails. */
  publicUrl?: string;
}

function workflowId(): string {
  const id = Context.current().info.workflowExecution?.workflowId;
  if (!id) throw ApplicationFailure.nonRetryable('RMA activities run only inside a workflow', 'NoWorkflow');
  return id;
}

/** The workflow that owns the case (a repair child acts on behalf of its parent's case). */
function caseWorkflowId(): string {
  return workflowId().replace(/:production-repair$/, '');
}

async function recipients(db: DbOrTrx, to: { roles?: Role[]; customerId?: string }): Promise<User[]> {
  const staff = to.roles?.length ? await listActiveUsersByRole(db, to.roles) : [];
  const customer = to.customerId ? await listCustomerUsers(db, to.customerId) : [];
  return [...staff, ...customer];
}

/**
 * The RMA's side effects: projections of the workflow into the rma_* tables, the penalty ledger and emails
 * through the outbox. Each is idempotent: keyed by `${workflowId}:${step}` or by the row it sets.
 */
export function createRmaActivities(deps: RmaActivityDeps) {
  const { db } = deps;

  /** Emails everyone holding `roles` (and/or the customer's users), once per person per key. */
  async function mail(
    trx: DbOrTrx,
    key: string,
    to: { roles?: Role[]; customerId?: string },
    subject: string,
    lines: string[],
  ): Promise<string[]> {
    const people = await recipients(trx, to);
    const text = [...lines, '', '— SMT Works'].join('\n');
    for (const person of people) {
      await enqueueMail(trx, {
        idempotencyKey: `${key}:${person.email}`,
        to: person.email,
        subject,
        text,
        template: 'rma',
      });
    }
    return people.map((p) => p.email);
  }

  return {
    /** Sets the case's status to the stage (audited only when it changes). */
    async projectStage(input: { rmaId: string; stage: RmaStage; outcome?: RmaOutcome }): Promise<void> {
      const status = input.outcome ? `${input.stage}:${input.outcome}` : input.stage;
      await db.transaction().execute(async (trx) => {
        const change = await rmaStore.setStatus(trx, input.rmaId, status);
        // Retryable: the service starts the workflow inside the transaction that inserts the row, so the first
        // projection can run a moment before that commit is visible.
        if (!change) throw new Error(`RMA case ${input.rmaId} not found (yet)`);
        if (change.before !== change.after) {
          await recordAudit(trx, {
            actorId: null,
            actorRole: 'workflow',
            action: 'rma.stage',
            entityType: 'rma_case',
            entityId: input.rmaId,
            before: { status: change.before },
            after: { status },
          });
        }
      });
    },

    /** Records the signed service dispatch form (one per case). */
    async recordResponsibility(input: {
      rmaId: string;
      responsibility: Responsibility;
      form: Record<string, unknown>;
      customerSignatory: string;
      factorySignatory: string;
      by: RmaActor;
    }): Promise<void> {
      await rmaStore.recordResponsibilityOnce(db, input);
    },

    /** Stocks in the returned units with their labels (part number, model, customer name and address). */
    async receiveUnits(input: {
      rmaId: string;
      quantity: number;
      receivedAt: string;
      units: { serial?: string; partNumber: string; model: string }[];
      label: { partNumber: string; model: string; customerName: string; customerAddress: string | null };
    }): Promise<{ units: number }> {
      return rmaStore.receiveUnitsOnce(db, input);
    },

    /** Sets good / scrap and the warranty on every unit of the case. */
    async classifyUnits(input: {
      rmaId: string;
      good: number;
      units: { serial: string; classification: 'good' | 'scrap' }[];
      warranty: 'in_warranty' | 'out_of_warranty';
    }): Promise<void> {
      await rmaStore.classifyUnits(db, input);
    },

    /** Sends the spare-material request to PMC (rows + email to production), once per material kind. */
    async requestMaterials(input: {
      rmaId: string;
      reference: string;
      requests: { kind: MaterialKind; repairQuantity: number; spareQuantity: number; inStock: boolean }[];
    }): Promise<void> {
      const wf = caseWorkflowId();
      await db.transaction().execute(async (trx) => {
        await rmaStore.requestMaterialsOnce(trx, input.rmaId, input.requests);
        const lines = input.requests.map(
          (r) =>
            `${r.kind}: repair ${r.repairQuantity} + spare ${r.spareQuantity}${r.inStock ? ' (in stock)' : ' (to order)'}`,
        );
        await mail(
          trx,
          `${wf}:material-request`,
          { roles: ['production'] },
          `RMA ${input.reference}: spare-material request`,
          [`Material for the repair of RMA ${input.reference}:`, ...lines],
        );
      });
    },

    /** Marks a material kind as arrived. */
    async materialArrived(input: { rmaId: string; kind: MaterialKind; arrivedAt: string }): Promise<void> {
      await rmaStore.markMaterialArrived(db, input.rmaId, input.kind, new Date(input.arrivedAt));
    },

    /** Records a repair (one row per step key). */
    async recordRepair(input: {
      rmaId: string;
      step: string;
      team: RepairTeam;
      repaired: number;
      scrapped: number;
      by: RmaActor;
    }): Promise<void> {
      await rmaStore.recordRepairOnce(db, input);
    },

    /**
     * Adds the `day`-th 50 CNY entry for the late quality-abnormality report and emails the managers; a retry or
     * a replay adds nothing. Returns the case's penalty total.
     */
    async recordReportPenalty(input: {
      rmaId: string;
      reference: string;
      day: number;
      dueAt: string;
      responsibleParty: Role;
    }): Promise<{ days: number; totalFen: number }> {
      const wf = caseWorkflowId();
      const key = `${wf}:report-penalty:day-${input.day}`;
      return db.transaction().execute(async (trx) => {
        const added = await addPenalty(trx, {
          rma_case_id: input.rmaId,
          responsible_party: input.responsibleParty,
          days_late: input.day,
          amount_fen: PENALTY_PER_DAY_FEN,
          currency: PENALTY_CURRENCY,
          reason: `quality-abnormality report of RMA ${input.reference} not handled within 24 h (due ${input.dueAt}): day ${input.day} late`,
          idempotency_key: key,
        });
        const entries = await listPenalties(trx, { rmaCaseId: input.rmaId });
        const totalFen = entries.reduce((sum, e) => sum + e.amount_fen, 0);
        if (added) {
          await mail(
            trx,
            key,
            { roles: ['manager'] },
            `RMA ${input.reference}: quality report ${input.day} day(s) late — 50 CNY penalty`,
            [
              `The quality-abnormality report of RMA ${input.reference} was due at ${input.dueAt} and is still not handled.`,
              `Day ${input.day} late: 50 CNY charged to the ${input.responsibleParty} role. Penalty so far: ${(totalFen / 100).toFixed(2)} CNY.`,
            ],
          );
        }
        return { days: entries.length, totalFen };
      });
    },

    /** Emails the roles and/or the customer (once per key and person). */
    async notify(input: {
      step: string;
      roles?: Role[];
      customerId?: string;
      subject: string;
      lines: string[];
    }): Promise<{ recipients: string[] }> {
      const wf = workflowId();
      return db.transaction().execute(async (trx) => ({
        recipients: await mail(trx, `${wf}:${input.step}`, input, input.subject, input.lines),
      }));
    },

    /** Records a shipment of the case (repaired units, unrepaired units or a replacement). */
    async recordShipment(input: {
      rmaId: string;
      purpose: string;
      carrier: string;
      trackingNumber: string;
      by: RmaActor;
    }): Promise<void> {
      await rmaStore.recordShipmentOnce(db, input);
    },

    /** Raises an invoice for the case (paid repair, or faulty units never returned); once per purpose. */
    async raiseInvoice(input: {
      rmaId: string;
      reference: string;
      customerId: string;
      purpose: 'repair' | 'unreturned';
      amountFen: number;
    }): Promise<{ number: string }> {
      return rmaStore.raiseInvoiceOnce(db, input);
    },

    /** Records the facts staff confirmed (the case's dates become the confirmed ones) and what they corrected. */
    async recordConfirmedClaims(input: {
      rmaId: string;
      claimed: { saleDate: string | null; productionDate: string | null; quantity: number };
      confirmed: { saleDate: string | null; productionDate: string | null; quantity: number };
      corrected: string[];
      source: string;
      by: RmaActor;
    }): Promise<void> {
      await db
        .transaction()
        .execute((trx) => rmaStore.recordConfirmedClaimsOnce(trx, `${caseWorkflowId()}:confirm-claims`, input));
    },

    /** The most a refund of `units` may be: what the customer paid for them on the linked order, pro rata. */
    async refundCap(input: {
      customerId: string;
      orderId: string | null;
      units: number;
    }): Promise<{ capFen: number; basis: string }> {
      if (!input.orderId)
        return { capFen: 0, basis: 'no order is linked to the RMA, so no payment for these units is known' };
      const paid = await rmaStore.orderPaid(db, input.customerId, input.orderId);
      if (!paid) return { capFen: 0, basis: "the linked order is not this customer's" };
      const capFen = refundCapFen({ paidFen: paid.paidFen, quantity: paid.quantity }, input.units);
      return {
        capFen,
        basis: `${(paid.paidFen / 100).toFixed(2)} CNY paid for ${paid.quantity} pcs; ${input.units} pcs inspected`,
      };
    },

    /** Audits a decision taken in a step that has no table of its own (refund steps, IPQC, disposal). */
    async auditDecision(input: {
      rmaId: string;
      step: string;
      decision: string;
      by: RmaActor | null;
      data: Record<string, unknown>;
    }): Promise<void> {
      await rmaStore.auditOnce(db, `${caseWorkflowId()}:${input.step}`, input);
    },

    /** Records a count difference (5.3.1) once per key and tells sales by email. */
    async recordCountDifference(input: {
      rmaId: string;
      reference: string;
      step: string;
      field: string;
      expected: number;
      actual: number;
      note: string;
    }): Promise<void> {
      const wf = caseWorkflowId();
      const key = `${wf}:count-difference:${input.step}`;
      await db.transaction().execute(async (trx) => {
        await rmaStore.recordCountDifferenceOnce(trx, key, input);
        await mail(
          trx,
          key,
          { roles: ['sales'] },
          `RMA ${input.reference}: quantity differs — ${input.note} / 数量不符`,
          [
            `${input.step}: expected ${input.expected} pcs, counted ${input.actual} pcs (${input.note}).`,
            `数量不符:应为 ${input.expected} 件,实为 ${input.actual} 件。请及时与客户沟通处理。`,
          ],
        );
      });
    },

    /**
     * Whether a paid repair's units may ship back: paid up, or a statement entry for a customer on approved
     * monthly settlement with credit left (as orders are released, domain/order/payment.ts).
     */
    async repairRelease(input: { rmaId: string; reference: string; customerId: string }): Promise<ShipBackRelease> {
      const standing = await rmaStore.repairInvoiceStanding(db, input);
      if (!standing)
        return { release: false, outstandingFen: 0, code: 'no_repair_invoice', reason: 'no repair invoice' };
      const { invoice, customer } = standing;
      return shipBackRelease({
        charge: 'paid',
        invoicedFen: Number(invoice.amount_fen),
        paidFen: standing.paidFen,
        credit: {
          terms: customer.payment_terms,
          approved: !!customer.payment_terms_approved_by,
          creditLimitFen: Number(customer.credit_limit_fen),
          openExposureFen: standing.otherOpenFen,
        },
      });
    },

    /** Marks the repair invoice settled (paid, or moved onto the monthly statement), audited once. */
    async settleRepairInvoice(input: {
      rmaId: string;
      reference: string;
      by: 'paid' | 'statement_entry' | 'free';
      payment?: { reference: string; amountFen: number; confirmedBy: string };
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await rmaStore.settleRepairInvoiceOnce(trx, {
          reference: input.reference,
          by: input.by,
          payment: input.payment && { ...input.payment, idempotencyKey: `${caseWorkflowId()}:repair-payment` },
        });
        await rmaStore.auditOnce(trx, `${caseWorkflowId()}:repair-release`, {
          rmaId: input.rmaId,
          step: 'repair-release',
          decision: input.by,
          by: null,
          data: { invoice: `${input.reference}-R` },
        });
      });
    },

    /** Closes the case with its outcome, root cause and corrective action. */
    async closeCase(input: {
      rmaId: string;
      outcome: RmaOutcome;
      rootCause: string;
      correctiveAction: string;
      by: RmaActor | null;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const change = await rmaStore.setStatus(trx, input.rmaId, `closed:${input.outcome}`);
        if (!change) throw ApplicationFailure.nonRetryable(`RMA case ${input.rmaId} does not exist`, 'RmaNotFound');
        if (change.before !== change.after) {
          await recordAudit(trx, {
            actorId: input.by?.userId ?? null,
            actorRole: input.by?.role ?? 'workflow',
            action: 'rma.close',
            entityType: 'rma_case',
            entityId: input.rmaId,
            before: { status: change.before },
            after: {
              status: `closed:${input.outcome}`,
              rootCause: input.rootCause,
              correctiveAction: input.correctiveAction,
            },
          });
        }
      });
    },
  };
}

/** The RMA activities as workflows see them (`proxyActivities<RmaActivities>`). */
export type RmaActivities = ReturnType<typeof createRmaActivities>;
