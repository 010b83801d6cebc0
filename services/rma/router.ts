import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { receiveMultipart } from '../../infra/http/uploads';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import {
  actorOf,
  assertCustomerAccess,
  customerScope,
  isOverseer,
  requireAuth,
  requireRole,
} from '../../infra/auth/middleware';
import { ROLES } from '../../domain/tasks/roles';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../infra/http/errors';
import {
  getRmaCase,
  listPenalties,
  listRmaCases,
  listRmaUnits,
  type PenaltyEntry,
} from '../../infra/db/repositories/rma';
import { listAudit, recordAudit } from '../../infra/db/repositories/audit';
import { listTasks } from '../../infra/db/repositories/tasks';
import type { RmaCaseRow } from '../../infra/db/schema';
import { completeTask } from '../tasks/complete-task';
import { RMA_CASE_TYPE, rmaRepairWorkflowId, rmaStateQuery, type RmaState } from '../../domain/rma/contract';
import type { WorkingCalendar } from '../../domain/rma/calendar';
import { loadWorkingCalendar } from './calendar-config';
import { openRma, RMA_OPENERS } from './open-rma';
import { EVIDENCE_LIMITS, findEvidence, RmaEvidenceParams, StoredEvidence, storeEvidence } from './evidence-store';
import { registerRecordRoutes } from './records';
import {
  CustomerRmaView,
  CustomerTimelineEntry,
  toCustomerListItem,
  toCustomerTask,
  toCustomerTimeline,
  toCustomerView,
} from './customer-view';
import { AFTER_SALES_MAX_PCS, repairTeam } from '../../domain/rma/routing';
import {
  CompleteStepRequest,
  ListRmasQuery,
  OpenRmaRequest,
  PenaltyEntryView,
  PenaltyQuery,
  RmaCaseView,
  RmaIdParams,
  RmaStepParams,
  TimelineEntry,
} from './schemas';

/** Every role but the customer (internal records: penalties, audit). */
const STAFF_ROLES = ROLES.filter((r) => r !== 'customer');
/** Roles that read the penalty ledger across cases. */
const LEDGER_READERS = ['manager', 'admin', 'sales_manager', 'finance'] as const;

/** The evidence form: up to EVIDENCE_LIMITS.files files in the field "file", streamed to disk. */
const EVIDENCE_FORM = {
  fileFields: { file: EVIDENCE_LIMITS.files },
  maxFileBytes: EVIDENCE_LIMITS.fileBytes,
  maxFields: 5,
  maxFieldBytes: 1024,
  maxRequestBytes: EVIDENCE_LIMITS.files * EVIDENCE_LIMITS.fileBytes + 1024 * 1024,
  fileTooLarge: () => `file: each file may be at most ${EVIDENCE_LIMITS.fileBytes} bytes`,
  tooManyFiles: () => `file: at most ${EVIDENCE_LIMITS.files} files, in the field "file"`,
};

function toCaseView(row: RmaCaseRow): RmaCaseView {
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

/** The RMA API: open, read, list, timeline, penalty ledger, and each role's steps. Options are for tests. */
export function createRouter(
  deps: ServiceDeps,
  options: { calendar?: WorkingCalendar; exchangeReturnDays?: number } = {},
): Router {
  const router = Router();
  let calendar = options.calendar;
  // Read once, on first use, so a bad holiday file is reported by the first request rather than at import.
  const getCalendar = () => (calendar ??= loadWorkingCalendar(deps.config.business));

  /** The case, or 404 (also for a customer asking about another customer's case). */
  async function caseFor(req: Parameters<typeof actorOf>[0], id: string): Promise<RmaCaseRow> {
    const row = await getRmaCase(deps.db, id);
    if (!row) throw new NotFoundError('RMA');
    assertCustomerAccess(actorOf(req), row.customer_id, 'RMA');
    return row;
  }

  /** The live state from the workflow; null when it cannot be asked (finished long ago, engine down). */
  async function liveState(row: RmaCaseRow): Promise<RmaState | null> {
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

  router.post('/rmas', requireRole(...RMA_OPENERS), validate({ body: OpenRmaRequest }), async (req, res) => {
    const row = await openRma(
      { db: deps.db, temporal: deps.temporal, calendar: getCalendar(), exchangeReturnDays: options.exchangeReturnDays },
      actorOf(req),
      req.body as OpenRmaRequest,
    );
    const actor = actorOf(req);
    // A customer gets their explicit view (the workflow has only just started: nothing received, nothing awaited yet).
    const view = actor.role === 'customer' ? { ...toCustomerView(row, null, 0), status: row.status } : toCaseView(row);
    res.status(201).location(`/api/rmas/${row.id}`).json(view);
  });

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
    const [state, units] = await Promise.all([liveState(row), listRmaUnits(deps.db, row.id)]);
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

  router.post('/rmas/:id/evidence', requireAuth, receiveMultipart(deps.uploads, EVIDENCE_FORM), async (req, res) => {
    const actor = actorOf(req);
    const { id } = RmaIdParams.parse(req.params);
    const row = await caseFor(req, id);
    const files = req.uploads ?? [];
    if (files.length === 0)
      throw new ValidationError('file: at least one file is required (multipart field "file")', 'file');
    if (files.some((f) => f.bytes === 0)) throw new ValidationError('file: empty files are not evidence', 'file');
    const stored: StoredEvidence[] = [];
    for (const f of files)
      stored.push(await storeEvidence(deps.config.dataDir, row.id, f.name || 'evidence.bin', f, actor.userId));
    await recordAudit(deps.db, {
      actorId: actor.userId,
      actorRole: actor.role,
      action: 'rma.evidence',
      entityType: 'rma_case',
      entityId: row.id,
      after: { files: stored.map((e) => ({ id: e.id, name: e.name, sha256: e.sha256 })) },
    });
    res.status(201).json({
      evidence: stored.map((e) => ({
        id: e.id,
        name: e.name,
        sha256: e.sha256,
        bytes: e.bytes,
        download: `/api/rmas/${row.id}/evidence/${e.id}`,
      })),
    });
  });

  router.get(
    '/rmas/:id/evidence/:evidenceId',
    requireAuth,
    validate({ params: RmaEvidenceParams }),
    async (req, res) => {
      const params = req.params as RmaEvidenceParams;
      const row = await caseFor(req, params.id);
      const evidence = await findEvidence(deps.config.dataDir, row.id, params.evidenceId);
      if (!evidence) throw new NotFoundError('evidence file');
      res.attachment(evidence.name);
      res.sendFile(evidence.path);
    },
  );

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

  registerRecordRoutes(router, deps, caseFor);
  registerOpenApi(deps);
  return router;
}

function registerOpenApi(deps: ServiceDeps): void {
  const r = deps.openapi;
  const json = (schema: z.ZodType, description: string) => ({
    description,
    content: { 'application/json': { schema } },
  });
  r.registerPath({
    method: 'post',
    path: '/api/rmas',
    tags: ['rma'],
    summary: 'Register a complaint and start its return-to-repair workflow (customer, or sales for a customer)',
    security: AUTHENTICATED,
    request: { body: { content: { 'application/json': { schema: OpenRmaRequest } } } },
    responses: {
      201: json(
        z.union([RmaCaseView, CustomerRmaView]),
        'The RMA (staff view, or the customer view when a customer opens it)',
      ),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rmas',
    tags: ['rma'],
    summary: 'RMAs (customers see only theirs)',
    security: AUTHENTICATED,
    request: { query: ListRmasQuery },
    responses: {
      200: json(z.object({ rmas: z.array(RmaCaseView) }), 'RMAs, newest first'),
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
      200: json(
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
      200: json(z.object({ tasks: z.array(z.record(z.string(), z.unknown())) }), 'Open steps'),
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
      200: json(
        z.object({ timeline: z.array(z.union([TimelineEntry, CustomerTimelineEntry])) }),
        'Oldest first (a customer gets milestones only)',
      ),
      ...errorResponses(400, 401, 404),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rmas/{id}/penalties',
    tags: ['rma'],
    summary: "One RMA's penalty ledger (50 CNY per day the 24 h quality report is late); staff only",
    security: AUTHENTICATED,
    request: { params: RmaIdParams },
    responses: {
      200: json(z.object({ entries: z.array(PenaltyEntryView), totalFen: z.number(), currency: z.string() }), 'Ledger'),
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
      200: json(z.object({ entries: z.array(PenaltyEntryView), totalFen: z.number(), currency: z.string() }), 'Ledger'),
      ...errorResponses(400, 401, 403),
    },
  });
  r.registerPath({
    method: 'post',
    path: '/api/rmas/{id}/evidence',
    tags: ['rma'],
    summary: `Upload evidence for an RMA (photos, signed reports): multipart field "file", at most ${EVIDENCE_LIMITS.files} files of ${EVIDENCE_LIMITS.fileBytes} bytes; staff or the owning customer`,
    security: AUTHENTICATED,
    request: {
      params: RmaIdParams,
      body: {
        content: {
          'multipart/form-data': { schema: z.object({ file: z.array(z.string().meta({ format: 'binary' })) }) },
        },
      },
    },
    responses: {
      201: json(
        z.object({
          evidence: z.array(
            z.object({ id: z.uuid(), name: z.string(), sha256: z.string(), bytes: z.number(), download: z.string() }),
          ),
        }),
        "Stored; put the ids in the step's evidence",
      ),
      ...errorResponses(400, 401, 404),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rmas/{id}/evidence/{evidenceId}',
    tags: ['rma'],
    summary: 'One evidence file of the RMA as an attachment with its original name',
    security: AUTHENTICATED,
    request: { params: RmaEvidenceParams },
    responses: {
      200: {
        description: 'The stored bytes',
        content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  });
  r.registerPath({
    method: 'post',
    path: '/api/rmas/{id}/steps/{step}',
    tags: ['rma'],
    summary:
      'Complete one RMA step as its role (site-visit, return-acceptance, receive-units, classify, …); signals the workflow',
    security: AUTHENTICATED,
    request: { params: RmaStepParams, body: { content: { 'application/json': { schema: CompleteStepRequest } } } },
    responses: {
      200: json(
        z.object({ rmaId: z.uuid(), step: z.string(), decision: z.string(), completedAt: z.string() }),
        'Step done',
      ),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
}
