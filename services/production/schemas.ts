import { z } from 'zod';
import { multilineText } from '../../domain/shared/fields';
import { ORDER_STAGES } from '../../domain/order/contract';

export { DeliveryData, InspectionData, PaymentData, ProgressData, ShipmentData } from '../../domain/order/task-kinds';

export const OrderIdParams = z.object({ id: z.uuid('id must be an order id (uuid)') }).strict();
export type OrderIdParams = z.infer<typeof OrderIdParams>;

export const ListOrdersQuery = z
  .object({
    status: z.enum(ORDER_STAGES).optional(),
    customerId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type ListOrdersQuery = z.infer<typeof ListOrdersQuery>;

export const CancelOrderRequest = z.object({ reason: multilineText({ min: 3, max: 1000 }) }).strict();
export type CancelOrderRequest = z.infer<typeof CancelOrderRequest>;

export const OrderSummary = z.object({
  id: z.string(),
  reference: z.string(),
  quoteId: z.string().nullable(),
  customerId: z.string(),
  status: z.string(),
  quantity: z.number(),
  totalFen: z.number(),
  currency: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrderSummary = z.infer<typeof OrderSummary>;

export const OrderDetail = OrderSummary.extend({
  workflow: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The workflow query: stage, open tasks, deadlines, decisions, progress, lots, payment, shipment'),
  timeline: z.array(
    z.object({ at: z.string(), action: z.string(), actorRole: z.string().nullable(), details: z.unknown() }),
  ),
  invoices: z.array(z.object({ number: z.string(), kind: z.string(), amountFen: z.number(), status: z.string() })),
  shipments: z.array(
    z.object({
      status: z.string(),
      carrier: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      deliveredAt: z.string().nullable(),
    }),
  ),
  production: z
    .object({ status: z.string(), quantity: z.number(), producedQuantity: z.number(), lineSlot: z.string().nullable() })
    .nullable(),
});
export type OrderDetail = z.infer<typeof OrderDetail>;

export const StepAccepted = z.object({ taskId: z.string(), step: z.string(), decision: z.string() });
