/** Completing a role's step of one RMA. */
import type { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, requireAuth } from '../../infra/auth/middleware';
import { ConflictError } from '../../infra/http/errors';
import { listTasks } from '../../infra/db/repositories/tasks';
import { completeTask } from '../tasks/complete-task';
import { RMA_CASE_TYPE } from '../../domain/rma/contract';
import { CompleteStepRequest, RmaStepParams } from './schemas';
import { jsonResponse } from './openapi';
import type { CaseFor } from './router';

/** Adds the step route; `caseFor` answers 404 for a case the actor may not see. */
export function registerStepRoutes(router: Router, deps: ServiceDeps, caseFor: CaseFor): void {
  // A role's step of one RMA: the open task of that step, completed through the platform's task mechanism
  // (same row, same audit, same taskCompleted signal as POST /api/tasks/:id/complete).
  router.post(
    '/rmas/:id/steps/:step',
    requireAuth,
    validate({ params: RmaStepParams, body: CompleteStepRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const { id, step } = req.params as RmaStepParams;
      const body = req.body as CompleteStepRequest;
      const row = await caseFor(req, id);
      const [task] = await listTasks(deps.db, { caseType: RMA_CASE_TYPE, caseId: row.id, status: 'open' }).then((ts) =>
        ts.filter((t) => t.step === step),
      );
      if (!task) throw new ConflictError(`RMA ${row.reference} has no open step "${step}"`);
      const done = await completeTask(deps, actor, task, body.decision, body.data);
      res.json({ rmaId: row.id, step, decision: body.decision, completedAt: done.completedAt?.toISOString() });
    },
  );

  const r = deps.openapi;
  r.registerPath({
    method: 'post',
    path: '/api/rmas/{id}/steps/{step}',
    tags: ['rma'],
    summary:
      'Complete one RMA step as its role (site-visit, return-acceptance, receive-units, classify, …); signals the workflow',
    security: AUTHENTICATED,
    request: { params: RmaStepParams, body: { content: { 'application/json': { schema: CompleteStepRequest } } } },
    responses: {
      200: jsonResponse(
        z.object({ rmaId: z.uuid(), step: z.string(), decision: z.string(), completedAt: z.string() }),
        'Step done',
      ),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
}
