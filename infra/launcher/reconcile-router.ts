import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { CASE_TYPES } from '../db/repositories/projections';
import { requireRole } from '../auth/middleware';
import { validate } from '../http/validate';
import { AUTHENTICATED, errorResponses, type OpenAPIRegistry } from '../http/openapi';
import { reconcileProjections } from '../temporal/reconcile';

const ReconcileRequest = z
  .object({
    all: z.boolean().default(false).meta({ description: 'Every case with a workflow, not only the open ones' }),
    caseTypes: z.array(z.enum(CASE_TYPES)).min(1).max(CASE_TYPES.length).optional(),
  })
  .strict();
type ReconcileRequest = z.infer<typeof ReconcileRequest>;

const CaseRef = { caseType: z.enum(CASE_TYPES), id: z.string(), workflowId: z.string() };
const ReconcileReportView = z
  .object({
    checked: z.number().int(),
    corrected: z.array(z.object({ ...CaseRef, before: z.string(), after: z.string() })),
    notes: z.array(z.object({ ...CaseRef, note: z.string(), detail: z.string().optional() })),
    ms: z.number().int(),
  })
  .meta({ id: 'ReconcileReport' });

/** POST /api/admin/reconcile: runs the reconcile pass now (admins) and answers its report. */
export function createReconcileRouter(deps: { db: Db; client: Client; logger: Logger; openapi: OpenAPIRegistry }) {
  const router = Router();
  router.post('/admin/reconcile', requireRole('admin'), validate({ body: ReconcileRequest }), async (req, res) => {
    const body = req.body as ReconcileRequest;
    const report = await reconcileProjections({
      db: deps.db,
      client: deps.client,
      logger: deps.logger,
      all: body.all,
      caseTypes: body.caseTypes,
    });
    res.json(report);
  });
  deps.openapi.registerPath({
    method: 'post',
    path: '/api/admin/reconcile',
    tags: ['admin'],
    summary: "Sets each open case's row to its workflow's state where they differ (admin); idempotent",
    security: AUTHENTICATED,
    request: { body: { content: { 'application/json': { schema: ReconcileRequest } } } },
    responses: {
      200: {
        description: 'What was checked, corrected and noted',
        content: { 'application/json': { schema: ReconcileReportView } },
      },
      ...errorResponses(400, 401, 403),
    },
  });
  return router;
}
