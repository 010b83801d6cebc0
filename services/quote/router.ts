/**
 * The quote API: upload files to ask for a quote (customer for itself, sales for a customer), read quotes with
 * their analysis, price breakdown and revisions, download the PDF, and act on the open steps (engineering
 * review, customer decision, revision with new files). Every action checks role and ownership; a step that is
 * not open answers 409.
 */
import { Router } from 'express';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { assertCustomerAccess } from '../../infra/auth/middleware';
import type { Actor } from '../../infra/auth/sessions';
import { NotFoundError } from '../../infra/http/errors';
import { getQuote } from '../../infra/db/repositories/quotes';
import type { QuoteRow } from '../../infra/db/schema';
import { registerRequestRoutes } from './requests';
import { registerViewRoutes } from './views';
import { registerFileRoutes } from './files';
import { registerDecisionRoutes } from './decisions';
import { registerReviewRoutes } from './review';

/** The quote, or 404 (also for a customer asking about another customer's quote). */
export type QuoteFor = (actor: Actor, id: string) => Promise<QuoteRow>;

/** Creates the quote router: each concern adds its routes and their OpenAPI declarations. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  const { db } = deps;

  async function quoteFor(actor: Actor, id: string): Promise<QuoteRow> {
    const quote = await getQuote(db, id);
    if (!quote) throw new NotFoundError('quote');
    assertCustomerAccess(actor, quote.customer_id, 'quote');
    return quote;
  }

  registerRequestRoutes(router, deps, quoteFor);
  registerViewRoutes(router, deps, quoteFor);
  registerFileRoutes(router, deps, quoteFor);
  registerDecisionRoutes(router, deps, quoteFor);
  registerReviewRoutes(router, deps, quoteFor);
  return router;
}
