/**
 * The RMA API: open a case and upload its evidence, read, list, timeline, the penalty ledger, each role's steps,
 * and the procedure records. Each concern adds its routes and their OpenAPI declarations.
 */
import { Router } from 'express';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { actorOf, assertCustomerAccess } from '../../infra/auth/middleware';
import { NotFoundError } from '../../infra/http/errors';
import { getRmaCase } from '../../infra/db/repositories/rma';
import type { RmaCaseRow } from '../../infra/db/schema';
import { registerOpeningRoutes, type RmaRouterOptions } from './opening';
import { registerViewRoutes } from './views';
import { registerPenaltyRoutes } from './penalties';
import { registerStepRoutes } from './steps';
import { registerRecordRoutes } from './records';

/** The case, or 404 (also for a customer asking about another customer's case). */
export type CaseFor = (req: Parameters<typeof actorOf>[0], id: string) => Promise<RmaCaseRow>;

/** Creates the RMA router. Options are for tests. */
export function createRouter(deps: ServiceDeps, options: RmaRouterOptions = {}): Router {
  const router = Router();

  /** The case, or 404 (also for a customer asking about another customer's case). */
  async function caseFor(req: Parameters<typeof actorOf>[0], id: string): Promise<RmaCaseRow> {
    const row = await getRmaCase(deps.db, id);
    if (!row) throw new NotFoundError('RMA');
    assertCustomerAccess(actorOf(req), row.customer_id, 'RMA');
    return row;
  }

  registerOpeningRoutes(router, deps, caseFor, options);
  registerViewRoutes(router, deps, caseFor);
  registerPenaltyRoutes(router, deps, caseFor);
  registerStepRoutes(router, deps, caseFor);
  registerRecordRoutes(router, deps, caseFor);
  return router;
}
