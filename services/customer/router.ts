/**
 * The customer API: sales registers customers (starting onboarding), sales records the factory audit (visit
 * date, result, corrective actions), staff close corrective actions, and payment terms are set (prepay at once,
 * monthly settlement after a manager's approval). Role and ownership checked; a step not open answers 409.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { multilineText, planDate, text } from '../../domain/shared/fields';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, assertCustomerAccess, requireAuth, requireRole } from '../../infra/auth/middleware';
import { AppError, BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../infra/http/errors';
import { isUniqueViolation } from '../../infra/db/errors';
import {
  addContact,
  createCustomer,
  deleteCustomer,
  getCustomer,
  listContacts,
  listCorrectiveActions,
  listCustomers,
  listFactoryAudits,
  setCustomerWorkflowId,
  updateCustomer,
} from '../../infra/db/repositories/customers';
import { recordAudit } from '../../infra/db/repositories/audit';
import type { CustomerRow } from '../../infra/db/schema';
import {
  CUSTOMER_ONBOARDING_WORKFLOW_TYPE,
  CUSTOMER_TASK_QUEUE,
  PAYMENT_TERMS_WORKFLOW_TYPE,
  customerOnboardingStateQuery,
  CUSTOMER_TASK_KIND_NAMES,
  customerSteps,
  customerWorkflowId,
  paymentTermsWorkflowId,
  type CustomerOnboardingInput,
  type CustomerOnboardingState,
  type PaymentTermsApprovalInput,
} from '../../domain/customer/contract';
import { planPaymentTerms } from '../../domain/customer/payment-terms';
import { listTasks } from '../../infra/db/repositories/tasks';
import { completeOpenStep, completeTask } from '../tasks/complete-task';

export const RegisterCustomerRequest = z
  .object({
    code: z.string().regex(/^[A-Z0-9-]{2,20}$/, 'must be 2–20 capital letters, digits or dashes'),
    name: text({ min: 1, max: 200 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
      .optional(),
    address: multilineText({ max: 500 }).optional(),
    auditRequired: z.boolean().default(false),
    isKeyCustomer: z.boolean().optional(),
    contact: z
      .object({ name: text({ min: 1, max: 200 }), email: z.email(), phone: text({ max: 50 }).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'RegisterCustomer' });
export type RegisterCustomerRequest = z.infer<typeof RegisterCustomerRequest>;

export const CustomerIdParams = z.object({ id: z.uuid() });
export const ActionParams = z.object({ id: z.uuid(), actionId: z.uuid() });
export const TermsDecisionParams = z.object({ id: z.uuid(), requestId: z.uuid() });

export const AuditVisitRequest = z
  .object({ visitOn: planDate(), comment: multilineText({ max: 2000 }).optional() })
  .strict()
  .meta({ id: 'AuditVisit' });
export const RescheduleVisitRequest = z
  .object({ visitOn: planDate(), reason: multilineText({ min: 1, max: 2000 }) })
  .strict()
  .meta({ id: 'RescheduleAuditVisit' });
export type RescheduleVisitRequest = z.infer<typeof RescheduleVisitRequest>;
export const ReauditRequest = z
  .object({ reason: multilineText({ min: 1, max: 2000 }) })
  .strict()
  .meta({ id: 'ReauditRequest' });
export const AuditResultRequest = z
  .object({
    result: z.enum(['pass', 'conditional', 'fail']),
    auditors: text({ max: 500 }).optional(),
    notes: multilineText({ max: 4000 }).optional(),
    correctiveActions: z
      .array(z.object({ description: multilineText({ min: 1, max: 1000 }), dueOn: planDate() }).strict())
      .max(50)
      .optional(),
  })
  .strict()
  .meta({ id: 'AuditResult' });
export type AuditResultRequest = z.infer<typeof AuditResultRequest>;
export const PaymentTermsRequestSchema = z
  .object({ kind: z.enum(['prepay', 'monthly']), creditLimitFen: z.number().int().min(0).max(1e13).optional() })
  .strict()
  .meta({ id: 'PaymentTermsRequest' });
export const DecisionRequest = z
  .object({ decision: z.enum(['approve', 'reject']), comment: multilineText({ max: 2000 }).optional() })
  .strict();
export const CommentRequest = z.object({ comment: multilineText({ max: 2000 }).optional() }).strict();

const STAFF = [
  'sales',
  'sales_manager',
  'manager',
  'admin',
  'finance',
  'engineer',
  'production',
  'qa',
  'warehouse',
] as const;

function view(c: CustomerRow) {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    status: c.status,
    currency: c.currency,
    paymentTerms: {
      kind: c.payment_terms,
      creditLimitFen: c.credit_limit_fen,
      approvedBy: c.payment_terms_approved_by,
    },
    isKeyCustomer: c.is_key_customer,
    address: c.address,
    workflowId: c.workflow_id,
  };
}

/** Creates the customer router. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  const { db } = deps;

  async function customerFor(req: Parameters<typeof actorOf>[0], id: string): Promise<CustomerRow> {
    const customer = await getCustomer(db, id);
    if (!customer) throw new NotFoundError('customer');
    assertCustomerAccess(actorOf(req), customer.id, 'customer');
    return customer;
  }

  /**
   * Completes the customer's open audit task of `kind`. The audit's steps are numbered once a visit moves or the
   * customer audits again (`record-audit-result-2`), so the endpoint finds the task by kind; 409 when none is open.
   */
  async function completeAuditTask(
    req: Parameters<typeof actorOf>[0],
    customerId: string,
    kind: string,
    decision: string,
    data: Record<string, unknown>,
  ) {
    const [task] = await listTasks(db, {
      workflowId: customerWorkflowId(customerId),
      kind,
      status: 'open',
      limit: 1,
    });
    if (!task) throw new ConflictError(`no ${kind.replace(/-/g, ' ')} task is open for this customer`);
    return completeTask(deps, actorOf(req), task, decision, data);
  }

  async function onboardingOf(customerId: string): Promise<CustomerOnboardingState | null> {
    try {
      return await deps.temporal.workflow.getHandle(customerWorkflowId(customerId)).query(customerOnboardingStateQuery);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) deps.logger.warn({ err: error }, 'onboarding query failed');
      return null;
    }
  }

  router.post(
    '/customers',
    requireRole('sales', 'sales_manager', 'manager', 'admin'),
    validate({ body: RegisterCustomerRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const body = req.body as RegisterCustomerRequest;
      let customer: CustomerRow;
      try {
        customer = await db.transaction().execute(async (trx) => {
          const created = await createCustomer(trx, {
            code: body.code,
            name: body.name,
            currency: body.currency ?? deps.config.business.currency,
            address: body.address ?? null,
            is_key_customer: body.isKeyCustomer ?? false,
            workflow_id: null,
          });
          if (body.contact)
            await addContact(trx, {
              customer_id: created.id,
              name: body.contact.name,
              email: body.contact.email,
              phone: body.contact.phone ?? null,
              is_primary: true,
            });
          const workflowId = customerWorkflowId(created.id);
          await setCustomerWorkflowId(trx, created.id, workflowId);
          await recordAudit(trx, {
            actorId: actor.userId,
            actorRole: actor.role,
            action: 'customer.register',
            entityType: 'customer',
            entityId: created.id,
            after: { code: body.code, auditRequired: body.auditRequired },
          });
          return { ...created, workflow_id: workflowId };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`a customer with code ${body.code} already exists`);
        throw error;
      }
      const input: CustomerOnboardingInput = {
        customerId: customer.id,
        name: customer.name,
        auditRequired: body.auditRequired,
        registeredBy: { userId: actor.userId, email: actor.email, role: actor.role },
      };
      try {
        await deps.temporal.workflow.start(CUSTOMER_ONBOARDING_WORKFLOW_TYPE, {
          taskQueue: CUSTOMER_TASK_QUEUE,
          workflowId: customerWorkflowId(customer.id),
          args: [input],
        });
      } catch (error) {
        // A customer without its onboarding could never be quoted: take the registration back.
        deps.logger.error({ err: error, customerId: customer.id }, 'starting the onboarding workflow failed');
        await db.transaction().execute((trx) => deleteCustomer(trx, customer.id));
        throw new AppError('unavailable', 'the workflow engine is unreachable; try again shortly');
      }
      res.status(201).json({ ...view(customer), auditRequired: body.auditRequired });
    },
  );

  router.get('/customers', requireRole(...STAFF), async (_req, res) => {
    res.json({ customers: (await listCustomers(db, { limit: 200 })).map(view) });
  });

  router.get('/customers/:id', requireAuth, validate({ params: CustomerIdParams }), async (req, res) => {
    const customer = await customerFor(req, (req.params as { id: string }).id);
    const audits = await listFactoryAudits(db, customer.id);
    const actions = (await Promise.all(audits.map((a) => listCorrectiveActions(db, a.id)))).flat();
    const onboarding = await onboardingOf(customer.id);
    if (actorOf(req).role === 'customer') {
      // An explicit customer view: their company, contacts and the audit's outcome — no approver ids, notes or routing.
      res.json({
        id: customer.id,
        code: customer.code,
        name: customer.name,
        status: customer.status,
        currency: customer.currency,
        paymentTerms: { kind: customer.payment_terms, creditLimitFen: customer.credit_limit_fen },
        address: customer.address,
        contacts: (await listContacts(db, customer.id)).map((c) => ({
          name: c.name,
          email: c.email,
          phone: c.phone,
          primary: c.is_primary,
        })),
        audits: audits.map((a) => ({ id: a.id, visitedOn: a.visited_on, result: a.result })),
        correctiveActions: actions.map((a) => ({
          id: a.id,
          auditId: a.audit_id,
          description: a.description,
          dueOn: a.due_on,
          status: a.status,
          closedAt: a.closed_at,
        })),
        onboarding: onboarding && {
          status: onboarding.status,
          auditRequired: onboarding.auditRequired,
          visitOn: onboarding.visitOn,
          auditResult: onboarding.auditResult,
        },
      });
      return;
    }
    res.json({
      ...view(customer),
      contacts: (await listContacts(db, customer.id)).map((c) => ({
        name: c.name,
        email: c.email,
        phone: c.phone,
        primary: c.is_primary,
      })),
      audits: audits.map((a) => ({
        id: a.id,
        visitedOn: a.visited_on,
        result: a.result,
        auditors: a.auditor_names,
        notes: a.notes,
      })),
      correctiveActions: actions.map((a) => ({
        id: a.id,
        auditId: a.audit_id,
        description: a.description,
        dueOn: a.due_on,
        status: a.status,
        closedAt: a.closed_at,
      })),
      onboarding,
    });
  });

  router.post(
    '/customers/:id/audit/visit',
    requireRole('sales', 'sales_manager'),
    validate({ params: CustomerIdParams, body: AuditVisitRequest }),
    async (req, res) => {
      const customer = await customerFor(req, (req.params as { id: string }).id);
      const task = await completeAuditTask(
        req,
        customer.id,
        CUSTOMER_TASK_KIND_NAMES.scheduleAudit,
        'schedule',
        req.body as Record<string, unknown>,
      );
      res.json({ customerId: customer.id, step: task.step, decision: task.decision, data: task.data });
    },
  );

  // Moving an agreed visit (until its result is recorded): the same people who agree visits; the workflow mails the
  // customer the new date and reminds sales on the new day's clock.
  router.post(
    '/customers/:id/audit/visit/reschedule',
    requireRole('sales', 'sales_manager'),
    validate({ params: CustomerIdParams, body: RescheduleVisitRequest }),
    async (req, res) => {
      const customer = await customerFor(req, (req.params as { id: string }).id);
      const body = req.body as RescheduleVisitRequest;
      const task = await completeAuditTask(
        req,
        customer.id,
        CUSTOMER_TASK_KIND_NAMES.recordAuditResult,
        'reschedule',
        body,
      );
      res.json({ customerId: customer.id, step: task.step, decision: task.decision, visitOn: body.visitOn });
    },
  );

  // A re-audit after a failed audit: the sales manager (or a manager) asks, saying what was fixed, from the day the
  // workflow offers it (30 days after the failure).
  router.post(
    '/customers/:id/audit/reaudit',
    requireRole('sales_manager', 'manager'),
    validate({ params: CustomerIdParams, body: ReauditRequest }),
    async (req, res) => {
      const customer = await customerFor(req, (req.params as { id: string }).id);
      const onboarding = await onboardingOf(customer.id);
      if (onboarding?.status === 'rejected' && onboarding.reauditFrom)
        throw new BusinessRuleError(
          `a re-audit may be requested from ${onboarding.reauditFrom} (30 days after the failed audit)`,
        );
      if (onboarding && onboarding.status !== 'rejected')
        throw new ConflictError(`only a failed audit is redone; onboarding is ${onboarding.status.replace(/_/g, ' ')}`);
      const task = await completeAuditTask(
        req,
        customer.id,
        CUSTOMER_TASK_KIND_NAMES.requestReaudit,
        'request',
        req.body as Record<string, unknown>,
      );
      res.json({ customerId: customer.id, step: task.step, decision: task.decision });
    },
  );

  router.post(
    '/customers/:id/audit/result',
    requireRole('sales', 'sales_manager'),
    validate({ params: CustomerIdParams, body: AuditResultRequest }),
    async (req, res) => {
      const customer = await customerFor(req, (req.params as { id: string }).id);
      const body = req.body as AuditResultRequest;
      if (body.result === 'conditional' && !body.correctiveActions?.length)
        throw new ValidationError(
          'correctiveActions: a conditional result needs at least one corrective action',
          'correctiveActions',
        );
      if (body.result !== 'conditional' && body.correctiveActions?.length)
        throw new ValidationError(
          `correctiveActions: only a conditional result has corrective actions`,
          'correctiveActions',
        );
      const { result, ...data } = body;
      const task = await completeAuditTask(req, customer.id, CUSTOMER_TASK_KIND_NAMES.recordAuditResult, result, data);
      res.json({ customerId: customer.id, step: task.step, decision: task.decision });
    },
  );

  router.post(
    '/customers/:id/corrective-actions/:actionId/done',
    requireRole('qa', 'sales', 'manager'),
    validate({ params: ActionParams, body: CommentRequest }),
    async (req, res) => {
      const { id, actionId } = req.params as z.infer<typeof ActionParams>;
      const customer = await customerFor(req, id);
      const task = await completeOpenStep(
        deps,
        actorOf(req),
        customerWorkflowId(customer.id),
        customerSteps.correctiveAction(actionId),
        'done',
        req.body as Record<string, unknown>,
      );
      res.json({ customerId: customer.id, correctiveActionId: actionId, decision: task.decision });
    },
  );

  router.put(
    '/customers/:id/payment-terms',
    requireRole('finance', 'sales_manager', 'manager'),
    validate({ params: CustomerIdParams, body: PaymentTermsRequestSchema }),
    async (req, res) => {
      const actor = actorOf(req);
      const customer = await customerFor(req, (req.params as { id: string }).id);
      const plan = planPaymentTerms(req.body as z.infer<typeof PaymentTermsRequestSchema>);
      if (!plan.ok) throw new ValidationError(`${plan.field}: ${plan.reason}`, plan.field);
      if (!plan.needsApproval) {
        await db.transaction().execute(async (trx) => {
          const changed = await updateCustomer(trx, customer.id, {
            payment_terms: 'prepay',
            credit_limit_fen: 0,
            payment_terms_approved_by: null,
          });
          await recordAudit(trx, {
            actorId: actor.userId,
            actorRole: actor.role,
            action: 'customer.payment_terms',
            entityType: 'customer',
            entityId: customer.id,
            before: { terms: changed?.before.payment_terms },
            after: { terms: 'prepay' },
          });
        });
        res.json({ customerId: customer.id, status: 'applied', terms: plan.terms });
        return;
      }
      const requestId = randomUUID();
      const input: PaymentTermsApprovalInput = {
        customerId: customer.id,
        requestId,
        creditLimitFen: plan.creditLimitFen,
        requestedBy: { userId: actor.userId, email: actor.email, role: actor.role },
      };
      const workflowId = paymentTermsWorkflowId(customer.id, requestId);
      await deps.temporal.workflow.start(PAYMENT_TERMS_WORKFLOW_TYPE, {
        taskQueue: CUSTOMER_TASK_QUEUE,
        workflowId,
        args: [input],
      });
      res.status(202).json({ customerId: customer.id, status: 'awaiting_manager_approval', requestId, workflowId });
    },
  );

  router.post(
    '/customers/:id/payment-terms/:requestId/decision',
    requireRole('manager'),
    validate({ params: TermsDecisionParams, body: DecisionRequest }),
    async (req, res) => {
      const { id, requestId } = req.params as z.infer<typeof TermsDecisionParams>;
      const customer = await customerFor(req, id);
      const { decision, ...data } = req.body as z.infer<typeof DecisionRequest>;
      const task = await completeOpenStep(
        deps,
        actorOf(req),
        paymentTermsWorkflowId(customer.id, requestId),
        customerSteps.approvePaymentTerms,
        decision,
        data,
      );
      res.json({ customerId: customer.id, requestId, decision: task.decision });
    },
  );

  registerOpenApi(deps);
  return router;
}

function registerOpenApi({ openapi }: ServiceDeps): void {
  const ok = (description: string, status = 200) => ({
    [status]: { description, content: { 'application/json': { schema: z.object({}).passthrough() } } },
  });
  const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const paths: [
    method: 'get' | 'post' | 'put',
    path: string,
    summary: string,
    request: Record<string, unknown>,
    responses: Record<string, unknown>,
  ][] = [
    [
      'post',
      '/api/customers',
      'Register a customer (sales); starts onboarding, with or without a factory audit',
      { body: body(RegisterCustomerRequest) },
      { ...ok('Registered', 201), ...errorResponses(400, 401, 403, 409) },
    ],
    ['get', '/api/customers', 'Customers (staff)', {}, { ...ok('Customers'), ...errorResponses(401, 403) }],
    [
      'get',
      '/api/customers/{id}',
      'One customer with audits, corrective actions and the onboarding state',
      { params: CustomerIdParams },
      { ...ok('The customer'), ...errorResponses(400, 401, 404) },
    ],
    [
      'post',
      '/api/customers/{id}/audit/visit',
      "Agree the date of the customer's audit visit (sales)",
      { params: CustomerIdParams, body: body(AuditVisitRequest) },
      { ...ok('Scheduled'), ...errorResponses(400, 401, 403, 404, 409) },
    ],
    [
      'post',
      '/api/customers/{id}/audit/visit/reschedule',
      'Move the agreed audit visit to another day before its result (sales); the customer is e-mailed the new date',
      { params: CustomerIdParams, body: body(RescheduleVisitRequest) },
      { ...ok('Moved'), ...errorResponses(400, 401, 403, 404, 409) },
    ],
    [
      'post',
      '/api/customers/{id}/audit/reaudit',
      'Ask for a new audit after a failed one, saying what was fixed (sales manager; from 30 days after the failure)',
      { params: CustomerIdParams, body: body(ReauditRequest) },
      { ...ok('Requested'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    ],
    [
      'post',
      '/api/customers/{id}/audit/result',
      'Record the audit result: pass, conditional (corrective actions with due dates) or fail (sales)',
      { params: CustomerIdParams, body: body(AuditResultRequest) },
      { ...ok('Recorded'), ...errorResponses(400, 401, 403, 404, 409) },
    ],
    [
      'post',
      '/api/customers/{id}/corrective-actions/{actionId}/done',
      'Report a corrective action done',
      { params: ActionParams, body: body(CommentRequest) },
      { ...ok('Closed'), ...errorResponses(400, 401, 403, 404, 409) },
    ],
    [
      'put',
      '/api/customers/{id}/payment-terms',
      'Set payment terms: prepay applies at once; monthly settlement waits for a manager (202)',
      { params: CustomerIdParams, body: body(PaymentTermsRequestSchema) },
      { ...ok('Applied'), ...ok('Awaiting approval', 202), ...errorResponses(400, 401, 403, 404) },
    ],
    [
      'post',
      '/api/customers/{id}/payment-terms/{requestId}/decision',
      'Approve or refuse monthly settlement (manager)',
      { params: TermsDecisionParams, body: body(DecisionRequest) },
      { ...ok('Decided'), ...errorResponses(400, 401, 403, 404, 409) },
    ],
  ];
  for (const [method, path, summary, request, responses] of paths) {
    openapi.registerPath({
      method,
      path,
      tags: ['customers'],
      summary,
      security: AUTHENTICATED,
      request: request as never,
      responses: responses as never,
    });
  }
}
