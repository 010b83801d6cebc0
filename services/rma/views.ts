/** Reading RMAs: the list, one case with its live state and units, its open steps, and its timeline. */
import type { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, customerScope, isOverseer, requireAuth } from '../../infra/auth/middleware';
import { ForbiddenError } from '../../infra/http/errors';
import { listPenalties, listRmaCases, listRmaUnits } from '../../infra/db/repositories/rma';
import { listAudit } from '../../infra/db/repositories/audit';
import { listTasks } from '../../infra/db/repositories/tasks';
import type { RmaCaseRow } from '../../infra/db/schema';
import { RMA_CASE_TYPE, rmaRepairWorkflowId, rmaStateQuery, type RmaState } from '../../domain/rma/contract';
import { AFTER_SALES_MAX_PCS, repairTeam } from '../../domain/rma/routing';
import {
  CustomerRmaView,
  CustomerTimelineEntry,
  toCustomerListItem,
  toCustomerTask,
  toCustomerTimeline,
  toCustomerView,
} from './customer-view';
import { ListRmasQuery, RmaCaseView, RmaIdParams, TimelineEntry } from './schemas';
import { jsonResponse } from './openapi';
import type { CaseFor } from './router';

export function toCaseView(row: RmaCaseRow): RmaCaseView {
  return {
    id: row.id,
    reference: row.reference,
    customerId: row.customer_id,
    workflowId: row.workflow_id,
    status: row.status,
    urgent: row.urgent,
    complaint: row.complaint,
    productModel: row.product_model,
    partNumber: row.part_number,
    quantity: row.quantity,
    saleDate: row.sale_date,
    productionDate: row.production_date,
    outsourced: row.outsourced,
    keyProduct: row.key_product,
    // 客退返修处理流程: ≤200PCS 售后维修, >200PCS 生产维修 — shown, so staff see where the batch goes before analysis.
    repairTeam: repairTeam(row.quantity),
    over200Pcs: row.quantity > AFTER_SALES_MAX_PCS,
    orderId: row.order_id,
    claimed: row.claimed,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The live state from the workflow; null when it cannot be asked (finished long ago, engine down). */
async function liveState(deps: ServiceDeps, row: RmaCaseRow): Promise<RmaState | null> {
  if (!row.workflow_id) return null;
  try {
    const state = await deps.temporal.workflow.getHandle(row.workflow_id).query(rmaStateQuery);
    if (state.repairTeam !== 'production_line' || state.stage !== 'repair') return state;
    // The production line's steps live in the repair child: show them as the RMA's own.
    const child = await deps.temporal.workflow.getHandle(rmaRepairWorkflowId(row.id)).query(rmaStateQuery);
    return {
      ...state,
      step: child.step,
      openTasks: [...state.openTasks, ...child.openTasks],
      deadlines: [...state.deadlines, ...child.deadlines],
      decisions: [...state.decisions, ...child.decisions].sort((a, b) => a.at.localeCompare(b.at)),
    };
  } catch (error) {
    deps.logger.warn({ err: error, rma: row.id }, 'rma state query failed');
    return null;
  }
}

/** Adds the routes that list and read RMAs; `caseFor` answers 404 for a case the actor may not see. */
export function registerViewRoutes(router: Router, deps: ServiceDeps, caseFor: CaseFor): void {
  router.get('/rmas', requireAuth, validate({ query: ListRmasQuery }), async (req, res) => {
    const q = req.query as unknown as ListRmasQuery;
    const scope = customerScope(actorOf(req));
    if (scope && q.customerId && q.customerId !== scope) throw new ForbiddenError('customers list only their own RMAs');
    const rows = await listRmaCases(deps.db, {
      customerId: scope ?? q.customerId,
      status: q.status,
      limit: q.limit,
      offset: q.offset,
    });
    res.json({
      rmas: scope ? rows.map((r) => ({ ...toCustomerListItem(r), status: r.status })) : rows.map(toCaseView),
    });
  });

  router.get('/rmas/:id', requireAuth, validate({ params: RmaIdParams }), async (req, res) => {
    const row = await caseFor(req, (req.params as RmaIdParams).id);
    const [state, units] = await Promise.all([liveState(deps, row), listRmaUnits(deps.db, row.id)]);
    if (actorOf(req).role === 'customer') {
      // An explicit customer view: no staff identities, internal reports, penalties or deadlines.
      res.json({ ...toCustomerView(row, state, units.length), status: row.status });
      return;
    }
    res.json({
      ...toCaseView(row),
      state,
      units: units.map((u) => ({
        id: u.id,
        serial: u.serial,
        partNumber: u.part_number,
        model: u.model,
        label: u.label,
        receivedAt: u.received_at?.toISOString() ?? null,
        classification: u.classification,
        warranty: u.warranty,
      })),
    });
  });

  router.get('/rmas/:id/tasks', requireAuth, validate({ params: RmaIdParams }), async (req, res) => {
    const row = await caseFor(req, (req.params as RmaIdParams).id);
    const actor = actorOf(req);
    const tasks = await listTasks(deps.db, { caseType: RMA_CASE_TYPE, caseId: row.id, status: 'open' });
    if (actor.role === 'customer' && !isOverseer(actor)) {
      // The customer's own steps only, with their own due time and nothing about escalation.
      const mine = tasks.filter((t) => t.role === 'customer');
      res.json({ tasks: mine.map((t) => toCustomerTask(t)) });
      return;
    }
    res.json({
      tasks: tasks.map((t) => ({
        id: t.id,
        step: t.step,
        kind: t.kind,
        title: t.title,
        role: t.role,
        dueAt: t.dueAt?.toISOString() ?? null,
        escalatedAt: t.escalatedAt?.toISOString() ?? null,
        payload: t.payload,
      })),
    });
  });

  router.get('/rmas/:id/timeline', requireAuth, validate({ params: RmaIdParams }), async (req, res) => {
    const row = await caseFor(req, (req.params as RmaIdParams).id);
    const [tasks, audit, penalties] = await Promise.all([
      Promise.all(
        (['open', 'completed', 'cancelled'] as const).map((status) =>
          listTasks(deps.db, { caseType: RMA_CASE_TYPE, caseId: row.id, status, limit: 500 }),
        ),
      ).then((l) => l.flat()),
      listAudit(deps.db, 'rma_case', row.id),
      listPenalties(deps.db, { rmaCaseId: row.id }),
    ]);
    const entries: TimelineEntry[] = [];
    if (actorOf(req).role === 'customer') {
      // Milestones only, built as the customer's own entries: no staff or their roles, no internal steps or data.
      const completed = tasks
        .filter((t) => t.status === 'completed')
        .map((t) => ({ step: t.step, completedAt: t.completedAt }));
      res.json({ timeline: toCustomerTimeline(completed) });
      return;
    }
    for (const t of tasks) {
      entries.push({
        at: t.createdAt.toISOString(),
        kind: 'task_opened',
        step: t.step,
        title: t.title,
        actorId: null,
        actorRole: t.role,
        detail: { dueAt: t.dueAt?.toISOString() ?? null },
      });
      if (t.status !== 'open' && t.completedAt) {
        entries.push({
          at: t.completedAt.toISOString(),
          kind: t.status === 'completed' ? 'task_completed' : 'task_cancelled',
          step: t.step,
          title: t.title,
          actorId: t.completedBy,
          actorRole: t.status === 'completed' ? t.role : 'workflow',
          detail: { decision: t.decision, data: t.data, escalatedAt: t.escalatedAt?.toISOString() ?? null },
        });
      }
    }
    for (const a of audit) {
      entries.push({
        at: a.at.toISOString(),
        kind: 'audit',
        title: a.action,
        actorId: a.actor_id,
        actorRole: a.actor_role,
        detail: { before: a.before, after: a.after },
      });
    }
    for (const p of penalties) {
      entries.push({
        at: p.created_at.toISOString(),
        kind: 'penalty',
        title: p.reason,
        actorId: null,
        actorRole: p.responsible_party,
        detail: { amountFen: p.amount_fen, daysLate: p.days_late },
      });
    }
    entries.sort((a, b) => a.at.localeCompare(b.at));
    res.json({ timeline: entries });
  });

  const r = deps.openapi;
  r.registerPath({
    method: 'get',
    path: '/api/rmas',
    tags: ['rma'],
    summary: 'RMAs (customers see only theirs)',
    security: AUTHENTICATED,
    request: { query: ListRmasQuery },
    responses: {
      200: jsonResponse(z.object({ rmas: z.array(RmaCaseView) }), 'RMAs, newest first'),
      ...errorResponses(400, 401, 403),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rmas/{id}',
    tags: ['rma'],
    summary:
      'One RMA: for staff with its workflow state (step, open tasks, deadlines, decisions, penalty) and units; for its customer the customer view',
    security: AUTHENTICATED,
    request: { params: RmaIdParams },
    responses: {
      200: jsonResponse(
        z.union([
          RmaCaseView.extend({
            state: z.record(z.string(), z.unknown()).nullable(),
            units: z.array(z.record(z.string(), z.unknown())),
          }),
          CustomerRmaView,
        ]),
        'The RMA (staff view, or the customer view)',
      ),
      ...errorResponses(400, 401, 404),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rmas/{id}/tasks',
    tags: ['rma'],
    summary: 'Open steps of one RMA (customers see only their own steps)',
    security: AUTHENTICATED,
    request: { params: RmaIdParams },
    responses: {
      200: jsonResponse(z.object({ tasks: z.array(z.record(z.string(), z.unknown())) }), 'Open steps'),
      ...errorResponses(400, 401, 404),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rmas/{id}/timeline',
    tags: ['rma'],
    summary:
      'Everything that happened to one RMA: steps opened and done (who, when); for staff also audited changes and penalties',
    security: AUTHENTICATED,
    request: { params: RmaIdParams },
    responses: {
      200: jsonResponse(
        z.object({ timeline: z.array(z.union([TimelineEntry, CustomerTimelineEntry])) }),
        'Oldest first (a customer gets milestones only)',
      ),
      ...errorResponses(400, 401, 404),
    },
  });
}
