/** The penalty ledger: one RMA's entries (staff) and the whole ledger (managers, sales managers, finance). */
import type { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { requireRole } from '../../infra/auth/middleware';
import { ROLES } from '../../domain/tasks/roles';
import { listPenalties, type PenaltyEntry } from '../../infra/db/repositories/rma';
import { PenaltyEntryView, PenaltyQuery, RmaIdParams } from './schemas';
import { jsonResponse } from './openapi';
import type { CaseFor } from './router';

/** Every role but the customer (internal records: penalties, audit). */
const STAFF_ROLES = ROLES.filter((r) => r !== 'customer');
/** Roles that read the penalty ledger across cases. */
const LEDGER_READERS = ['manager', 'admin', 'sales_manager', 'finance'] as const;

/** A waived entry stays on the ledger (the record) but no longer counts. */
const penaltyTotal = (entries: PenaltyEntry[]) =>
  entries.filter((e) => !e.waived_at).reduce((s, e) => s + Number(e.amount_fen), 0);

function toPenaltyView(e: PenaltyEntry) {
  return {
    id: e.id,
    kind: e.kind,
    serious: e.serious,
    waivedAt: e.waived_at?.toISOString() ?? null,
    waiverReason: e.waiver_reason,
    rmaCaseId: e.rma_case_id,
    responsibleParty: e.responsible_party,
    daysLate: e.days_late,
    amountFen: e.amount_fen,
    currency: e.currency,
    reason: e.reason,
    createdAt: e.created_at.toISOString(),
  };
}

/** Adds the penalty ledger routes; `caseFor` answers 404 for a case the actor may not see. */
export function registerPenaltyRoutes(router: Router, deps: ServiceDeps, caseFor: CaseFor): void {
  router.get(
    '/rmas/:id/penalties',
    requireRole(...STAFF_ROLES),
    validate({ params: RmaIdParams }),
    async (req, res) => {
      const row = await caseFor(req, (req.params as RmaIdParams).id);
      const entries = await listPenalties(deps.db, { rmaCaseId: row.id });
      res.json({ entries: entries.map(toPenaltyView), totalFen: penaltyTotal(entries), currency: 'CNY' });
    },
  );

  router.get('/rma-penalties', requireRole(...LEDGER_READERS), validate({ query: PenaltyQuery }), async (req, res) => {
    const q = req.query as unknown as PenaltyQuery;
    const entries = await listPenalties(deps.db, { responsibleParty: q.responsibleParty });
    res.json({ entries: entries.map(toPenaltyView), totalFen: penaltyTotal(entries), currency: 'CNY' });
  });

  const r = deps.openapi;
  r.registerPath({
    method: 'get',
    path: '/api/rmas/{id}/penalties',
    tags: ['rma'],
    summary: "One RMA's penalty ledger (50 CNY per day the 24 h quality report is late); staff only",
    security: AUTHENTICATED,
    request: { params: RmaIdParams },
    responses: {
      200: jsonResponse(
        z.object({ entries: z.array(PenaltyEntryView), totalFen: z.number(), currency: z.string() }),
        'Ledger',
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rma-penalties',
    tags: ['rma'],
    summary: 'The whole penalty ledger, optionally for one responsible role (managers, sales managers, finance)',
    security: AUTHENTICATED,
    request: { query: PenaltyQuery },
    responses: {
      200: jsonResponse(
        z.object({ entries: z.array(PenaltyEntryView), totalFen: z.number(), currency: z.string() }),
        'Ledger',
      ),
      ...errorResponses(400, 401, 403),
    },
  });
}
