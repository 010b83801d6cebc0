/**
 * Opening an RMA (a customer for itself, sales for a customer: the case row and its workflow) and the evidence
 * files of a case (photos, signed reports) that steps refer to.
 */
import type { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { receiveMultipart } from '../../infra/http/uploads';
import { actorOf, requireAuth, requireRole } from '../../infra/auth/middleware';
import { NotFoundError, ValidationError } from '../../infra/http/errors';
import { recordAudit } from '../../infra/db/repositories/audit';
import type { WorkingCalendar } from '../../domain/rma/calendar';
import { loadWorkingCalendar } from './calendar-config';
import { openRma, RMA_OPENERS } from './open-rma';
import { EVIDENCE_LIMITS, findEvidence, RmaEvidenceParams, StoredEvidence, storeEvidence } from './evidence-store';
import { CustomerRmaView, toCustomerView } from './customer-view';
import { OpenRmaRequest, RmaCaseView, RmaIdParams } from './schemas';
import { jsonResponse } from './openapi';
import { toCaseView } from './views';
import type { CaseFor } from './router';

/** Options of the RMA router, for tests. */
export type RmaRouterOptions = { calendar?: WorkingCalendar; exchangeReturnDays?: number };

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

/** Adds the routes that open an RMA and store its evidence; `caseFor` answers 404 for a case the actor may not see. */
export function registerOpeningRoutes(
  router: Router,
  deps: ServiceDeps,
  caseFor: CaseFor,
  options: RmaRouterOptions,
): void {
  let calendar = options.calendar;
  // Read once, on first use, so a bad holiday file is reported by the first request rather than at import.
  const getCalendar = () => (calendar ??= loadWorkingCalendar(deps.config.business));

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

  const r = deps.openapi;
  r.registerPath({
    method: 'post',
    path: '/api/rmas',
    tags: ['rma'],
    summary: 'Register a complaint and start its return-to-repair workflow (customer, or sales for a customer)',
    security: AUTHENTICATED,
    request: { body: { content: { 'application/json': { schema: OpenRmaRequest } } } },
    responses: {
      201: jsonResponse(
        z.union([RmaCaseView, CustomerRmaView]),
        'The RMA (staff view, or the customer view when a customer opens it)',
      ),
      ...errorResponses(400, 401, 403, 404, 409),
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
      201: jsonResponse(
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
}
