import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, isOverseer, requireAuth } from '../../infra/auth/middleware';
import type { Actor } from '../../infra/auth/sessions';
import { ForbiddenError, NotFoundError } from '../../infra/http/errors';
import { getTask, listTasks, type TaskFilter } from '../../infra/db/repositories/tasks';
import { isOverdue, type Task } from '../../domain/tasks/task';
import { completeTask } from './complete-task';
import { CompleteTaskRequest, ListTasksQuery, TaskIdParams, TaskKindView, TaskView } from './schemas';

/** A task as the API shows it. */
export function toTaskView(task: Task, now = new Date()): TaskView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    ...task,
    dueAt: iso(task.dueAt),
    remindAt: iso(task.remindAt),
    escalateAt: iso(task.escalateAt),
    remindedAt: iso(task.remindedAt),
    escalatedAt: iso(task.escalatedAt),
    completedAt: iso(task.completedAt),
    createdAt: task.createdAt.toISOString(),
    overdue: isOverdue(task, now),
  };
}

/** True when the actor may see the task: overseers see all, a customer its own customer's, staff their role's. */
function canSee(actor: Actor, task: Task): boolean {
  if (isOverseer(actor)) return true;
  if (actor.role === 'customer') return task.role === 'customer' && task.customerId !== null && task.customerId === actor.customerId;
  return task.role === actor.role;
}

/** The human tasks API: the one surface through which people move workflows. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();

  router.get('/task-kinds', requireAuth, (_req, res) => {
    res.json(
      deps.taskKinds.list().map((k) => ({
        kind: k.kind,
        description: k.description,
        decisions: [...k.decisions],
        dataSchema: z.toJSONSchema(k.data, { unrepresentable: 'any' }),
      })),
    );
  });

  router.get('/tasks', requireAuth, validate({ query: ListTasksQuery }), async (req, res) => {
    const actor = actorOf(req);
    const q = req.query as unknown as ListTasksQuery;
    const filter: TaskFilter = {
      status: q.status,
      kind: q.kind,
      caseType: q.caseType,
      caseId: q.case,
      overdueAt: q.overdue ? new Date() : undefined,
      limit: q.limit,
      offset: q.offset,
    };
    if (isOverseer(actor)) {
      if (q.role) filter.roles = [q.role];
    } else {
      if (q.role && q.role !== actor.role) throw new ForbiddenError(`you may list only tasks for your role (${actor.role})`);
      filter.roles = [actor.role];
      if (actor.role === 'customer') filter.customerId = actor.customerId ?? undefined;
    }
    let tasks = await listTasks(deps.db, filter);
    if (q.overdue === false) tasks = tasks.filter((t) => !isOverdue(t, new Date()));
    res.json({ tasks: tasks.map((t) => toTaskView(t)) });
  });

  router.get('/tasks/:id', requireAuth, validate({ params: TaskIdParams }), async (req, res) => {
    const task = await getTask(deps.db, (req.params as TaskIdParams).id);
    if (!task || !canSee(actorOf(req), task)) throw new NotFoundError('task');
    res.json(toTaskView(task));
  });

  router.post(
    '/tasks/:id/complete',
    requireAuth,
    validate({ params: TaskIdParams, body: CompleteTaskRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const { id } = req.params as TaskIdParams;
      const body = req.body as CompleteTaskRequest;
      const task = await getTask(deps.db, id);
      if (!task || !canSee(actor, task)) throw new NotFoundError('task');
      const completed = await completeTask(deps, actor, task, body.decision, body.data);
      res.json(toTaskView(completed));
    },
  );

  const openapi = deps.openapi;
  openapi.registerPath({
    method: 'get',
    path: '/api/tasks',
    tags: ['tasks'],
    summary: "Tasks for the caller's role (managers and admins see all; customers their own)",
    security: AUTHENTICATED,
    request: { query: ListTasksQuery },
    responses: {
      200: { description: 'Tasks, soonest due first', content: { 'application/json': { schema: z.object({ tasks: z.array(TaskView) }) } } },
      ...errorResponses(400, 401, 403),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/tasks/{id}',
    tags: ['tasks'],
    summary: 'One task',
    security: AUTHENTICATED,
    request: { params: TaskIdParams },
    responses: { 200: { description: 'The task', content: { 'application/json': { schema: TaskView } } }, ...errorResponses(400, 401, 404) },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/tasks/{id}/complete',
    tags: ['tasks'],
    summary: 'Complete a task with a decision; signals the workflow waiting for it. Exactly once: a second completion is 409.',
    security: AUTHENTICATED,
    request: { params: TaskIdParams, body: { content: { 'application/json': { schema: CompleteTaskRequest } } } },
    responses: {
      200: { description: 'The completed task', content: { 'application/json': { schema: TaskView } } },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/task-kinds',
    tags: ['tasks'],
    summary: 'Every task kind with its decisions and the JSON Schema of its data',
    security: AUTHENTICATED,
    responses: { 200: { description: 'Task kinds', content: { 'application/json': { schema: z.array(TaskKindView) } } }, ...errorResponses(401) },
  });
  return router;
}
