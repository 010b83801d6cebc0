/**
 * An order as the quote workflow starts it when the customer accepts: an accepted quote row, then the order
 * workflow for it. For tests that drive an order through the API without walking a quote first.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../infra/db/database';
import { ORDER_WORKFLOW_TYPE, orderWorkflowId, type OrderWorkflowInput } from '../../domain/order/contract';
import type { orderWorkflow } from '../../workflows/order';

/** The quote a customer accepted, as the quote workflow leaves it (the order's reference is made from it). */
export async function insertAcceptedQuote(
  db: Db,
  customerId: string,
  quantity: number,
  currency: string,
): Promise<{ id: string }> {
  return db
    .insertInto('quotes')
    .values({
      reference: `Q-${randomUUID().slice(0, 8)}`,
      customer_id: customerId,
      status: 'accepted',
      quantity,
      currency,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Starts the order workflow of a freshly accepted quote of `customerId` on `taskQueue`. */
export async function startAcceptedOrder(
  db: Db,
  client: Client,
  options: {
    customerId: string;
    taskQueue: string;
    quantity?: number;
    totalFen?: number;
    currency?: string;
    /** The accepted quote's analysed BOM, as the quote workflow stores it (kitting reads it). */
    parts?: { designators: string[]; quantity: number; supplierPart: string; throughHole: boolean }[];
  },
): Promise<{ handle: WorkflowHandle<typeof orderWorkflow>; orderId: string; quoteId: string }> {
  const { customerId, taskQueue, quantity = 10, totalFen = 100_000, currency = 'CNY', parts } = options;
  const quote = await insertAcceptedQuote(db, customerId, quantity, currency);
  if (parts) {
    const analysed = parts.map((p) => ({
      ...p,
      value: '',
      footprint: '',
      mpn: '',
      manufacturer: '',
      dnp: false,
      pins: 2,
    }));
    await db
      .insertInto('quote_analyses')
      .values({ quote_id: quote.id, revision: 1, kind: 'board', result: JSON.stringify({ parts: analysed }) as never })
      .execute();
  }
  const input: OrderWorkflowInput = {
    orderId: randomUUID(),
    quoteId: quote.id,
    customerId,
    quantity,
    totalFen,
    currency,
  };
  const handle = await client.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: orderWorkflowId(quote.id),
    args: [input],
  });
  return { handle, orderId: input.orderId, quoteId: quote.id };
}
