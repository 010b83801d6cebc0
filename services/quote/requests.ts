/**
 * Asking for a quote (a customer for itself, sales for a customer: files streamed to disk, rows written, the
 * workflow started) and cancelling one before it is accepted.
 */
import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { receiveMultipart } from '../../infra/http/uploads';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, requireRole } from '../../infra/auth/middleware';
import { AppError, BusinessRuleError, NotFoundError, ValidationError } from '../../infra/http/errors';
import { getCustomer } from '../../infra/db/repositories/customers';
import { addQuoteRevision, createQuote, deleteQuote, updateQuote } from '../../infra/db/repositories/quotes';
import { json } from '../../infra/db/database';
import { recordAudit } from '../../infra/db/repositories/audit';
import {
  cancelQuoteSignal,
  FINAL_QUOTE_STAGES,
  QUOTE_TASK_QUEUE,
  QUOTE_WORKFLOW_TYPE,
  quoteWorkflowId,
  type QuoteWorkflowInput,
  type StoredQuoteFile,
} from '../../domain/quote/contract';
import type { Role } from '../../domain/tasks/roles';
import { CancelQuoteRequest, CreateQuoteFields, QuoteIdParams, QuoteSummary } from './schemas';
import { checkFiles, filesOf, QUOTE_FORM, storeFiles } from './uploads';
import { FileField, multipart, ok } from './openapi';
import { summary } from './views';
import type { QuoteFor } from './router';

/** Roles that may ask for a quote on a customer's behalf. */
const SALES_ROLES: Role[] = ['sales', 'sales_manager', 'manager', 'admin'];

/** Adds the routes that open and cancel a quote request; `quoteFor` answers 404 for a quote the actor may not see. */
export function registerRequestRoutes(router: Router, deps: ServiceDeps, quoteFor: QuoteFor): void {
  const { db, openapi } = deps;
  const receiveFiles = receiveMultipart(deps.uploads, QUOTE_FORM);

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
      const saved = await storeFiles(deps.config.dataDir, row.id, 1, files, trx);
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
    method: 'post',
    path: '/api/quotes/{id}/cancel',
    tags: ['quotes'],
    summary:
      'Cancel a quote before it is accepted (the customer withdraws it, or sales closes it); its open task closes, the customer and sales are told',
    security: AUTHENTICATED,
    request: { params: QuoteIdParams, body: { content: { 'application/json': { schema: CancelQuoteRequest } } } },
    responses: { ...ok('Cancelling (202)'), ...errorResponses(400, 401, 403, 404, 409) },
  });
}
