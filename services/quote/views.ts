/** Reading quotes: the list, and one quote with its analysis, revisions, files and workflow state. */
import { existsSync } from 'node:fs';
import type { Router } from 'express';
import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, customerScope, requireAuth } from '../../infra/auth/middleware';
import { NotFoundError } from '../../infra/http/errors';
import { listQuoteAnalyses, listQuoteFiles, listQuoteRevisions, listQuotes } from '../../infra/db/repositories/quotes';
import type { QuoteRow } from '../../infra/db/schema';
import { quoteStateQuery, quoteWorkflowId, type QuoteState } from '../../domain/quote/contract';
import type { PricedQuote } from '../../domain/quote/pricing';
import { quoteDocumentsDir, quotePdfPath } from '../../infra/files/quote-files';
import { customerPrice, customerQuoteWorkflow } from './customer-view';
import { ListQuotesQuery, QuoteIdParams, QuoteSummary } from './schemas';
import { ok } from './openapi';
import type { QuoteFor } from './router';

export function summary(q: QuoteRow): z.infer<typeof QuoteSummary> {
  return {
    id: q.id,
    reference: q.reference,
    customerId: q.customer_id,
    status: q.status,
    revision: q.current_revision,
    quantity: q.quantity,
    currency: q.currency,
    validUntil: q.valid_until ? new Date(q.valid_until).toISOString() : null,
    createdAt: new Date(q.created_at).toISOString(),
  };
}

async function workflowState(deps: ServiceDeps, quote: QuoteRow): Promise<QuoteState | null> {
  try {
    return await deps.temporal.workflow.getHandle(quoteWorkflowId(quote.id)).query(quoteStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    deps.logger.warn({ err: error, quoteId: quote.id }, 'quote state query failed');
    return null;
  }
}

/** Adds the routes that list and read quotes; `quoteFor` answers 404 for a quote the actor may not see. */
export function registerViewRoutes(router: Router, deps: ServiceDeps, quoteFor: QuoteFor): void {
  const { db, openapi } = deps;
  const documentsDir = quoteDocumentsDir(deps.config.dataDir);

  router.get('/quotes', requireAuth, validate({ query: ListQuotesQuery }), async (req, res) => {
    const actor = actorOf(req);
    const query = req.query as unknown as ListQuotesQuery;
    const scope = customerScope(actor);
    if (scope && query.customerId && query.customerId !== scope) throw new NotFoundError('customer');
    const quotes = await listQuotes(db, {
      customerId: scope ?? query.customerId,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
    res.json({ quotes: quotes.map(summary) });
  });

  router.get('/quotes/:id', requireAuth, validate({ params: QuoteIdParams }), async (req, res) => {
    const actor = actorOf(req);
    const quote = await quoteFor(actor, (req.params as QuoteIdParams).id);
    const [revisions, files, analyses, state] = await Promise.all([
      listQuoteRevisions(db, quote.id),
      listQuoteFiles(db, quote.id),
      listQuoteAnalyses(db, quote.id, quote.current_revision),
      workflowState(deps, quote),
    ]);
    const analysis = analyses.find((a) => a.kind === 'board');
    const result = (analysis?.result ?? null) as Record<string, unknown> | null;
    const analysisView = result
      ? {
          revision: quote.current_revision,
          board: result.board ?? null,
          drill: result.drill ?? null,
          bom: result.bom ?? null,
          placement: result.placement ?? null,
          issues: result.issues ?? [],
          refused: result.refused ?? null,
          dfmErrors: analysis?.dfm_errors,
          dfmWarnings: analysis?.dfm_warnings,
        }
      : null;
    const filesOfRevision = (revision: number) =>
      files
        .filter((f) => f.revision === revision)
        .map((f) => ({
          id: f.id,
          download: `/api/quotes/${quote.id}/files/${f.id}`,
          kind: f.kind,
          name: f.filename,
          sha256: f.content_hash,
          bytes: f.size_bytes,
        }));
    const pdfOf = (revision: number) =>
      existsSync(quotePdfPath(documentsDir, quote.reference, revision))
        ? `/api/quotes/${quote.id}/pdf?revision=${revision}`
        : null;
    if (actor.role === 'customer') {
      // An explicit customer view (services/quote/customer-view): no staff identities, internal notes or deadlines.
      res.json({
        ...summary(quote),
        options: quote.options,
        analysis: analysisView,
        revisions: revisions.map((r) => ({
          revision: r.revision,
          quantity: r.quantity,
          totalFen: r.total_fen,
          price: customerPrice(r.price_breakdown as unknown as PricedQuote | null),
          files: filesOfRevision(r.revision),
          pdf: pdfOf(r.revision),
        })),
        workflow: customerQuoteWorkflow(state),
      });
      return;
    }
    res.json({
      ...summary(quote),
      workflowId: quote.workflow_id,
      options: quote.options,
      analysis: analysisView,
      revisions: revisions.map((r) => {
        const priced = r.price_breakdown as unknown as PricedQuote | null;
        return {
          revision: r.revision,
          quantity: r.quantity,
          totalFen: r.total_fen,
          autoQuoteAllowed: r.auto_quote_allowed,
          note: r.note,
          price: priced
            ? {
                currency: priced.currency,
                lineItems: priced.lineItems,
                subtotals: priced.subtotals,
                totalFen: priced.totalFen,
                perBoardFen: priced.perBoardFen,
                quantityBreaks: priced.quantityBreaks,
                reviewReasons: priced.reviewReasons,
                validUntil: priced.validUntil,
                rulesVersion: priced.rulesVersion,
              }
            : null,
          files: filesOfRevision(r.revision),
          pdf: pdfOf(r.revision),
        };
      }),
      workflow: state,
    });
  });

  openapi.registerPath({
    method: 'get',
    path: '/api/quotes',
    tags: ['quotes'],
    summary: 'Quotes, newest first (customers see their own)',
    security: AUTHENTICATED,
    request: { query: ListQuotesQuery },
    responses: {
      200: {
        description: 'Quotes',
        content: { 'application/json': { schema: z.object({ quotes: z.array(QuoteSummary) }) } },
      },
      ...errorResponses(400, 401),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/quotes/{id}',
    tags: ['quotes'],
    summary:
      'One quote: analysis, price breakdown per revision, files with hashes, workflow state (step, open tasks, deadlines, decisions)',
    security: AUTHENTICATED,
    request: { params: QuoteIdParams },
    responses: { ...ok('The quote'), ...errorResponses(400, 401, 404) },
  });
}
