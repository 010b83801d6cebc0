import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { json, type Db } from '../../infra/db/database';
import { recordAudit } from '../../infra/db/repositories/audit';
import { getCustomer } from '../../infra/db/repositories/customers';
import type { RmaCaseRow } from '../../infra/db/schema';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../infra/http/errors';
import type { Actor } from '../../infra/auth/sessions';
import { localDate, type WorkingCalendar } from '../../domain/rma/calendar';
import { claimedDateProblem } from '../../domain/rma/claims';
import { getOrder } from '../../infra/db/repositories/orders';
import { createRmaCase, setRmaWorkflowId } from '../../infra/db/repositories/rma';
import type { MaterialRules } from '../../domain/rma/materials';
import { RMA_SEARCH_ATTRIBUTES, RMA_TASK_QUEUE, rmaWorkflowId, type RmaWorkflowInput } from '../../domain/rma/contract';
import type { OpenRmaRequest } from './schemas';

/** What opening an RMA needs. */
export interface OpenRmaDeps {
  db: Db;
  temporal: Client;
  calendar: WorkingCalendar;
  materialRules?: MaterialRules;
  exchangeReturnDays?: number;
}

/** Roles that may open an RMA: the customer, or sales on the customer's behalf. */
export const RMA_OPENERS = ['customer', 'sales', 'sales_manager', 'manager', 'admin'] as const;

function newReference(now: Date): string {
  return `RMA-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

/**
 * Registers the complaint and starts its workflow (`rma:<id>`, on the rma queue, with CustomerId / RmaId /
 * Stage search attributes). The row and the start are one unit: if the start fails, the row is rolled back.
 */
export async function openRma(deps: OpenRmaDeps, actor: Actor, request: OpenRmaRequest): Promise<RmaCaseRow> {
  let customerId: string;
  if (actor.role === 'customer') {
    if (!actor.customerId) throw new ForbiddenError('your user is not linked to a customer');
    if (request.customerId && request.customerId !== actor.customerId)
      throw new ForbiddenError('customers open RMAs only for themselves');
    customerId = actor.customerId;
  } else {
    if (!request.customerId) throw new ValidationError('customerId: is required when staff open an RMA', 'customerId');
    customerId = request.customerId;
  }
  const customer = await getCustomer(deps.db, customerId);
  if (!customer) throw new NotFoundError('customer');

  const now = new Date();
  // What the customer states is a claim: dates must be real and not in the factory's future; staff confirm or
  // correct them on the site visit before the warranty decides.
  const today = localDate(deps.calendar, now);
  for (const field of ['saleDate', 'productionDate'] as const) {
    const value = request[field];
    const problem = value ? claimedDateProblem(value, today) : undefined;
    if (problem) throw new ValidationError(`${field}: ${problem}`, field);
  }
  if (request.orderId) {
    // The same answer whether the order does not exist or is another customer's: nothing leaks.
    const order = await getOrder(deps.db, request.orderId);
    if (!order || order.customer_id !== customerId)
      throw new ValidationError('orderId: is not an order of this customer', 'orderId');
  }
  // Urgency and key product change deadlines and routing: only staff set them; a customer's wish is recorded.
  const staff = actor.role !== 'customer';
  const urgent = staff ? request.urgent : false;
  const keyProduct = staff ? request.keyProduct : false;
  const claimed = {
    by: actor.role === 'customer' ? 'customer' : 'staff',
    saleDate: request.saleDate ?? null,
    productionDate: request.productionDate ?? null,
    urgent: request.urgent,
    keyProduct: request.keyProduct,
  };
  return deps.db.transaction().execute(async (trx) => {
    const reference = newReference(now);
    const row = await createRmaCase(trx, {
      reference,
      customer_id: customerId,
      status: 'registered',
      urgent,
      complaint: request.symptoms,
      product_model: request.productModel ?? null,
      part_number: request.partNumber ?? null,
      quantity: request.quantity,
      sale_date: request.saleDate ?? null,
      production_date: request.productionDate ?? null,
      outsourced: request.outsourced,
      key_product: keyProduct,
      order_id: request.orderId ?? null,
      claimed: json(claimed),
      created_by: actor.userId,
    });
    const workflowId = rmaWorkflowId(row.id);
    await setRmaWorkflowId(trx, row.id, workflowId);
    await recordAudit(trx, {
      actorId: actor.userId,
      actorRole: actor.role,
      action: 'rma.open',
      entityType: 'rma_case',
      entityId: row.id,
      after: {
        reference,
        quantity: request.quantity,
        urgent,
        claimed,
        requestedResolution: request.requestedResolution,
        orderId: request.orderId ?? null,
        lotNumber: request.lotNumber ?? null,
        serials: request.serials,
        photos: request.photos,
      },
    });
    const input: RmaWorkflowInput = {
      rmaId: row.id,
      reference,
      customer: {
        id: customer.id,
        name: customer.name,
        address: customer.address,
        keyCustomer: customer.is_key_customer,
      },
      complaint: {
        orderId: request.orderId ?? null,
        lotNumber: request.lotNumber ?? null,
        serials: request.serials,
        quantity: request.quantity,
        symptoms: request.symptoms,
        photos: request.photos,
        requestedResolution: request.requestedResolution,
      },
      product: {
        model: request.productModel ?? null,
        partNumber: request.partNumber ?? null,
        saleDate: request.saleDate ?? null,
        productionDate: request.productionDate ?? null,
        outsourced: request.outsourced,
        keyProduct,
      },
      urgent,
      openedBy: { userId: actor.userId, email: actor.email, role: actor.role },
      calendar: deps.calendar,
      materialRules: deps.materialRules,
      exchangeReturnDays: deps.exchangeReturnDays,
    };
    try {
      await deps.temporal.workflow.start('rmaWorkflow', {
        taskQueue: RMA_TASK_QUEUE,
        workflowId,
        args: [input],
        typedSearchAttributes: [
          { key: RMA_SEARCH_ATTRIBUTES.customerId, value: customer.id },
          { key: RMA_SEARCH_ATTRIBUTES.rmaId, value: row.id },
          { key: RMA_SEARCH_ATTRIBUTES.stage, value: 'registered' },
        ],
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw new ConflictError(`RMA workflow ${workflowId} is already running`);
      throw error;
    }
    return { ...row, workflow_id: workflowId };
  });
}
