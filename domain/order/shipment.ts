/**
 * Shipment (DESIGN.md processes table, shipment: "starts when released; waits on carrier pick-up, tracking
 * number, delivery; ends when delivered"; seed 000: "delivered to the customer in accordance with the method
 * agreed in the agreement").
 */

/** Where a shipment stands. */
export type ShipmentStatus = 'awaiting_release' | 'released' | 'booked' | 'delivered';

/** Something that moves a shipment. */
export type ShipmentEvent =
  { type: 'released' } | { type: 'carrier_booked'; trackingNumber: string } | { type: 'delivered' };

const NEXT: Record<ShipmentEvent['type'], { from: ShipmentStatus; to: ShipmentStatus; what: string }> = {
  released: { from: 'awaiting_release', to: 'released', what: 'released for shipment' },
  carrier_booked: { from: 'released', to: 'booked', what: 'booked with a carrier' },
  delivered: { from: 'booked', to: 'delivered', what: 'confirmed delivered' },
};

/** The shipment after `event`, or why it cannot happen now (booking before release, delivery before booking). */
export function nextShipmentStatus(
  status: ShipmentStatus,
  event: ShipmentEvent,
): { ok: true; status: ShipmentStatus } | { ok: false; reason: string } {
  const step = NEXT[event.type];
  if (status !== step.from)
    return {
      ok: false,
      reason: `the shipment is ${status.replace('_', ' ')}; it can be ${step.what} only when ${step.from.replace('_', ' ')}`,
    };
  if (event.type === 'carrier_booked' && !event.trackingNumber.trim())
    return { ok: false, reason: 'a booking needs a tracking number' };
  return { ok: true, status: step.to };
}

/**
 * Tracking number of the simulated carrier: derived from the idempotency key only, so a retried booking gets the
 * same number (FNV-1a, 10 digits, with the carrier's prefix).
 */
export function simulatedTrackingNumber(carrier: string, idempotencyKey: string): string {
  let hash = 0x811c9dc5;
  for (const ch of `${carrier}|${idempotencyKey}`) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const prefix = carrier
    .replace(/[^A-Za-z]/g, '')
    .slice(0, 3)
    .toUpperCase()
    .padEnd(3, 'X');
  return `${prefix}${String(hash).padStart(10, '0')}`;
}
