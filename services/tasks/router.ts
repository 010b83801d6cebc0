import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, isOverseer, requireAuth } from '../../infra/auth/middleware';
import type { Actor } from '../../infra/auth/sessions';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../infra/http/errors';
import { assignTask, getTask, listInbox, type InboxFilter, type InboxTask } from '../../infra/db/repositories/tasks';
import { getUser } from '../../infra/db/repositories/users';
import { recordAudit } from '../../infra/db/repositories/audit';
import { isOverdue, type Task } from '../../domain/tasks/task';
import { completeTask } from './complete-task';
import { CustomerTaskView, toCustomerTaskView } from './customer-view';
import {
  AssignTaskRequest,
  CompleteTaskRequest,
  ListTasksQuery,
  TaskIdParams,
  TaskKindView,
  TaskView,
} from './schemas';

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

/** A listed task: the task with its case reference, customer, amount and assignee. */
function toInboxView(task: InboxTask, now: Date): TaskView {
  const { caseReference, customerName, amountFen, assigneeId, assigneeName, assignedAt, ...rest } = task;
  return {
    ...toTaskView(rest, now),
    caseReference,
    customerName,
    amountFen,
    assigneeId,
    assigneeName,
    assignedAt: assignedAt ? assignedAt.toISOString() : null,
  };
}

/** True when the actor may see the task: overseers see all, a customer its own customer's, staff their role's. */
function canSee(actor: Actor, task: Task): boolean {
  if (isOverseer(actor)) return true;
  if (actor.role === 'customer')
    return task.role === 'customer' && task.customerId !== null && task.customerId === actor.customerId;
  return task.role === actor.role;
}

/** The human tasks API: the one surface through which people move workflows. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  /** What the actor reads of a task: a customer their explicit customer view, staff the full task. */
  const viewFor = (actor: Actor, task: Task, caseReference: string | null = null): TaskView | CustomerTaskView =>
    actor.role === 'customer' ? toCustomerTaskView(task, caseReference) : toTaskView(task);

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
    const now = new Date();
    const filter: InboxFilter = {
      status: q.status,
      kind: q.kind,
      caseType: q.caseType,
      caseId: q.case,
      customerId: q.customerId,
      overdueAt: q.overdue === true ? now : undefined,
      notOverdueAt: q.overdue === false ? now : undefined,
      search: q.q,
      assignee: q.assignee === 'me' ? actor.userId : q.assignee,
      sort: q.sort,
      dir: q.dir,
      limit: q.limit,
      offset: q.offset,
    };
    if (isOverseer(actor)) {
      if (q.role) filter.roles = [q.role];
    } else {
      if (q.role && q.role !== actor.role)
        throw new ForbiddenError(`you may list only tasks for your role (${actor.role})`);
      filter.roles = [actor.role];
      // A customer sees only their own customer's tasks, whatever customer they ask for.
      if (actor.role === 'customer') filter.customerId = actor.customerId ?? '00000000-0000-0000-0000-000000000000';
    }
    const page = await listInbox(deps.db, filter);
    const tasks =
      actor.role === 'customer'
        ? page.tasks.map((t) => toCustomerTaskView(t, t.caseReference))
        : page.tasks.map((t) => toInboxView(t, now));
    res.json({ tasks, total: page.total, limit: q.limit, offset: q.offset });
  });

  router.post(
    '/tasks/:id/assign',
    requireAuth,
    validate({ params: TaskIdParams, body: AssignTaskRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const { id } = req.params as TaskIdParams;
      const { assigneeId } = req.body as AssignTaskRequest;
      const task = await getTask(deps.db, id);
      if (!task || !canSee(actor, task)) throw new NotFoundError('task');
      if (actor.role === 'customer') throw new ForbiddenError('customers do not assign tasks');
      if (task.status !== 'open') throw new ConflictError(`the task is ${task.status}; only open tasks are assigned`);
      const overseer = isOverseer(actor);
      // People claim for themselves (or let go); managers and admins hand work to anyone who may do it.
      if (!overseer && assigneeId !== null && assigneeId !== actor.userId)
        throw new ForbiddenError('you may claim a task only for yourself');
      if (assigneeId !== null) {
        const person = await getUser(deps.db, assigneeId);
        if (!person || !person.active)
          throw new ValidationError('assigneeId: no active user with this id', 'assigneeId');
        if (person.role !== task.role && !['manager', 'admin'].includes(person.role))
          throw new ValidationError(
            `assigneeId: ${person.email} is not ${task.role}; the task is for that role`,
            'assigneeId',
          );
      }
      // A claim by someone who is not an overseer takes only an unclaimed task (or their own).
      const done = await assignTask(deps.db, id, assigneeId, overseer ? undefined : actor.userId);
      if (!done) throw new ConflictError('the task was claimed by someone else or is no longer open');
      await recordAudit(deps.db, {
        actorId: actor.userId,
        actorRole: actor.role,
        action: assigneeId ? 'task.assigned' : 'task.unassigned',
        entityType: 'task',
        entityId: id,
        after: { assigneeId },
      });
      const [listed] = (
        await listInbox(deps.db, { workflowId: task.workflowId, caseId: task.caseId, status: 'open', limit: 500 })
      ).tasks.filter((t) => t.id === id);
      res.json(listed ? toInboxView(listed, new Date()) : toTaskView(task));
    },
  );

  router.get('/tasks/:id', requireAuth, validate({ params: TaskIdParams }), async (req, res) => {
    const task = await getTask(deps.db, (req.params as TaskIdParams).id);
    const actor = actorOf(req);
    if (!task || !canSee(actor, task)) throw new NotFoundError('task');
    res.json(viewFor(actor, task));
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
      res.json(viewFor(actor, completed));
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
      200: {
        description:
          'One page of tasks (sorted by due time unless asked otherwise) with their case reference, customer, amount and assignee, and how many match in all',
        content: {
          'application/json': {
            schema: z.object({
              tasks: z.array(z.union([TaskView, CustomerTaskView])),
              total: z.number().int(),
              limit: z.number().int(),
              offset: z.number().int(),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/tasks/{id}/assign',
    tags: ['tasks'],
    summary:
      'Claim an open task (assigneeId = yourself), let it go (null), or — managers and admins — give it to a person of its role',
    security: AUTHENTICATED,
    request: { params: TaskIdParams, body: { content: { 'application/json': { schema: AssignTaskRequest } } } },
    responses: {
      200: { description: 'The task with its assignee', content: { 'application/json': { schema: TaskView } } },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/tasks/{id}',
    tags: ['tasks'],
    summary: 'One task',
    security: AUTHENTICATED,
    request: { params: TaskIdParams },
    responses: {
      200: {
        description: 'The task (a customer gets the customer view)',
        content: { 'application/json': { schema: z.union([TaskView, CustomerTaskView]) } },
      },
      ...errorResponses(400, 401, 404),
    },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/tasks/{id}/complete',
    tags: ['tasks'],
    summary:
      'Complete a task with a decision; signals the workflow waiting for it. Exactly once: a second completion is 409.',
    security: AUTHENTICATED,
    request: { params: TaskIdParams, body: { content: { 'application/json': { schema: CompleteTaskRequest } } } },
    responses: {
      200: {
        description: 'The completed task (a customer gets the customer view)',
        content: { 'application/json': { schema: z.union([TaskView, CustomerTaskView]) } },
      },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/task-kinds',
    tags: ['tasks'],
    summary: 'Every task kind with its decisions and the JSON Schema of its data',
    security: AUTHENTICATED,
    responses: {
      200: { description: 'Task kinds', content: { 'application/json': { schema: z.array(TaskKindView) } } },
      ...errorResponses(401),
    },
  });
  return router;
}
