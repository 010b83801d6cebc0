/** The engineering review of a quote: adjust line items and approve, or ask the customer for corrected files. */
import type { Router } from 'express';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, requireRole } from '../../infra/auth/middleware';
import { ValidationError } from '../../infra/http/errors';
import { listQuoteRevisions } from '../../infra/db/repositories/quotes';
import { listTasks } from '../../infra/db/repositories/tasks';
import { QUOTE_TASK_KIND_NAMES, quoteSteps, quoteWorkflowId } from '../../domain/quote/contract';
import type { PricedQuote } from '../../domain/quote/pricing';
import { completeOpenStep } from '../tasks/complete-task';
import { QuoteIdParams, ReviewRequest } from './schemas';
import { ok } from './openapi';
import type { QuoteFor } from './router';

/** Adds the engineering review route; `quoteFor` answers 404 for a quote the actor may not see. */
export function registerReviewRoutes(router: Router, deps: ServiceDeps, quoteFor: QuoteFor): void {
  const { db, openapi } = deps;

  router.post(
    '/quotes/:id/review',
    requireRole('engineer', 'sales_manager'),
    validate({ params: QuoteIdParams, body: ReviewRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const quote = await quoteFor(actor, (req.params as QuoteIdParams).id);
      const body = req.body as ReviewRequest;
      if (body.adjustments?.length) {
        const revision = (await listQuoteRevisions(db, quote.id)).find((r) => r.revision === quote.current_revision);
        const priced = revision?.price_breakdown as unknown as PricedQuote | null;
        const codes = new Set(priced?.lineItems.map((i) => i.code) ?? []);
        const unknown = body.adjustments.find((a) => !codes.has(a.code));
        if (unknown)
          throw new ValidationError(
            `adjustments: no line item with code "${unknown.code}" (have: ${[...codes].join(', ') || 'none'})`,
            'adjustments',
          );
      }
      const data: Record<string, unknown> = {};
      if (body.comment) data.comment = body.comment;
      if (body.adjustments?.length) data.adjustments = body.adjustments;
      // The open review of the current revision (asked again when line changes could not be applied).
      const workflowId = quote.workflow_id ?? quoteWorkflowId(quote.id);
      const open = await listTasks(db, { workflowId, status: 'open', kind: QUOTE_TASK_KIND_NAMES.engineeringReview });
      const step =
        open.find((t) => t.step.startsWith(quoteSteps.engineeringReview(quote.current_revision)))?.step ??
        quoteSteps.engineeringReview(quote.current_revision);
      const task = await completeOpenStep(deps, actor, workflowId, step, body.decision, data);
      res.json({
        quoteId: quote.id,
        revision: quote.current_revision,
        decision: task.decision,
        decidedAt: task.completedAt,
      });
    },
  );

  openapi.registerPath({
    method: 'post',
    path: '/api/quotes/{id}/review',
    tags: ['quotes'],
    summary: 'Engineering review: adjust line items and approve, or ask the customer for corrected files',
    security: AUTHENTICATED,
    request: { params: QuoteIdParams, body: { content: { 'application/json': { schema: ReviewRequest } } } },
    responses: { ...ok('Review recorded'), ...errorResponses(400, 401, 403, 404, 409) },
  });
}
