import { simulatedTrackingNumber } from '../../domain/order/shipment';

/** A carrier booking: the same idempotency key always books the same shipment. */
export interface CarrierBookingRequest {
  carrier: string;
  idempotencyKey: string;
  reference: string;
  address: string | null;
}

/** Books pick-ups with a carrier; real adapters call the carrier's API with the idempotency key. */
export interface CarrierAdapter {
  book(request: CarrierBookingRequest): Promise<{ carrier: string; trackingNumber: string }>;
}

/**
 * The carrier used in development and tests: no network, a tracking number derived from the idempotency key, so a
 * retried booking returns the same number (as a real carrier API does for a repeated idempotency key).
 */
export function createSimulatedCarrier(): CarrierAdapter {
  return {
    book(request) {
      return Promise.resolve({
        carrier: request.carrier,
        trackingNumber: simulatedTrackingNumber(request.carrier, request.idempotencyKey),
      });
    },
  };
}
