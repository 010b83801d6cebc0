/**
 * One Temporal test environment (time skipping), one PGlite database, and real workers on the `rma` and
 * `production` queues running the real RMA and task activities — shared by the RMA workflow tests. People
 * act the way the API makes them act: the task row is completed and the workflow gets the taskCompleted signal.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTestEnv } from '../../infra/temporal/test-env';
import { registerSearchAttributes } from '../../infra/temporal/search-attributes';
import { openTestDb, type TestDb, type TestDbKind } from '../../infra/db/testing';
import { createUser, type User } from '../../infra/db/repositories/users';
import { createCustomer } from '../../infra/db/repositories/customers';
import { completeTask, findTaskByStep } from '../../infra/db/repositories/tasks';
import { createTaskActivities } from '../../activities/tasks';
import { createRmaActivities } from '../../activities/rma';
import { createRmaRoutineActivities } from '../../activities/rma/routines';
import { ROLES, type Role } from '../../domain/tasks/roles';
import type { Task, TaskCompletion } from '../../domain/tasks/task';
import { taskCompletedSignal } from '../../workflows/shared/task-signals';
import { RMA_TASK_KINDS } from '../../domain/rma/task-kinds';
import type { TaskKind } from '../../domain/tasks/kinds';
import {
  PRODUCTION_TASK_QUEUE,
  RMA_TASK_QUEUE,
  rmaStateQuery,
  rmaWorkflowId,
  type RmaState,
} from '../../domain/rma/contract';
import { FACTORY_CALENDAR, type WorkingCalendar } from '../../domain/rma/calendar';
import type { Actor } from '../../infra/auth/sessions';
import { openRma } from '../../services/rma/open-rma';
import { checkSecondApprover, fourEyesRequestOf } from '../../domain/tasks/four-eyes';
import { OpenRmaRequest } from '../../services/rma/schemas';

import { eventually } from '../eventually';

export { eventually };

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Everything a test needs. */
export interface RmaHarness {
  env: TestWorkflowEnvironment;
  /** The workflow bundle the workers run (for replay tests). */
  workflowBundle: WorkflowBundleWithSourceMap;
  testDb: TestDb;
  users: Record<Role, User>;
  customerId: string;
  calendar: WorkingCalendar;
  /** Opens an RMA as sales (defaults: 150 pcs, in warranty by sale date, repair). */
  open(
    request?: Partial<OpenRmaRequest>,
    customer?: { key?: boolean },
  ): Promise<{ rmaId: string; workflowId: string; reference: string }>;
  /** The open task of a step, waiting for the workflow to open it. */
  task(workflowId: string, step: string): Promise<Task>;
  /** Completes a step as a user of its role (or `as`), like POST /api/tasks/:id/complete. */
  complete(
    workflowId: string,
    step: string,
    decision: string,
    data?: Record<string, unknown>,
    as?: User,
  ): Promise<Task>;
  state(workflowId: string): Promise<RmaState>;
  /** Skips workflow time forward to `at`. */
  sleepUntil(at: Date): Promise<void>;
  now(): Promise<Date>;
  close(): Promise<void>;
}

/** Sets up the environment; the server's clock is moved to Monday 09:00 Shanghai first, so deadlines are fixed. */
export async function createRmaHarness(dbKind: TestDbKind = 'pglite'): Promise<RmaHarness> {
  const env = await createTestEnv();
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const testDb = await openTestDb(dbKind);
  const { db } = testDb;
  const calendar: WorkingCalendar = { ...FACTORY_CALENDAR };

  const customer = await createCustomer(db, {
    code: 'ACME',
    name: 'Acme Optics',
    currency: 'CNY',
    address: '1 Lens Road, Shenzhen',
  });
  const keyCustomer = await createCustomer(db, {
    code: 'KEY',
    name: 'Key Account Ltd',
    currency: 'CNY',
    is_key_customer: true,
  });
  const users = {} as Record<Role, User>;
  for (const role of ROLES) {
    users[role] = await createUser(db, {
      email: `${role}@rma.test`,
      displayName: role,
      passwordHash: 'x',
      role,
      customerId: role === 'customer' ? customer.id : null,
    });
  }

  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows/rma'), logger: quietLogger });
  const workflowBundle = await bundle;
  const taskActivities = createTaskActivities({ db });
  const rmaWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue: RMA_TASK_QUEUE,
    workflowBundle,
    activities: { ...taskActivities, ...createRmaActivities({ db }), ...createRmaRoutineActivities({ db }) },
  });
  const productionWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue: PRODUCTION_TASK_QUEUE,
    workflowBundle,
    activities: taskActivities,
  });
  const runs = [rmaWorker.run(), productionWorker.run()];

  // Next Monday 01:00Z = 09:00 in Shanghai.
  const nowMs = await env.currentTimeMs();
  const d = new Date(nowMs);
  const daysToMonday = (8 - d.getUTCDay()) % 7 || 7;
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + daysToMonday, 1, 0, 0);
  await env.sleep(monday - nowMs);

  const sales: Actor = {
    userId: users.sales.id,
    email: users.sales.email,
    displayName: 'sales',
    role: 'sales',
    customerId: null,
    sessionId: 'test',
  };
  const kinds = new Map<string, TaskKind>(RMA_TASK_KINDS.map((k) => [k.kind, k]));

  const harness: RmaHarness = {
    env,
    workflowBundle,
    testDb,
    users,
    customerId: customer.id,
    calendar,
    async open(request = {}, opts = {}) {
      const parsed = OpenRmaRequest.parse({
        customerId: opts.key ? keyCustomer.id : customer.id,
        quantity: 150,
        symptoms: 'image flicker after 2 weeks',
        productModel: 'CAM-7',
        partNumber: 'PN-7001',
        saleDate: new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10),
        ...request,
      });
      const row = await openRma({ db, temporal: env.client, calendar }, sales, parsed);
      return { rmaId: row.id, workflowId: rmaWorkflowId(row.id), reference: row.reference };
    },
    task(workflowId, step) {
      return eventually(async () => {
        const t = await findTaskByStep(db, workflowId, step);
        if (!t || t.status !== 'open') throw new Error(`no open task ${step} of ${workflowId}`);
        return t;
      });
    },
    async complete(workflowId, step, decision, data = {}, as) {
      const task = await harness.task(workflowId, step);
      const kind = kinds.get(task.kind);
      if (!kind) throw new Error(`unknown kind ${task.kind}`);
      const parsedData = kind.data.parse(data) as Record<string, unknown>;
      // The same cross-checks as the API (counts against what the workflow counted).
      const problem = kind.check?.(parsedData, task.payload ?? {}, decision);
      if (problem) throw new Error(`data.${problem.field}: ${problem.message}`);
      const user = as ?? users[task.role];
      // Four eyes, as the API checks it: the person a task names as the requester cannot decide it.
      const request = fourEyesRequestOf(task.payload, `"${task.title}"`, [user.role as Role]);
      const fourEyes = request && checkSecondApprover(request, { userId: user.id, role: user.role });
      if (fourEyes && !fourEyes.ok) throw new Error(`403: ${fourEyes.reason}`);
      const completedAt = new Date(await env.currentTimeMs());
      const done = await completeTask(db, task.id, { decision, data: parsedData, completedBy: user.id, completedAt });
      if (!done) throw new Error(`task ${step} was not open`);
      const completion: TaskCompletion = {
        taskId: task.id,
        step,
        decision,
        data: parsedData,
        completedBy: { userId: user.id, email: user.email, role: user.role },
        completedAt: completedAt.toISOString(),
      };
      await env.client.workflow.getHandle(workflowId).signal(taskCompletedSignal, completion);
      return done;
    },
    state(workflowId) {
      return env.client.workflow.getHandle(workflowId).query(rmaStateQuery);
    },
    async sleepUntil(at) {
      const now = await env.currentTimeMs();
      if (at.getTime() > now) await env.sleep(at.getTime() - now);
    },
    async now() {
      return new Date(await env.currentTimeMs());
    },
    async close() {
      rmaWorker.shutdown();
      productionWorker.shutdown();
      await Promise.allSettled(runs);
      await env.teardown();
      await testDb.close();
    },
  };
  return harness;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta),
};
