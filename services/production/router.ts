import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, assertCustomerAccess, customerScope, requireAuth, requireRole } from '../../infra/auth/middleware';
import { BusinessRuleError, ConflictError, NotFoundError } from '../../infra/http/errors';
import { listTasks } from '../../infra/db/repositories/tasks';
import { listAudit, recordAudit } from '../../infra/db/repositories/audit';
import { getOrder, listInvoices, listOrders, listShipments } from '../../infra/db/repositories/orders';
import { getProductionOrderByOrder } from '../../infra/db/repositories/production';
import type { OrderRow } from '../../infra/db/schema';
import type { Task } from '../../domain/tasks/task';
import { completeTask } from '../tasks/complete-task';
import { customerOrderWorkflow, customerProduction, customerTimeline } from './customer-view';
import { cancelOrderSignal, orderStateQuery, type OrderView } from '../../domain/order/contract';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { applyPayment } from '../../domain/order/payment';
import { applyProgress, type ProgressTally } from '../../domain/order/progress';
import { canCancel } from '../../domain/order/cancellation';
import {
  CancelOrderRequest,
  DeliveryData,
  InspectionData,
  ListOrdersQuery,
  OrderDetail,
  OrderIdParams,
  OrderSummary,
  PaymentData,
  ProgressData,
  ShipmentData,
  StepAccepted,
} from './schemas';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toSummary(order: OrderRow): OrderSummary {
  return {
    id: order.id,
    reference: order.reference,
    quoteId: order.quote_id,
    customerId: order.customer_id,
    status: order.status,
    quantity: order.quantity,
    totalFen: Number(order.total_fen),
    currency: order.currency,
    createdAt: order.created_at.toISOString(),
    updatedAt: order.updated_at.toISOString(),
  };
}

/**
 * Orders and production: list and detail (with the workflow's state and the timeline) for staff and the owning
 * customer; the floor's progress (production), inspection results (qa), payments (finance), shipments (warehouse)
 * and cancellation (sales manager). Each step completes the workflow's open task for it; a step that is not open
 * answers 409.
 */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  const { db } = deps;

  /** The order, if the actor may see it (customers: only their own; 404 otherwise). */
  async function loadOrder(req: Request): Promise<OrderRow> {
    const order = await getOrder(db, (req.params as OrderIdParams).id);
    if (!order) throw new NotFoundError('order');
    assertCustomerAccess(actorOf(req), order.customer_id, 'order');
    return order;
  }

  async function workflowState(order: OrderRow): Promise<OrderView | null> {
    if (!order.workflow_id) return null;
    try {
      return await deps.temporal.workflow.getHandle(order.workflow_id).query(orderStateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      deps.logger.warn({ err: error, orderId: order.id }, 'order workflow query failed');
      return null;
    }
  }

  /** The order's open task of `kind` (optionally matching its payload); 409 when that step is not open. */
  async function openStep(order: OrderRow, kind: string, what: string, match?: (task: Task) => boolean): Promise<Task> {
    const open = await listTasks(db, { caseType: 'order', caseId: order.id, kind, status: 'open' });
    const task = match ? open.find(match) : open[0];
    if (!task) throw new ConflictError(`${what} is not open for order ${order.reference} (status ${order.status})`);
    return task;
  }

  router.get('/orders', requireAuth, validate({ query: ListOrdersQuery }), async (req, res) => {
    const actor = actorOf(req);
    const q = req.query as unknown as ListOrdersQuery;
    const scope = customerScope(actor);
    const rows = await listOrders(db, {
      customerId: scope ?? q.customerId,
      status: q.status,
      limit: q.limit,
      offset: q.offset,
    });
    res.json({ orders: rows.map(toSummary) });
  });

  router.get('/orders/:id', requireAuth, validate({ params: OrderIdParams }), async (req, res) => {
    const order = await loadOrder(req);
    const [workflow, timeline, invoices, shipments, production] = await Promise.all([
      workflowState(order),
      listAudit(db, 'order', order.id),
      listInvoices(db, { orderId: order.id }),
      listShipments(db, { orderId: order.id }),
      getProductionOrderByOrder(db, order.id),
    ]);
    if (actorOf(req).role === 'customer') {
      // An explicit customer view (./customer-view): no staff identities, internal comments, deadlines or kit internals.
      res.json({
        ...toSummary(order),
        workflow: customerOrderWorkflow(workflow),
        timeline: customerTimeline(timeline),
        invoices: invoices.map((i) => ({
          number: i.number,
          kind: i.kind,
          amountFen: Number(i.amount_fen),
          status: i.status,
        })),
        shipments: shipments.map((s) => ({
          status: s.status,
          carrier: s.carrier,
          trackingNumber: s.tracking_number,
          deliveredAt: iso(s.delivered_at),
        })),
        production: customerProduction(production),
      });
      return;
    }
    const detail: OrderDetail = {
      ...toSummary(order),
      workflow: workflow as unknown as Record<string, unknown> | null,
      timeline: timeline.map((e) => ({
        at: e.at.toISOString(),
        action: e.action,
        actorRole: e.actor_role,
        details: e.after,
      })),
      invoices: invoices.map((i) => ({
        number: i.number,
        kind: i.kind,
        amountFen: Number(i.amount_fen),
        status: i.status,
      })),
      shipments: shipments.map((s) => ({
        status: s.status,
        carrier: s.carrier,
        trackingNumber: s.tracking_number,
        deliveredAt: iso(s.delivered_at),
      })),
      production: production
        ? {
            status: production.status,
            quantity: production.quantity,
            producedQuantity: Number(production.produced_quantity),
            lineSlot: production.line_slot,
          }
        : null,
    };
    res.json(detail);
  });

  router.post(
    '/orders/:id/progress',
    requireRole('production'),
    validate({ params: OrderIdParams, body: ProgressData }),
    async (req, res) => {
      const order = await loadOrder(req);
      const body = req.body as ProgressData;
      const task = await openStep(order, K.progress, 'volume production');
      // Checked here so the floor hears at once why a count is refused (the workflow would only skip it).
      const checked = applyProgress((task.payload.tally ?? {}) as ProgressTally, body, order.quantity);
      if (!checked.ok) throw new BusinessRuleError(checked.reason, checked.field);
      await completeTask(deps, actorOf(req), task, 'report', body);
      res.status(202).json({ taskId: task.id, step: task.step, decision: 'report' });
    },
  );

  router.post(
    '/orders/:id/inspections',
    requireRole('qa'),
    validate({ params: OrderIdParams, body: InspectionData }),
    async (req, res) => {
      const order = await loadOrder(req);
      const body = req.body as InspectionData;
      const task = await openStep(
        order,
        K.inspection,
        `inspection of lot ${body.lotIndex}`,
        (t) => t.payload.lotIndex === body.lotIndex,
      );
      const expected = Number(task.payload.unitsToInspect);
      const reported = body.passedCount + body.failedUnits.length;
      if (reported !== expected)
        throw new BusinessRuleError(
          `this round must cover ${expected} unit(s); ${reported} were reported`,
          'passedCount',
        );
      if (new Set(body.failedUnits.map((u) => u.serial)).size !== body.failedUnits.length)
        throw new BusinessRuleError('a failed unit serial is listed twice', 'failedUnits');
      await completeTask(deps, actorOf(req), task, 'record', body);
      res.status(202).json({ taskId: task.id, step: task.step, decision: 'record' });
    },
  );

  router.post(
    '/orders/:id/payments',
    requireRole('finance'),
    validate({ params: OrderIdParams, body: PaymentData }),
    async (req, res) => {
      const order = await loadOrder(req);
      const body = req.body as PaymentData;
      const task = await openStep(order, K.payment, 'payment');
      const outstanding = Number(task.payload.outstandingFen);
      const check = applyPayment(
        { invoicedFen: outstanding, currency: String(task.payload.currency), payments: [] },
        body,
      );
      if (!check.ok) throw new BusinessRuleError(check.reason, check.field);
      await completeTask(deps, actorOf(req), task, 'record', body);
      res
        .status(202)
        .json({ taskId: task.id, step: task.step, decision: 'record', outstandingFen: check.outstandingFen });
    },
  );

  router.post(
    '/orders/:id/shipments',
    requireRole('warehouse'),
    validate({ params: OrderIdParams, body: ShipmentData }),
    async (req, res) => {
      const order = await loadOrder(req);
      const task = await openStep(
        order,
        K.shipmentBooking,
        'shipment (the order must have passed QC and be paid or released on credit)',
      );
      await completeTask(deps, actorOf(req), task, 'book', req.body as ShipmentData);
      res.status(202).json({ taskId: task.id, step: task.step, decision: 'book' });
    },
  );

  router.post(
    '/orders/:id/shipments/delivered',
    requireRole('warehouse'),
    validate({ params: OrderIdParams, body: DeliveryData }),
    async (req, res) => {
      const order = await loadOrder(req);
      const task = await openStep(order, K.delivery, 'delivery confirmation (the carrier must be booked first)');
      await completeTask(deps, actorOf(req), task, 'delivered', req.body as DeliveryData);
      res.status(202).json({ taskId: task.id, step: task.step, decision: 'delivered' });
    },
  );

  router.post(
    '/orders/:id/cancel',
    requireRole('sales_manager'),
    validate({ params: OrderIdParams, body: CancelOrderRequest }),
    async (req, res) => {
      const order = await loadOrder(req);
      const actor = actorOf(req);
      const state = await workflowState(order);
      if (!state) throw new ConflictError('the order process is not running');
      const allowed = canCancel(state.stage);
      if (!allowed.ok) throw new ConflictError(allowed.reason);
      const body = req.body as CancelOrderRequest;
      await deps.temporal.workflow.getHandle(order.workflow_id as string).signal(cancelOrderSignal, {
        reason: body.reason,
        cancelledBy: { userId: actor.userId, email: actor.email, role: actor.role },
        at: new Date().toISOString(),
      });
      await recordAudit(db, {
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'order.cancel_requested',
        entityType: 'order',
        entityId: order.id,
        before: { stage: state.stage },
        after: { reason: body.reason },
      });
      res.status(202).json({ orderId: order.id, stage: state.stage, cancelling: true });
    },
  );

  const openapi = deps.openapi;
  const idParams = { params: OrderIdParams };
  const step = (summary: string, body: z.ZodType, roles: string): Omit<RouteConfig, 'method' | 'path'> => ({
    tags: ['orders'],
    summary: `${summary} (${roles}); 409 when that step is not open`,
    security: AUTHENTICATED,
    request: { ...idParams, body: { content: { 'application/json': { schema: body } } } },
    responses: {
      202: {
        description: 'Step recorded; the workflow moves on',
        content: { 'application/json': { schema: StepAccepted } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/orders',
    tags: ['orders'],
    summary: 'Orders (customers see only their own)',
    security: AUTHENTICATED,
    request: { query: ListOrdersQuery },
    responses: {
      200: {
        description: 'Orders, newest first',
        content: { 'application/json': { schema: z.object({ orders: z.array(OrderSummary) }) } },
      },
      ...errorResponses(400, 401),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/orders/{id}',
    tags: ['orders'],
    summary:
      'One order with its workflow state (stage, open tasks, deadlines, decisions), timeline, invoices, shipments and production',
    security: AUTHENTICATED,
    request: idParams,
    responses: {
      200: { description: 'The order', content: { 'application/json': { schema: OrderDetail } } },
      ...errorResponses(400, 401, 404),
    },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/orders/{id}/progress',
    ...step('Report volume production progress: cumulative quantity done at a step', ProgressData, 'production'),
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/orders/{id}/inspections',
    ...step('Record an inspection round of a lot', InspectionData, 'qa'),
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/orders/{id}/payments',
    ...step('Record a payment (amount in fen, reference); partial payments accumulate', PaymentData, 'finance'),
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/orders/{id}/shipments',
    ...step('Book the carrier for a released order', ShipmentData, 'warehouse'),
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/orders/{id}/shipments/delivered',
    ...step('Confirm delivery', DeliveryData, 'warehouse'),
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/orders/{id}/cancel',
    ...step('Cancel the order with compensation', CancelOrderRequest, 'sales_manager'),
  });
  return router;
}
