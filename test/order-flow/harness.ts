/**
 * Workflow-test harness of the order context: the embedded Temporal server (time skipping), PGlite with the real
 * schema, the real platform task/mail activities and the real order activities on one worker. People act the way
 * the tasks API does: complete the task row, then signal the workflow that owns it.
 */
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { createTestEnv } from '../../infra/temporal/test-env';
import { openTestDb, type TestDb } from '../../infra/db/testing';
import { seedDemo, DEMO_CUSTOMER } from '../../infra/db/seed';
import { customersRepo, tasksRepo, usersRepo } from '../../infra/db';
import { hashPassword } from '../../infra/auth/passwords';
import { createTaskActivities } from '../../activities/tasks';
import { createMailActivities } from '../../activities/mail';
import { createOrderActivities } from '../../activities/order';
import { taskCompletedSignal } from '../../workflows/shared/task-signals';
import {
  ORDER_TASK_QUEUE,
  ORDER_WORKFLOW_TYPE,
  orderWorkflowId,
  type OrderSettings,
  type OrderWorkflowInput,
} from '../../domain/order/contract';
import type { Task } from '../../domain/tasks/task';
import type { orderWorkflow } from '../../workflows/order';
import { insertAcceptedQuote } from './start-order';

import { eventually } from '../eventually';

export { eventually };

export interface OrderHarness {
  env: TestWorkflowEnvironment;
  t: TestDb;
  worker: Worker;
  prepayCustomerId: string;
  monthlyCustomerId: string;
  /** Starts an order for an accepted quote of the customer. */
  startOrder(
    customerId: string,
    options?: {
      quantity?: number;
      totalFen?: number;
      settings?: OrderSettings;
      /** Start it as before the money rename: the input says `totalMinor`. */
      oldMoneyNames?: boolean;
    },
  ): Promise<{ handle: WorkflowHandle<typeof orderWorkflow>; input: OrderWorkflowInput }>;
  /** The open task of that kind on the order (the first matching `match`), once the workflow opened it. */
  openTask(orderId: string, kind: string, match?: (task: Task) => boolean): Promise<Task>;
  /** Completes a task as the user with that email (as POST /api/tasks/:id/complete does). */
  complete(task: Task, decision: string, data: Record<string, unknown>, email: string): Promise<void>;
  /** openTask + complete. */
  act(orderId: string, kind: string, decision: string, data: Record<string, unknown>, email: string): Promise<Task>;
  /** Outbox emails of one recipient, oldest first. */
  mailTo(email: string): Promise<{ subject: string; idempotency_key: string; text_body: string }[]>;
  close(): Promise<void>;
}

export async function startOrderHarness(): Promise<OrderHarness> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already by another test file in this worker process.
  }
  const env = await createTestEnv();
  const t = await openTestDb('pglite');
  await seedDemo(t.db, 'USD');
  const prepay = (await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code))!;
  const manager = (await usersRepo.listActiveUsersByRole(t.db, ['manager']))[0];
  const monthly = await customersRepo.createCustomer(t.db, {
    code: 'MONTHLY',
    name: 'Loyal Monthly Ltd.',
    currency: 'USD',
    status: 'approved',
    payment_terms: 'monthly',
    payment_terms_approved_by: manager.id,
    credit_limit_fen: 5_000_000,
  });
  await usersRepo.createUser(t.db, {
    email: 'buyer@monthly.test',
    displayName: 'Monthly buyer',
    passwordHash: await hashPassword('demo'),
    role: 'customer',
    customerId: monthly.id,
  });

  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: ORDER_TASK_QUEUE,
    workflowsPath: require.resolve('../../workflows/order'),
    activities: {
      ...createTaskActivities({ db: t.db }),
      ...createMailActivities({ db: t.db }),
      ...createOrderActivities({ db: t.db }),
    },
  });
  const running = worker.run();

  async function openTask(orderId: string, kind: string, match: (task: Task) => boolean = () => true): Promise<Task> {
    return eventually(async () => {
      const task = (await tasksRepo.listTasks(t.db, { caseType: 'order', caseId: orderId, kind, status: 'open' })).find(
        match,
      );
      if (!task) throw new Error(`no open ${kind} task on order ${orderId}`);
      return task;
    });
  }

  async function complete(task: Task, decision: string, data: Record<string, unknown>, email: string): Promise<void> {
    const user = await t.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    const completedAt = new Date(await env.currentTimeMs());
    const done = await tasksRepo.completeTask(t.db, task.id, { decision, data, completedBy: user.id, completedAt });
    if (!done) throw new Error(`task ${task.step} was not open`);
    await env.client.workflow.getHandle(task.workflowId).signal(taskCompletedSignal, {
      taskId: task.id,
      step: task.step,
      decision,
      data,
      completedBy: { userId: user.id, email: user.email, role: user.role as Task['role'] },
      completedAt: completedAt.toISOString(),
    });
  }

  return {
    env,
    t,
    worker,
    prepayCustomerId: prepay.id,
    monthlyCustomerId: monthly.id,
    async startOrder(customerId, options = {}) {
      const quantity = options.quantity ?? 10;
      const quote = await insertAcceptedQuote(t.db, customerId, quantity, 'USD');
      const input: OrderWorkflowInput = {
        orderId: randomUUID(),
        quoteId: quote.id,
        customerId,
        quantity,
        totalFen: options.totalFen ?? 100_000,
        currency: 'USD',
        settings: options.settings,
      };
      const handle = await env.client.workflow.start<typeof orderWorkflow>(ORDER_WORKFLOW_TYPE, {
        taskQueue: ORDER_TASK_QUEUE,
        workflowId: orderWorkflowId(quote.id),
        args: [
          options.oldMoneyNames
            ? ((({ totalFen, ...rest }) => ({ ...rest, totalMinor: totalFen }))(input) as unknown as OrderWorkflowInput)
            : input,
        ],
      });
      return { handle, input };
    },
    openTask,
    complete,
    async act(orderId, kind, decision, data, email) {
      const task = await openTask(orderId, kind);
      await complete(task, decision, data, email);
      return task;
    },
    async mailTo(email) {
      return t.db
        .selectFrom('outbox')
        .select(['subject', 'idempotency_key', 'text_body'])
        .where('to_address', '=', email)
        .orderBy('created_at')
        .orderBy('idempotency_key')
        .execute();
    },
    async close() {
      worker.shutdown();
      await running;
      await t.close();
      await env.teardown();
    },
  };
}
