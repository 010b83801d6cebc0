import { Router } from 'express';
import { z } from 'zod';
import { text } from '../../domain/shared/fields';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { requireRole } from '../../infra/auth/middleware';
import { NotFoundError, ValidationError } from '../../infra/http/errors';
import { ROLES, type Role } from '../../domain/tasks/roles';

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;

/** Everyone but customers: staff read the histories behind the cases they work on; developers debug with them. */
const STAFF = ROLES.filter((r): r is Exclude<Role, 'customer'> => r !== 'customer');

export const WorkflowIdParams = z.object({ workflowId: text({ min: 1, max: 1000 }) });
export const HistoryQuery = z.object({ runId: z.uuid().optional() }).strict();

const WorkflowSummary = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    type: z.string(),
    status: z.string(),
    taskQueue: z.string(),
    startTime: z.string(),
    closeTime: z.string().nullable(),
    historyLength: z.number(),
    searchAttributes: z.record(z.string(), z.unknown()),
    pendingActivities: z.array(
      z.object({
        activityType: z.string(),
        attempt: z.number(),
        state: z.string(),
        lastFailure: z.string().nullable(),
      }),
    ),
    temporalUiUrl: z.string().nullable(),
  })
  .meta({ id: 'WorkflowSummary' });

/**
 * Read access to the Temporal side of every case: a workflow's state and its full event history in Temporal's
 * JSON form (the UI turns it into readable words; the raw events stay one click away).
 */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  // fetchHistory calls the service directly, so an unknown workflow arrives as the bare gRPC status.
  const grpcCode = (err: unknown) =>
    isGrpcServiceError(err)
      ? err.code
      : isGrpcServiceError((err as { cause?: unknown })?.cause)
        ? (err as { cause: { code: number } }).cause.code
        : undefined;
  const notFound = (err: unknown) => {
    if (err instanceof WorkflowNotFoundError || grpcCode(err) === GRPC_NOT_FOUND) throw new NotFoundError('workflow');
    if (grpcCode(err) === GRPC_INVALID_ARGUMENT)
      throw new ValidationError(`the workflow id or run id is not valid: ${(err as Error).message}`);
    throw err;
  };
  const uiLink = (workflowId: string, runId: string) =>
    deps.config.temporal.uiUrl
      ? `${deps.config.temporal.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`
      : null;

  router.get(
    '/workflows/:workflowId',
    requireRole(...STAFF),
    validate({ params: WorkflowIdParams }),
    async (req, res) => {
      const { workflowId } = req.params as z.infer<typeof WorkflowIdParams>;
      const d = await deps.temporal.workflow.getHandle(workflowId).describe().catch(notFound);
      res.json({
        workflowId: d.workflowId,
        runId: d.runId,
        type: d.type,
        status: d.status.name,
        taskQueue: d.taskQueue,
        startTime: d.startTime.toISOString(),
        closeTime: d.closeTime?.toISOString() ?? null,
        historyLength: d.historyLength,
        searchAttributes: Object.fromEntries(d.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])),
        pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
          activityType: a.activityType?.name ?? '',
          attempt: a.attempt ?? 1,
          state: String(a.state ?? ''),
          lastFailure: a.lastFailure?.message ?? null,
        })),
        temporalUiUrl: uiLink(d.workflowId, d.runId),
      });
    },
  );

  router.get(
    '/workflows/:workflowId/history',
    requireRole(...STAFF),
    validate({ params: WorkflowIdParams, query: HistoryQuery }),
    async (req, res) => {
      const { workflowId } = req.params as z.infer<typeof WorkflowIdParams>;
      const { runId } = req.query as z.infer<typeof HistoryQuery>;
      const handle = deps.temporal.workflow.getHandle(workflowId, runId);
      const history = await handle.fetchHistory().catch(notFound);
      // Temporal's JSON form: enum names, 64-bit numbers as strings, payload bytes as base64.
      const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
        enums: String,
        longs: String,
        bytes: String,
      });
      res.json({ workflowId, history: json });
    },
  );

  deps.openapi.registerPath({
    method: 'get',
    path: '/api/workflows/{workflowId}',
    tags: ['workflows'],
    summary: "A workflow's state: status, timing, search attributes, pending activities, Temporal UI link (staff)",
    security: AUTHENTICATED,
    request: { params: WorkflowIdParams } as never,
    responses: {
      200: { description: 'The workflow', content: { 'application/json': { schema: WorkflowSummary } } },
      ...errorResponses(401, 403, 404),
    } as never,
  });
  deps.openapi.registerPath({
    method: 'get',
    path: '/api/workflows/{workflowId}/history',
    tags: ['workflows'],
    summary: "A workflow run's full event history in Temporal's JSON form (latest run unless runId is given; staff)",
    security: AUTHENTICATED,
    request: { params: WorkflowIdParams, query: HistoryQuery } as never,
    responses: { 200: { description: 'The history' }, ...errorResponses(401, 403, 404) } as never,
  });
  return router;
}
