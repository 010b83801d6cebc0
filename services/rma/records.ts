/**
 * The seed's procedures kept as records of a case (POST/GET /api/rmas/:id/records/...) and the manager's waiver of
 * a fine (POST /api/rma-penalties/:id/waive). Each record is validated by its kind (domain/rma/records.ts),
 * audited, and amounts that go to finance (charge-backs, personal penalties) are emailed to finance.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z, ZodError } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, requireAuth, requireRole } from '../../infra/auth/middleware';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError } from '../../infra/http/errors';
import { json } from '../../infra/db/database';
import { recordAudit } from '../../infra/db/repositories/audit';
import {
  addRmaRecordOnce,
  getPenaltyForUpdate,
  listMaterialRequests,
  listRmaRecords,
  waivePenalty,
} from '../../infra/db/repositories/rma';
import { enqueueMailToRoles } from '../../infra/db/repositories/outbox';
import { materialIssueProblem, RMA_RECORD_KINDS } from '../../domain/rma/records';
import { RmaIdParams } from './schemas';
import { jsonResponse } from './openapi';
import type { CaseFor } from './router';

const KINDS = new Map(RMA_RECORD_KINDS.map((k) => [k.kind, k]));

const RecordParams = RmaIdParams.extend({ kind: z.enum(RMA_RECORD_KINDS.map((k) => k.kind) as [string, ...string[]]) });
type RecordParams = z.infer<typeof RecordParams>;
const RecordBody = z.object({ data: z.record(z.string(), z.unknown()) }).strict();
const PenaltyParams = z.object({ id: z.uuid({ error: 'must be a penalty id (uuid)' }) });
const WaiveBody = z
  .object({ reason: z.string().trim().min(3, 'must give the special case (at least 3 characters)').max(2000) })
  .strict();

const RecordView = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    data: z.record(z.string(), z.unknown()),
    amountFen: z.number().nullable(),
    recordedBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'RmaRecord' });

/** Adds the record and waiver routes to the RMA router; `caseFor` answers 404 for a case the actor may not see. */
export function registerRecordRoutes(router: Router, deps: ServiceDeps, caseFor: CaseFor): void {
  router.post(
    '/rmas/:id/records/:kind',
    requireAuth,
    validate({ params: RecordParams, body: RecordBody }),
    async (req, res) => {
      const actor = actorOf(req);
      const { id, kind: kindName } = req.params as RecordParams;
      const row = await caseFor(req, id);
      const kind = KINDS.get(kindName);
      if (!kind) throw new NotFoundError('record kind');
      if (!kind.roles.includes(actor.role))
        throw new ForbiddenError(`"${kindName}" records are kept by ${kind.roles.join(', ')}`);
      const parsed = kind.data.safeParse((req.body as { data: unknown }).data);
      if (!parsed.success)
        throw new ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: ['data', ...issue.path] })));
      const data = parsed.data as Record<string, unknown>;
      if (kindName === 'customer-evaluation' && !row.status.startsWith('closed'))
        throw new BusinessRuleError('the service can be evaluated once the RMA is closed', 'kind');

      const saved = await deps.db.transaction().execute(async (trx) => {
        if (kindName === 'material-issue') {
          const requested = (await listMaterialRequests(trx, row.id)).find((r) => r.material_kind === data.material);
          const issued = await listRmaRecords(trx, row.id, 'material-issue');
          const already = issued
            .filter((r) => r.data.material === data.material)
            .reduce((s, r) => s + Number(r.data.quantity), 0);
          const problem = materialIssueProblem(
            requested ? requested.repair_quantity + requested.spare_quantity : undefined,
            already,
            Number(data.quantity),
          );
          if (problem) throw new BusinessRuleError(`data.quantity: ${problem}`, 'data.quantity');
        }
        const key = kind.oncePerCase ? `${kindName}:${row.id}` : `${kindName}:${randomUUID()}`;
        const amount = kind.amountFen?.(data) ?? null;
        const inserted = await addRmaRecordOnce(trx, {
          rma_case_id: row.id,
          kind: kindName,
          data: json(data),
          amount_fen: amount,
          recorded_by: actor.userId,
          idempotency_key: key,
        });
        if (!inserted) throw new ConflictError(`RMA ${row.reference} already has its ${kindName} record`);
        await recordAudit(trx, {
          actorId: actor.userId,
          actorRole: actor.role,
          action: `rma.record.${kindName}`,
          entityType: 'rma_case',
          entityId: row.id,
          after: { recordId: inserted.id, ...data },
        });
        // 交财务部 — charge-backs and personal penalties go to finance.
        if (amount && (kindName === 'supplier-claim' || kindName === 'responsible-person')) {
          await enqueueMailToRoles(
            trx,
            `rma-record:${inserted.id}`,
            ['finance'],
            `RMA ${row.reference}: ${kindName === 'supplier-claim' ? 'supplier charge-back / 供应商扣款' : 'personal penalty / 责任人处罚'} ${(amount / 100).toFixed(2)} CNY`,
            [
              kindName === 'supplier-claim'
                ? `Supplier ${String(data.supplier)}: ${String(data.lossQuantity)} pcs of ${String(data.material)} lost; charge back ${(amount / 100).toFixed(2)} CNY (物料异常联络函: ${String(data.letter)}).`
                : `${String(data.person)}: penalty ${(amount / 100).toFixed(2)} CNY — ${String(data.detail)}.`,
            ],
            'rma-routine',
          );
        }
        return inserted;
      });
      res.status(201).json(toRecordView(saved));
    },
  );

  router.get('/rmas/:id/records', requireAuth, validate({ params: RmaIdParams }), async (req, res) => {
    const actor = actorOf(req);
    const row = await caseFor(req, (req.params as RmaIdParams).id);
    // A customer sees only their own evaluation: the other records are the factory's internal matters.
    const rows = await listRmaRecords(deps.db, row.id, actor.role === 'customer' ? 'customer-evaluation' : undefined);
    res.json({
      records: rows.map((r) =>
        actor.role === 'customer' ? { ...toRecordView(r), recordedBy: null } : toRecordView(r),
      ),
    });
  });

  // 特殊情况除外 — a manager waives a fine for a special case, with the reason on the record.
  router.post(
    '/rma-penalties/:id/waive',
    requireRole('manager', 'admin'),
    validate({ params: PenaltyParams, body: WaiveBody }),
    async (req, res) => {
      const actor = actorOf(req);
      const { id } = req.params as z.infer<typeof PenaltyParams>;
      const { reason } = req.body as z.infer<typeof WaiveBody>;
      const entry = await deps.db.transaction().execute(async (trx) => {
        const before = await getPenaltyForUpdate(trx, id);
        if (!before) throw new NotFoundError('penalty');
        if (before.waived_at) throw new ConflictError('this penalty is already waived');
        const after = await waivePenalty(trx, id, actor.userId, reason);
        await recordAudit(trx, {
          actorId: actor.userId,
          actorRole: actor.role,
          action: 'rma.penalty.waive',
          entityType: 'rma_case',
          entityId: before.rma_case_id ?? id,
          before: { penaltyId: id, waived: false },
          after: { penaltyId: id, waived: true, reason },
        });
        return after;
      });
      res.json({ id: entry.id, waivedAt: entry.waived_at?.toISOString() ?? null, waiverReason: entry.waiver_reason });
    },
  );

  const r = deps.openapi;
  r.registerPath({
    method: 'post',
    path: '/api/rmas/{id}/records/{kind}',
    tags: ['rma'],
    summary: `Record a procedure of the case (${RMA_RECORD_KINDS.map((k) => k.kind).join(', ')}); each kind has its roles`,
    security: AUTHENTICATED,
    request: { params: RecordParams, body: { content: { 'application/json': { schema: RecordBody } } } },
    responses: { 201: jsonResponse(RecordView, 'Recorded'), ...errorResponses(400, 401, 403, 404, 409, 422) },
  });
  r.registerPath({
    method: 'get',
    path: '/api/rmas/{id}/records',
    tags: ['rma'],
    summary: "The case's procedure records (a customer sees only their evaluation)",
    security: AUTHENTICATED,
    request: { params: RmaIdParams },
    responses: {
      200: jsonResponse(z.object({ records: z.array(RecordView) }), 'Oldest first'),
      ...errorResponses(400, 401, 404),
    },
  });
  r.registerPath({
    method: 'post',
    path: '/api/rma-penalties/{id}/waive',
    tags: ['rma'],
    summary: 'Waive a penalty or fine for a special case (managers), with the reason',
    security: AUTHENTICATED,
    request: { params: PenaltyParams, body: { content: { 'application/json': { schema: WaiveBody } } } },
    responses: {
      200: jsonResponse(
        z.object({ id: z.uuid(), waivedAt: z.string().nullable(), waiverReason: z.string().nullable() }),
        'Waived',
      ),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
}

function toRecordView(r: {
  id: string;
  kind: string;
  data: Record<string, unknown>;
  amount_fen: number | null;
  recorded_by: string | null;
  created_at: Date;
}) {
  return {
    id: r.id,
    kind: r.kind,
    data: r.data,
    amountFen: r.amount_fen === null ? null : Number(r.amount_fen),
    recordedBy: r.recorded_by,
    createdAt: r.created_at.toISOString(),
  };
}
