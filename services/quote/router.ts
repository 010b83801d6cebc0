/**
 * The quote API: upload files to ask for a quote (customer for itself, sales for a customer), read quotes with
 * their analysis, price breakdown and revisions, download the PDF, and act on the open steps (engineering
 * review, customer decision, revision with new files). Every action checks role and ownership; a step that is
 * not open answers 409.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Router } from 'express';
import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { receiveMultipart, type ReceivedFile } from '../../infra/http/uploads';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, assertCustomerAccess, customerScope, requireAuth, requireRole } from '../../infra/auth/middleware';
import type { Actor } from '../../infra/auth/sessions';
import { AppError, BusinessRuleError, NotFoundError, ValidationError } from '../../infra/http/errors';
import { getCustomer } from '../../infra/db/repositories/customers';
import {
  addQuoteFile,
  addQuoteRevision,
  createQuote,
  deleteQuote,
  getQuote,
  listQuoteAnalyses,
  listQuoteFiles,
  listQuoteRevisions,
  listQuotes,
  updateQuote,
  withdrawQuoteRevision,
} from '../../infra/db/repositories/quotes';
import { findTaskByStep, listTasks } from '../../infra/db/repositories/tasks';
import { json, type DbOrTrx } from '../../infra/db/database';
import type { QuoteRow } from '../../infra/db/schema';
import { recordAudit } from '../../infra/db/repositories/audit';
import {
  cancelQuoteSignal,
  FINAL_QUOTE_STAGES,
  QUOTE_TASK_KIND_NAMES,
  QUOTE_TASK_QUEUE,
  QUOTE_WORKFLOW_TYPE,
  quoteStateQuery,
  quoteSteps,
  quoteWorkflowId,
  type QuoteState,
  type QuoteWorkflowInput,
  type StoredQuoteFile,
} from '../../domain/quote/contract';
import type { PricedQuote } from '../../domain/quote/pricing';
import { QUOTE_CUSTOMER_STEP_ROLES } from '../../domain/quote/task-kinds';
import type { Role } from '../../domain/tasks/roles';
import { inspectZipFile, ArchiveRejectedError } from '../../infra/files/archive';
import { assertMayComplete, completeOpenStep } from '../tasks/complete-task';
import {
  boardPreviewPath,
  boardPreviewsDir,
  discardQuoteFiles,
  keepUploadedQuoteFile,
  quoteDocumentsDir,
  quotePdfPath,
} from '../../infra/files/quote-files';
import { customerPrice, customerQuoteWorkflow } from './customer-view';
import {
  CancelQuoteRequest,
  CreateQuoteFields,
  CustomerDecisionRequest,
  ListQuotesQuery,
  PdfQuery,
  QuoteIdParams,
  QuoteSummary,
  ReviewRequest,
  ReviseQuoteFields,
} from './schemas';

/** Roles that may ask for a quote on a customer's behalf. */
const SALES_ROLES: Role[] = ['sales', 'sales_manager', 'manager', 'admin'];
const MAX_TABLE_BYTES = 10 * 1024 * 1024;
const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;
const QuoteFileParams = QuoteIdParams.extend({ fileId: z.uuid() });
const PreviewParams = QuoteIdParams.extend({ side: z.enum(['top', 'bottom']) });
type PreviewParams = z.infer<typeof PreviewParams>;
type QuoteFileParams = z.infer<typeof QuoteFileParams>;

/** The form of a quote request: a Gerber zip and the optional BOM and placement tables, streamed to disk. */
const QUOTE_FORM = {
  fileFields: { gerber: 1, bom: 1, placement: 1 },
  maxFileBytes: MAX_ARCHIVE_BYTES,
  maxFields: 10,
  maxFieldBytes: 8 * 1024,
  maxRequestBytes: MAX_ARCHIVE_BYTES + 2 * MAX_TABLE_BYTES + 1024 * 1024,
  fileTooLarge: (field: string) => `${field}: file is larger than ${MAX_ARCHIVE_BYTES} bytes`,
  tooManyFiles: (field: string) => `${field}: one file per field (gerber, bom, placement)`,
};

function filesOf(req: { uploads?: ReceivedFile[] }) {
  const byField = (field: string) => req.uploads?.find((f) => f.field === field);
  return { gerber: byField('gerber'), bom: byField('bom'), placement: byField('placement') };
}

/** Refuses a Gerber upload that is not a bounded zip, and BOM / placement files above the table limit. */
async function checkFiles(files: ReturnType<typeof filesOf>, gerberRequired: boolean): Promise<void> {
  if (!files.gerber && gerberRequired)
    throw new ValidationError('gerber: a zip archive of the Gerber and drill files is required', 'gerber');
  if (files.gerber) {
    try {
      await inspectZipFile(files.gerber.path);
    } catch (error) {
      if (error instanceof ArchiveRejectedError) throw new ValidationError(`gerber: ${error.message}`, 'gerber');
      throw new ValidationError('gerber: not a readable zip archive', 'gerber');
    }
  }
  for (const field of ['bom', 'placement'] as const) {
    const f = files[field];
    if (f && f.bytes > MAX_TABLE_BYTES)
      throw new ValidationError(`${field}: file is larger than ${MAX_TABLE_BYTES} bytes`, field);
    if (f && f.bytes === 0) throw new ValidationError(`${field}: file is empty`, field);
  }
}

function summary(q: QuoteRow): z.infer<typeof QuoteSummary> {
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

/** Creates the quote router. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  const { db } = deps;
  const documentsDir = quoteDocumentsDir(deps.config.dataDir);
  const receiveFiles = receiveMultipart(deps.uploads, QUOTE_FORM);

  async function quoteFor(actor: Actor, id: string): Promise<QuoteRow> {
    const quote = await getQuote(db, id);
    if (!quote) throw new NotFoundError('quote');
    assertCustomerAccess(actor, quote.customer_id, 'quote');
    return quote;
  }

  async function workflowState(quote: QuoteRow): Promise<QuoteState | null> {
    try {
      return await deps.temporal.workflow.getHandle(quoteWorkflowId(quote.id)).query(quoteStateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      deps.logger.warn({ err: error, quoteId: quote.id }, 'quote state query failed');
      return null;
    }
  }

  /** Stores the uploaded files of one revision and returns them as the workflow sees them. */
  /** Moves the uploads into the revision's folder, with their rows; `moved` collects the paths (for a rollback). */
  async function storeFiles(
    quoteId: string,
    revision: number,
    files: ReturnType<typeof filesOf>,
    into: DbOrTrx = db,
    moved: string[] = [],
  ) {
    const stored: Partial<Record<'gerber' | 'bom' | 'cpl', StoredQuoteFile>> = {};
    for (const [field, kind] of [
      ['gerber', 'gerber'],
      ['bom', 'bom'],
      ['placement', 'cpl'],
    ] as const) {
      const f = files[field];
      if (!f) continue;
      const name = f.name || `${field}.bin`;
      const saved = await keepUploadedQuoteFile(deps.config.dataDir, quoteId, revision, name, f);
      moved.push(saved.path);
      await addQuoteFile(into, {
        quote_id: quoteId,
        revision,
        kind,
        filename: name,
        content_hash: saved.sha256,
        size_bytes: saved.size,
        storage_path: saved.path,
      });
      stored[kind] = { name, path: saved.path, sha256: saved.sha256 };
    }
    return stored;
  }

  router.post('/quotes', requireRole('customer', ...SALES_ROLES), receiveFiles, async (req, res) => {
    const actor = actorOf(req);
    const fields = CreateQuoteFields.parse(req.body ?? {});
    let customerId: string;
    if (actor.role === 'customer') {
      if (!actor.customerId) throw new AppError('forbidden', 'your account is not linked to a customer');
      if (fields.customerId && fields.customerId !== actor.customerId)
        throw new AppError('forbidden', 'customers may ask for quotes only for themselves', 'customerId');
      customerId = actor.customerId;
    } else {
      if (!fields.customerId)
        throw new ValidationError(
          "customerId: required when sales asks for a quote on a customer's behalf",
          'customerId',
        );
      customerId = fields.customerId;
    }
    const customer = await getCustomer(db, customerId);
    if (!customer) throw new NotFoundError('customer');
    if (customer.status !== 'approved') {
      throw new BusinessRuleError(
        `customer ${customer.code} cannot be quoted yet: onboarding is ${customer.status}`,
        'customerId',
      );
    }
    const files = filesOf(req);
    await checkFiles(files, true);

    const reference = `Q-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
    // Rows first (the workflow's first activity reads them), then the start; a start that fails removes the rows.
    const { quote, workflowId, stored, input } = await db.transaction().execute(async (trx) => {
      const row = await createQuote(trx, {
        reference,
        customer_id: customerId,
        status: 'analysing',
        quantity: fields.quantity,
        options: json(fields.options),
        currency: customer.currency,
        created_by: actor.userId,
      });
      const id = quoteWorkflowId(row.id);
      await updateQuote(trx, row.id, { workflow_id: id });
      await addQuoteRevision(trx, {
        quote_id: row.id,
        revision: 1,
        quantity: fields.quantity,
        options: json(fields.options),
        created_by: actor.userId,
      });
      const saved = await storeFiles(row.id, 1, files, trx);
      await recordAudit(trx, {
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'quote.create',
        entityType: 'quote',
        entityId: row.id,
        after: { reference, quantity: fields.quantity, files: Object.values(saved).map((f) => f?.sha256) },
      });
      const input: QuoteWorkflowInput = {
        quoteId: row.id,
        reference,
        customerId,
        quantity: fields.quantity,
        options: fields.options,
        files: { gerber: saved.gerber as StoredQuoteFile, bom: saved.bom ?? null, cpl: saved.cpl ?? null },
        submittedBy: { userId: actor.userId, email: actor.email, role: actor.role },
      };
      return { quote: row, workflowId: id, stored: saved, input };
    });
    try {
      await deps.temporal.workflow.start(QUOTE_WORKFLOW_TYPE, {
        taskQueue: QUOTE_TASK_QUEUE,
        workflowId,
        args: [input],
      });
    } catch (error) {
      deps.logger.error({ err: error, quoteId: quote.id }, 'starting the quote workflow failed');
      await db.transaction().execute((trx) => deleteQuote(trx, quote.id));
      throw new AppError('unavailable', 'the workflow engine is unreachable; try again shortly');
    }
    res.status(201).json({
      ...summary({ ...quote, workflow_id: workflowId }),
      workflowId,
      files: Object.fromEntries(Object.entries(stored).map(([k, f]) => [k, { name: f?.name, sha256: f?.sha256 }])),
    });
  });

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
      workflowState(quote),
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
          totalMinor: r.total_fen,
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
          totalMinor: r.total_fen,
          autoQuoteAllowed: r.auto_quote_allowed,
          note: r.note,
          price: priced
            ? {
                currency: priced.currency,
                lineItems: priced.lineItems,
                subtotals: priced.subtotals,
                totalMinor: priced.totalFen,
                perBoardMinor: priced.perBoardFen,
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

  router.get('/quotes/:id/pdf', requireAuth, validate({ params: QuoteIdParams, query: PdfQuery }), async (req, res) => {
    const actor = actorOf(req);
    const quote = await quoteFor(actor, (req.params as QuoteIdParams).id);
    const revision = (req.query as { revision?: number }).revision ?? quote.current_revision;
    const path = quotePdfPath(documentsDir, quote.reference, revision);
    if (!existsSync(path)) throw new NotFoundError(`PDF of revision ${revision} (the quote is not issued yet)`);
    res.type('application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${quote.reference}-r${revision}.pdf"`);
    res.sendFile(path);
  });

  router.get('/quotes/:id/files/:fileId', requireAuth, validate({ params: QuoteFileParams }), async (req, res) => {
    const actor = actorOf(req);
    const params = req.params as QuoteFileParams;
    const quote = await quoteFor(actor, params.id);
    // Looked up within the quote, so a file id of another quote is simply not found here.
    const file = (await listQuoteFiles(db, quote.id)).find((f) => f.id === params.fileId);
    if (!file || !existsSync(file.storage_path)) throw new NotFoundError('file');
    res.attachment(file.filename);
    res.sendFile(file.storage_path);
  });

  router.get('/quotes/:id/preview/:side', requireAuth, validate({ params: PreviewParams }), async (req, res) => {
    const actor = actorOf(req);
    const params = req.params as PreviewParams;
    const quote = await quoteFor(actor, params.id);
    // The Gerbers of the newest revision that has any (a revision may send only a new quantity).
    const gerber = (await listQuoteFiles(db, quote.id))
      .filter((f) => f.kind === 'gerber' && existsSync(f.storage_path))
      .sort((a, b) => b.revision - a.revision)[0];
    if (!gerber) throw new NotFoundError('Gerber archive');
    // Drawn by the quote workflow's activity once the files are analysed; until then (or for a board that cannot
    // be drawn) there is none, and the page says so.
    const svg = boardPreviewPath(boardPreviewsDir(deps.config.dataDir), gerber.content_hash, params.side);
    if (!existsSync(svg)) throw new NotFoundError('a drawn board preview');
    // Drawn by us from the Gerbers' geometry; still, nothing in it may load or run anything.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('Cache-Control', 'private, max-age=86400');
    res.type('image/svg+xml');
    res.sendFile(svg);
  });

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

  router.post(
    '/quotes/:id/cancel',
    requireRole('customer', ...SALES_ROLES),
    validate({ params: QuoteIdParams, body: CancelQuoteRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const quote = await quoteFor(actor, (req.params as QuoteIdParams).id);
      const body = req.body as CancelQuoteRequest;
      if ((FINAL_QUOTE_STAGES as readonly string[]).includes(quote.status))
        throw new AppError('conflict', `quote ${quote.reference} is ${quote.status}: it can no longer be cancelled`);
      const workflowId = quote.workflow_id ?? quoteWorkflowId(quote.id);
      try {
        await deps.temporal.workflow.getHandle(workflowId).signal(cancelQuoteSignal, {
          reason: body.reason,
          by: { userId: actor.userId, email: actor.email, role: actor.role },
        });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError)
          throw new AppError('conflict', `quote ${quote.reference} has already ended`);
        throw error;
      }
      await recordAudit(db, {
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'quote.cancel_requested',
        entityType: 'quote',
        entityId: quote.id,
        after: { reason: body.reason },
      });
      res.status(202).json({ quoteId: quote.id, cancelling: true });
    },
  );

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
        const saved = await storeFiles(quote.id, next, files, trx, moved);
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

  registerOpenApi(deps);
  return router;
}

function registerOpenApi({ openapi }: ServiceDeps): void {
  const multipart = (schema: z.ZodType) => ({ content: { 'multipart/form-data': { schema } } });
  const FileField = z.string().meta({ format: 'binary' });
  const ok = (description: string) => ({
    200: { description, content: { 'application/json': { schema: z.object({}).passthrough() } } },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/quotes',
    tags: ['quotes'],
    summary:
      'Ask for a quote: Gerber zip, BOM and placement files, quantity, options (customer for itself; sales with customerId)',
    security: AUTHENTICATED,
    request: {
      body: multipart(
        z.object({
          gerber: FileField,
          bom: FileField.optional(),
          placement: FileField.optional(),
          quantity: z.number().int(),
          customerId: z.uuid().optional(),
          options: z.string().optional().meta({ description: 'JSON of QuoteOptions' }),
        }),
      ),
    },
    responses: {
      201: {
        description: 'Quote created; its workflow is analysing the files',
        content: { 'application/json': { schema: QuoteSummary } },
      },
      ...errorResponses(400, 401, 403, 404, 422),
    },
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
  openapi.registerPath({
    method: 'get',
    path: '/api/quotes/{id}/pdf',
    tags: ['quotes'],
    summary: 'The issued quote as PDF (latest revision unless ?revision=)',
    security: AUTHENTICATED,
    request: { params: QuoteIdParams, query: PdfQuery },
    responses: {
      200: { description: 'PDF', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
      ...errorResponses(400, 401, 404),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/quotes/{id}/files/{fileId}',
    tags: ['quotes'],
    summary: 'One uploaded file of the quote (Gerber zip, BOM, placement) as an attachment with its original name',
    security: AUTHENTICATED,
    request: { params: QuoteFileParams },
    responses: {
      200: {
        description: 'The stored bytes',
        content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/quotes/{id}/preview/{side}',
    tags: ['quotes'],
    summary:
      "A render of the board's top or bottom from the uploaded Gerbers (SVG, drawn once and cached); 404 when the files cannot be drawn",
    security: AUTHENTICATED,
    request: { params: PreviewParams },
    responses: {
      200: { description: 'SVG', content: { 'image/svg+xml': { schema: z.string() } } },
      ...errorResponses(400, 401, 404),
    },
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
    path: '/api/quotes/{id}/cancel',
    tags: ['quotes'],
    summary:
      'Cancel a quote before it is accepted (the customer withdraws it, or sales closes it); its open task closes, the customer and sales are told',
    security: AUTHENTICATED,
    request: { params: QuoteIdParams, body: { content: { 'application/json': { schema: CancelQuoteRequest } } } },
    responses: { ...ok('Cancelling (202)'), ...errorResponses(400, 401, 403, 404, 409) },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/quotes/{id}/review',
    tags: ['quotes'],
    summary: 'Engineering review: adjust line items and approve, or ask the customer for corrected files',
    security: AUTHENTICATED,
    request: { params: QuoteIdParams, body: { content: { 'application/json': { schema: ReviewRequest } } } },
    responses: { ...ok('Review recorded'), ...errorResponses(400, 401, 403, 404, 409) },
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
