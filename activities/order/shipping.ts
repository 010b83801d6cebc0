/** Shipping the order: release for shipment, the carrier booking, the delivery. */
import { ApplicationFailure } from '@temporalio/common';
import { getCustomer } from '../../infra/db/repositories/customers';
import { createShipment, getOrder, listShipments, updateShipment } from '../../infra/db/repositories/orders';
import { createSimulatedCarrier } from './carrier';
import { auditOrder, callingWorkflowId, mailCustomer, type ActivityActor, type OrderActivityDeps } from './context';

export function createOrderShippingActivities(deps: OrderActivityDeps) {
  const { db } = deps;
  const carrier = deps.carrier ?? createSimulatedCarrier();
  return {
    /** Releases the order for shipment (the shipment row appears). */
    async orderRelease(request: { orderId: string; onCredit: boolean; actor: ActivityActor | null }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await listShipments(trx, { orderId: request.orderId });
        if (existing.length > 0) return;
        await createShipment(trx, {
          order_id: request.orderId,
          status: 'released',
          released_by: request.actor?.userId ?? null,
          released_at: new Date(),
        });
        await auditOrder(trx, request.orderId, 'shipment.released', { onCredit: request.onCredit }, request.actor);
      });
    },

    /** Books the carrier (idempotent through the carrier's idempotency key) and records the tracking number. */
    async orderBookCarrier(request: {
      orderId: string;
      customerId: string;
      carrier: string;
      actor: ActivityActor;
    }): Promise<{ carrier: string; trackingNumber: string }> {
      const key = `${callingWorkflowId()}:shipment:book`;
      const order = await getOrder(db, request.orderId);
      if (!order) throw ApplicationFailure.nonRetryable(`order ${request.orderId} not found`, 'OrderNotFound');
      const customer = await getCustomer(db, request.customerId);
      const booking = await carrier.book({
        carrier: request.carrier,
        idempotencyKey: key,
        reference: order.reference,
        address: customer?.address ?? null,
      });
      await db.transaction().execute(async (trx) => {
        const [shipment] = await listShipments(trx, { orderId: request.orderId });
        if (!shipment) throw ApplicationFailure.nonRetryable(`order ${request.orderId} is not released`, 'NotReleased');
        if (shipment.tracking_number) return;
        await updateShipment(trx, shipment.id, {
          status: 'booked',
          carrier: booking.carrier,
          tracking_number: booking.trackingNumber,
          picked_up_at: new Date(),
        });
        await auditOrder(trx, request.orderId, 'shipment.booked', booking, request.actor);
        await mailCustomer(
          trx,
          request.customerId,
          `${key}:mail`,
          `Order ${order.reference} shipped / 订单 ${order.reference} 已发货`,
          [
            `Order ${order.reference} left with ${booking.carrier}; tracking number ${booking.trackingNumber}.`,
            `订单 ${order.reference} 已交 ${booking.carrier} 承运，运单号 ${booking.trackingNumber}。`,
          ].join('\n\n'),
        );
      });
      return booking;
    },

    /** Records the delivery. */
    async orderConfirmDelivery(request: {
      orderId: string;
      deliveredOn: string | null;
      actor: ActivityActor;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const [shipment] = await listShipments(trx, { orderId: request.orderId });
        if (!shipment) throw ApplicationFailure.nonRetryable(`order ${request.orderId} has no shipment`, 'NoShipment');
        if (shipment.delivered_at) return;
        await updateShipment(trx, shipment.id, {
          status: 'delivered',
          delivered_at: request.deliveredOn ? new Date(`${request.deliveredOn}T12:00:00Z`) : new Date(),
        });
        await auditOrder(
          trx,
          request.orderId,
          'shipment.delivered',
          { deliveredOn: request.deliveredOn },
          request.actor,
        );
      });
    },
  };
}
