/**
 * The customer's answers to an issued quote or to a request for corrected files: a decision (accept, revise,
 * reject), or a new revision with new files and/or comments.
 */
import type { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { receiveMultipart } from '../../infra/http/uploads';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, requireRole } from '../../infra/auth/middleware';
import { AppError, ValidationError } from '../../infra/http/errors';
import {
  addQuoteFile,
  addQuoteRevision,
  listQuoteFiles,
  withdrawQuoteRevision,
} from '../../infra/db/repositories/quotes';
import { findTaskByStep } from '../../infra/db/repositories/tasks';
import { json } from '../../infra/db/database';
import { quoteSteps, quoteWorkflowId } from '../../domain/quote/contract';
import { QUOTE_CUSTOMER_STEP_ROLES } from '../../domain/quote/task-kinds';
import { assertMayComplete, completeOpenStep } from '../tasks/complete-task';
import { discardQuoteFiles } from '../../infra/files/quote-files';
import { CustomerDecisionRequest, QuoteIdParams, ReviseQuoteFields } from './schemas';
import { checkFiles, filesOf, QUOTE_FORM, storeFiles } from './uploads';
import { FileField, multipart, ok } from './openapi';
import type { QuoteFor } from './router';

/** Adds the customer's decision and revision routes; `quoteFor` answers 404 for a quote the actor may not see. */
export function registerDecisionRoutes(router: Router, deps: ServiceDeps, quoteFor: QuoteFor): void {
  const { db, openapi } = deps;
  const receiveFiles = receiveMultipart(deps.uploads, QUOTE_FORM);

  router.post(
    '/quotes/:id/decision',
    // The roles the customer-decision task takes, so the endpoint never lets through someone the task refuses.
    requireRole(...QUOTE_CUSTOMER_STEP_ROLES),
    validate({ params: QuoteIdParams, body: CustomerDecisionRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const quote = await quoteFor(actor, (req.params as QuoteIdParams).id);
      const body = req.body as CustomerDecisionRequest;
      const data: Record<string, unknown> = {};
      if (body.comment) data.comment = body.comment;
      if (body.decision === 'revise' && body.quantity) data.quantity = body.quantity;
      const task = await completeOpenStep(
        deps,
        actor,
        quote.workflow_id ?? quoteWorkflowId(quote.id),
        quoteSteps.customerDecision(quote.current_revision),
        body.decision,
        data,
      );
      res.json({
        quoteId: quote.id,
        revision: quote.current_revision,
        decision: task.decision,
        decidedAt: task.completedAt,
      });
    },
  );

  router.post('/quotes/:id/revisions', requireRole(...QUOTE_CUSTOMER_STEP_ROLES), receiveFiles, async (req, res) => {
    const actor = actorOf(req);
    const { id } = QuoteIdParams.parse(req.params);
    const quote = await quoteFor(actor, id);
    const fields = ReviseQuoteFields.parse(req.body ?? {});
    const files = filesOf(req);
    await checkFiles(files, false);
    const workflowId = quote.workflow_id ?? quoteWorkflowId(quote.id);
    const current = quote.current_revision;
    // The open step decides what the new revision answers: the engineer's request, or the issued quote.
    const corrected = await findTaskByStep(db, workflowId, quoteSteps.correctedFiles(current));
    const decision = await findTaskByStep(db, workflowId, quoteSteps.customerDecision(current));
    const step = corrected?.status === 'open' ? corrected.step : decision?.status === 'open' ? decision.step : null;
    if (!step)
      throw new AppError('conflict', `quote ${quote.reference} is ${quote.status}: no revision can be submitted now`);
    if (step === corrected?.step && !files.gerber && !files.bom && !files.placement)
      throw new ValidationError('gerber: corrected files are required', 'gerber');
    // Authorized before anything is written: a refused request (wrong role, not open) leaves the quote as it was.
    assertMayComplete(deps, actor, (step === corrected?.step ? corrected : decision) as NonNullable<typeof decision>);
    const next = current + 1;
    // Revision n+1 is revision n's files with the newly uploaded kinds replaced (one transaction).
    // Files moved into the revision's folder; a request refused after the move deletes them again.
    const moved: string[] = [];
    const stored = await db
      .transaction()
      .execute(async (trx) => {
        await addQuoteRevision(trx, {
          quote_id: quote.id,
          revision: next,
          quantity: fields.quantity ?? quote.quantity,
          options: json(quote.options),
          note: fields.comment ?? null,
          created_by: actor.userId,
        });
        const saved = await storeFiles(deps.config.dataDir, quote.id, next, files, trx, moved);
        const earlier = (await listQuoteFiles(trx, quote.id)).filter((f) => f.revision <= current);
        for (const kind of ['gerber', 'bom', 'cpl'] as const) {
          if (saved[kind]) continue;
          const latest = earlier.filter((f) => f.kind === kind).sort((a, b) => b.revision - a.revision)[0];
          if (latest) {
            const { id: _id, created_at: _at, revision: _rev, ...kept } = latest;
            await addQuoteFile(trx, { ...kept, revision: next });
          }
        }
        return saved;
      })
      .catch(async (error: unknown) => {
        await discardQuoteFiles(moved);
        throw error;
      });
    const data: Record<string, unknown> = { revision: next };
    if (fields.comment) data.comment = fields.comment;
    if (step === decision?.step && fields.quantity) data.quantity = fields.quantity;
    try {
      await completeOpenStep(deps, actor, workflowId, step, step === corrected?.step ? 'submitted' : 'revise', data);
    } catch (error) {
      // Refused after all (e.g. someone else answered the step just now): the revision's rows go again.
      await db.transaction().execute((trx) => withdrawQuoteRevision(trx, quote.id, next, current));
      await discardQuoteFiles(moved);
      throw error;
    }
    res.status(201).json({
      quoteId: quote.id,
      revision: next,
      files: Object.fromEntries(Object.entries(stored).map(([k, f]) => [k, { name: f?.name, sha256: f?.sha256 }])),
    });
  });

  openapi.registerPath({
    method: 'post',
    path: '/api/quotes/{id}/decision',
    tags: ['quotes'],
    summary:
      "The customer's decision on the issued quote: accept (starts the order), revise (comments / quantity), reject",
    security: AUTHENTICATED,
    request: { params: QuoteIdParams, body: { content: { 'application/json': { schema: CustomerDecisionRequest } } } },
    responses: { ...ok('Decision recorded'), ...errorResponses(400, 401, 403, 404, 409) },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/quotes/{id}/revisions',
    tags: ['quotes'],
    summary:
      'A new revision with new files and/or comments: answers an open corrected-files request or the issued quote',
    security: AUTHENTICATED,
    request: {
      params: QuoteIdParams,
      body: multipart(
        z.object({
          gerber: FileField.optional(),
          bom: FileField.optional(),
          placement: FileField.optional(),
          comment: z.string().optional(),
          quantity: z.number().int().optional(),
        }),
      ),
    },
    responses: { 201: { description: 'Revision submitted' }, ...errorResponses(400, 401, 403, 404, 409) },
  });
}
