import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/database';
import { listCaughtMail } from '../db/repositories/caught-mail';
import { requireRole } from '../auth/middleware';
import { validate } from '../http/validate';
import { AUTHENTICATED, errorResponses, type OpenAPIRegistry } from '../http/openapi';

const DevMailQuery = z.object({
  to: z.string().min(1).max(254).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
type DevMailQuery = z.infer<typeof DevMailQuery>;

const CaughtMailView = z
  .object({
    id: z.uuid(),
    messageId: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string(),
    subject: z.string().nullable(),
    text: z.string().nullable(),
    html: z.string().nullable(),
    receivedAt: z.string(),
  })
  .meta({ id: 'CaughtMail' });

/** GET /api/dev/mail: what the embedded mail catcher received (admins only; mounted only in embedded mode). */
export function createDevMailRouter(deps: { db: Db; openapi: OpenAPIRegistry }): Router {
  const router = Router();
  router.get('/dev/mail', requireRole('admin'), validate({ query: DevMailQuery }), async (req, res) => {
    const q = req.query as unknown as DevMailQuery;
    const mails = await listCaughtMail(deps.db, { to: q.to, limit: q.limit });
    res.json({
      mail: mails.map((m) => ({
        id: m.id,
        messageId: m.message_id,
        from: m.from_address,
        to: m.to_addresses,
        subject: m.subject,
        text: m.text_body,
        html: m.html_body,
        receivedAt: m.received_at.toISOString(),
      })),
    });
  });
  deps.openapi.registerPath({
    method: 'get',
    path: '/api/dev/mail',
    tags: ['dev'],
    summary: 'Mail caught by the embedded SMTP catcher, newest first (embedded mode, admin)',
    security: AUTHENTICATED,
    request: { query: DevMailQuery },
    responses: {
      200: {
        description: 'Caught mail',
        content: { 'application/json': { schema: z.object({ mail: z.array(CaughtMailView) }) } },
      },
      ...errorResponses(400, 401, 403),
    },
  });
  return router;
}
