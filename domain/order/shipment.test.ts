import { nextShipmentStatus, simulatedTrackingNumber, type ShipmentEvent, type ShipmentStatus } from './shipment';

// DESIGN.md, shipment: "starts when released; carrier pick-up, tracking number, delivery; ends when delivered".
describe('nextShipmentStatus', () => {
  it.each<[ShipmentStatus, ShipmentEvent, ShipmentStatus | null]>([
    ['awaiting_release', { type: 'released' }, 'released'],
    ['awaiting_release', { type: 'carrier_booked', trackingNumber: 'X1' }, null],
    ['released', { type: 'carrier_booked', trackingNumber: 'X1' }, 'booked'],
    ['released', { type: 'carrier_booked', trackingNumber: ' ' }, null],
    ['released', { type: 'delivered' }, null],
    ['booked', { type: 'delivered' }, 'delivered'],
    ['delivered', { type: 'delivered' }, null],
  ])('%s + %j → %s', (status, event, expected) => {
    const result = nextShipmentStatus(status, event);
    if (expected === null) expect(result.ok).toBe(false);
    else expect(result).toEqual({ ok: true, status: expected });
  });
});

describe('simulatedTrackingNumber', () => {
  it('is the same for the same booking and differs between bookings', () => {
    const a = simulatedTrackingNumber('DHL Express', 'order:q1:ship');
    expect(a).toMatch(/^DHL\d{10}$/);
    expect(simulatedTrackingNumber('DHL Express', 'order:q1:ship')).toBe(a);
    expect(simulatedTrackingNumber('DHL Express', 'order:q2:ship')).not.toBe(a);
  });
});
