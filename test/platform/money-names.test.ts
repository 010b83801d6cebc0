/**
 * The money rename (`…Minor` → `…Fen`) over HTTP: each request field that was renamed, posted under its old name,
 * gives the same answer as under its new one, through the app's own middleware and the endpoints' own schemas;
 * both names with different values are refused naming the field.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { z } from 'zod';
import { acceptOldMoneyNames, validate } from '../../infra/http/validate';
import { errorMiddleware } from '../../infra/http/error-middleware';
import { PaymentTermsRequestSchema } from '../../services/customer/router';
import { ReviewRequest } from '../../services/quote/schemas';
import { PaymentData, RefundData } from '../../domain/order/task-kinds';
import { engineeringReviewTaskKind } from '../../domain/quote/task-kinds';

/** Every renamed request field: the endpoint's body schema, and a body under the new names. */
const ENDPOINTS: { name: string; body: z.ZodType; sent: Record<string, unknown> }[] = [
  {
    name: 'PUT /api/customers/:id/payment-terms',
    body: PaymentTermsRequestSchema,
    sent: { kind: 'monthly', creditLimitFen: 5_000_000 },
  },
  {
    name: 'POST /api/orders/:id/payments',
    body: PaymentData,
    sent: { amountFen: 12_345, currency: 'CNY', reference: 'BANK-1' },
  },
  {
    name: 'POST /api/tasks/:id/complete (order.payment)',
    body: z.object({ decision: z.literal('record'), data: PaymentData }).strict(),
    sent: { decision: 'record', data: { amountFen: 500, currency: 'CNY', reference: 'BANK-2' } },
  },
  {
    name: 'POST /api/tasks/:id/complete (order.refund)',
    body: z.object({ decision: z.literal('propose'), data: RefundData }).strict(),
    sent: { decision: 'propose', data: { materialsPurchasedFen: 300, toolingFen: 200 } },
  },
  {
    name: 'POST /api/tasks/:id/complete (quote.engineering-review)',
    body: z.object({ decision: z.literal('approve'), data: engineeringReviewTaskKind.data }).strict(),
    sent: { decision: 'approve', data: { adjustments: [{ code: 'SMT-PLACE', unitPriceFen: 40 }] } },
  },
  {
    name: 'POST /api/quotes/:id/review',
    body: ReviewRequest,
    sent: { decision: 'approve', adjustments: [{ code: 'SMT-PLACE', unitPriceFen: 40, quantity: 2 }] },
  },
];

/** The same body with every `…Fen` key named as before the rename. */
function underOldNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(underOldNames);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.endsWith('Fen') ? `${k.slice(0, -3)}Minor` : k, underOldNames(v)]),
  );
}

describe('money fields under their old names (…Minor) over HTTP', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use(acceptOldMoneyNames);
    ENDPOINTS.forEach((endpoint, i) =>
      app.post(`/e/${i}`, validate({ body: endpoint.body }), (req, res) => {
        res.json(req.body);
      }),
    );
    app.use(errorMiddleware(pino({ level: 'silent' })));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = async (i: number, body: unknown) => {
    const r = await fetch(`${base}/e/${i}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it.each(ENDPOINTS.map((e, i) => [e.name, i] as const))(
    '%s: the old names give the same answer as the new ones',
    async (_name, i) => {
      const sent = ENDPOINTS[i].sent;
      const old = underOldNames(sent);
      expect(JSON.stringify(old)).toMatch(/Minor"/);
      const current = await post(i, sent);
      expect(current.status).toBe(200);
      expect(await post(i, old)).toEqual(current);
      // A strict schema refuses a name it does not know: the old names pass only because they are read as new.
      expect(JSON.stringify(current.body)).not.toMatch(/Minor"/);
    },
  );

  it('accepts both names with the same value, and refuses them with different values, naming the field', async () => {
    expect((await post(1, { ...ENDPOINTS[1].sent, amountMinor: 12_345 })).status).toBe(200);
    const differs = await post(1, { ...ENDPOINTS[1].sent, amountMinor: 1 });
    expect(differs.status).toBe(400);
    expect(differs.body.error).toMatchObject({ code: 'validation_failed', field: 'amountFen' });
    const nested = await post(4, {
      decision: 'approve',
      data: { adjustments: [{ code: 'X', unitPriceFen: 1, unitPriceMinor: 2 }] },
    });
    expect(nested.status).toBe(400);
    expect(nested.body.error).toMatchObject({ field: 'data.adjustments.0.unitPriceFen' });
  });

  it('without the old-name reading the same old body is refused (the schemas are strict)', async () => {
    const parsed = PaymentData.safeParse(underOldNames(ENDPOINTS[1].sent));
    expect(parsed.success).toBe(false);
  });
});
