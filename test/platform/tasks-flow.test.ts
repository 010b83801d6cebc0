import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { DEMO_CUSTOMER } from '../../infra/db/seed';
import { customersRepo, tasksRepo, auditRepo, outboxRepo } from '../../infra/db';
import { platformActivities } from '../../infra/temporal/workers';
import { type RunningPlatform } from '../../infra/launcher/platform';
import type { WaitOutcome } from '../../workflows/shared/human-waits';
import { pendingTasksQuery } from '../../workflows/shared/task-signals';
import { addOtherCustomer, apiClient, eventually, startTestPlatform, type TestPlatform } from './helpers';
import type { reviewWorkflow } from './workflows/review-workflow';

const logger = pino({ level: 'silent' });

describe.each(TEST_DB_KINDS)('human tasks on %s: workflow helper, tasks API, reminders and escalation', (kind) => {
  let running: TestPlatform;
  let env: TestWorkflowEnvironment;
  let t: TestDb;
  let platform: RunningPlatform;
  let worker: Worker;
  let workerRun: Promise<void>;
  let api: ReturnType<typeof apiClient>;
  const taskQueue = `platform-tasks-${randomUUID()}`;
  let demoCustomerId: string;

  beforeAll(async () => {
    running = await startTestPlatform({
      dbKind: kind,
      dataDirPrefix: 'smt-platform-',
      prepare: async (db) => {
        demoCustomerId = (await customersRepo.findCustomerByCode(db, DEMO_CUSTOMER.code))!.id;
        await addOtherCustomer(db);
      },
      services: ['auth', 'tasks'],
      workers: [],
      taskKinds: [],
      logger,
    });
    ({ env, t, platform, api } = running);
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowsPath: require.resolve('./workflows/review-workflow'),
      activities: platformActivities({ db: t.db, config: running.config, logger }),
    });
    workerRun = worker.run();
  }, 120_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await running?.stop();
  });

  async function startReview(input: Parameters<typeof reviewWorkflow>[0]) {
    const workflowId = `quote:${input.caseId}`;
    const handle = await env.client.workflow.start<typeof reviewWorkflow>('reviewWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
    });
    const task = await eventually(async () => {
      const found = await tasksRepo.findTaskByStep(t.db, workflowId, 'review');
      if (!found) throw new Error('task not opened yet');
      return found;
    });
    return { handle, task, workflowId };
  }

  test('a task is reminded at 20 h, escalated at 24 h, completed once through the API, and the workflow gets the decision', async () => {
    const caseId = `Q-${randomUUID().slice(0, 8)}`;
    const { handle, task, workflowId } = await startReview({ caseId, role: 'engineer' });
    expect(task).toMatchObject({
      role: 'engineer',
      kind: 'approval',
      status: 'open',
      payload: { note: 'platform test' },
    });
    expect(task.escalateAt!.getTime() - task.createdAt.getTime()).toBeGreaterThan(23 * 3_600_000);

    const engineer = await api.login('engineer@demo.local');
    const qa = await api.login('qa@demo.local');
    const buyer = await api.login('buyer@demo.local');
    const listed = await api.get(`/api/tasks?case=${caseId}`, engineer);
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((x: { id: string }) => x.id)).toEqual([task.id]);
    expect((await api.get(`/api/tasks?case=${caseId}`, qa)).body.tasks).toEqual([]);
    expect((await api.get(`/api/tasks?case=${caseId}`, buyer)).body.tasks).toEqual([]);
    expect((await api.get(`/api/tasks/${task.id}`, qa)).status).toBe(404);
    expect((await api.get(`/api/tasks?role=qa`, engineer)).status).toBe(403);

    await env.sleep('21h');
    await eventually(async () => expect((await tasksRepo.getTask(t.db, task.id))?.remindedAt).toBeInstanceOf(Date));
    const reminder = await outboxRepo.getMailByKey(t.db, `${workflowId}:review:reminder:engineer@demo.local`);
    expect(reminder?.subject).toBe(`Reminder: Review ${caseId} (quote ${caseId}) / 任务提醒：报价单 ${caseId}`);
    expect(
      await outboxRepo.getMailByKey(t.db, `${workflowId}:review:escalation:sales_manager@demo.local`),
    ).toBeUndefined();
    // The reminder is stamped inside the activity; the workflow marks it once the activity returns.
    await eventually(async () =>
      expect(await handle.query(pendingTasksQuery)).toEqual([
        { step: 'review', kind: 'approval', role: 'engineer', taskId: task.id, reminded: true, escalated: false },
      ]),
    );

    await env.sleep('4h');
    await eventually(async () => expect((await tasksRepo.getTask(t.db, task.id))?.escalatedAt).toBeInstanceOf(Date));
    const escalation = await outboxRepo.getMailByKey(t.db, `${workflowId}:review:escalation:sales_manager@demo.local`);
    expect(escalation?.subject).toMatch(/^Escalation: Review Q-.* is overdue \/ 任务逾期：报价单 Q-\S+$/);

    // Wrong role, bad data and an unknown decision are refused without completing anything.
    expect((await api.post(`/api/tasks/${task.id}/complete`, { decision: 'approve' }, qa)).status).toBe(404);
    const badData = await api.post(
      `/api/tasks/${task.id}/complete`,
      { decision: 'approve', data: { comment: 5 } },
      engineer,
    );
    expect(badData.status).toBe(400);
    expect(badData.body.error).toMatchObject({ code: 'validation_failed', field: 'data.comment' });
    const badDecision = await api.post(`/api/tasks/${task.id}/complete`, { decision: 'maybe' }, engineer);
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.error).toMatchObject({
      field: 'decision',
      message: 'decision: must be one of approve, reject',
    });

    const done = await api.post(
      `/api/tasks/${task.id}/complete`,
      { decision: 'approve', data: { comment: 'DFM fine' } },
      engineer,
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', decision: 'approve', data: { comment: 'DFM fine' } });
    const again = await api.post(`/api/tasks/${task.id}/complete`, { decision: 'reject' }, engineer);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const outcome: WaitOutcome = await handle.result();
    expect(outcome).toMatchObject({
      status: 'completed',
      taskId: task.id,
      reminded: true,
      escalated: true,
      completion: {
        decision: 'approve',
        data: { comment: 'DFM fine' },
        completedBy: { email: 'engineer@demo.local', role: 'engineer' },
      },
    });
    const trail = await auditRepo.listAudit(t.db, 'task', task.id);
    expect(trail[0]).toMatchObject({
      action: 'task.complete',
      actor_role: 'engineer',
      before: { status: 'open' },
      after: { status: 'completed', decision: 'approve' },
    });
    expect(trail).toHaveLength(1); // the workflow's closeTask found it closed and changed nothing

    // The outbox sender of the platform delivers the reminder through the real SMTP catcher.
    const delivered = await platform.mailCatcher!.waitFor(
      (m) => m.to_addresses === 'engineer@demo.local' && m.subject?.startsWith('Reminder') === true,
    );
    expect(delivered.text_body).toContain(`for quote ${caseId} is waiting for the engineer role`);
    expect(delivered.text_body).toContain(`报价单 ${caseId} 的任务“Review ${caseId}”正等待工程处理。`);
    const admin = await api.login('admin@demo.local');
    const devMail = await api.get('/api/dev/mail?to=engineer@demo.local', admin);
    expect(devMail.status).toBe(200);
    expect(
      devMail.body.mail.some((m: { subject: string }) =>
        m.subject.startsWith(`Reminder: Review ${caseId} (quote ${caseId})`),
      ),
    ).toBe(true);
    expect((await api.get('/api/dev/mail', engineer)).status).toBe(403);
  });

  test("a customer completes only its own customer's task, and reads it as an explicit customer view", async () => {
    const caseId = `Q-${randomUUID().slice(0, 8)}`;
    const { handle, task } = await startReview({ caseId, role: 'customer', customerId: demoCustomerId });
    const other = await api.login('other@other.test');
    expect((await api.get(`/api/tasks/${task.id}`, other)).status).toBe(404);
    expect((await api.post(`/api/tasks/${task.id}/complete`, { decision: 'approve' }, other)).status).toBe(404);
    const sales = await api.login('sales@demo.local');
    expect((await api.post(`/api/tasks/${task.id}/complete`, { decision: 'approve' }, sales)).status).toBe(404);
    const manager = await api.login('manager@demo.local');
    const forbidden = await api.post(`/api/tasks/${task.id}/complete`, { decision: 'approve' }, manager);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe('this task is for the customer role');
    const buyer = await api.login('buyer@demo.local');
    expect((await api.get('/api/tasks', buyer)).body.tasks.map((x: { id: string }) => x.id)).toEqual([task.id]);

    // Staff traces on the task: a manager claims it, and it is reminded and escalated. None of it reaches the customer.
    const me = await api.get('/api/auth/me', manager);
    expect((await api.post(`/api/tasks/${task.id}/assign`, { assigneeId: me.body.id }, manager)).status).toBe(200);
    expect((await api.post(`/api/tasks/${task.id}/assign`, { assigneeId: null }, buyer)).status).toBe(403);
    await env.sleep('25h');
    await eventually(async () => expect((await tasksRepo.getTask(t.db, task.id))?.escalatedAt).toBeInstanceOf(Date));
    const staffView = (await api.get(`/api/tasks?case=${caseId}`, manager)).body.tasks[0];
    expect(staffView).toMatchObject({
      assigneeName: expect.any(String),
      escalatedAt: expect.any(String),
      payload: { note: 'platform test' },
    });
    const listed = (await api.get('/api/tasks', buyer)).body.tasks;
    const one = (await api.get(`/api/tasks/${task.id}`, buyer)).body;
    const customerKeys = [
      'answerBy',
      'answeredAt',
      'caseId',
      'caseReference',
      'caseType',
      'createdAt',
      'decision',
      'id',
      'kind',
      'payload',
      'role',
      'status',
      'step',
      'title',
    ];
    for (const view of [listed[0], one]) {
      expect(Object.keys(view).sort()).toEqual(customerKeys);
      // The customer's own task is due when the workflow expects their answer: that is their answer-by date.
      expect(view).toMatchObject({
        id: task.id,
        role: 'customer',
        status: 'open',
        payload: {},
        answerBy: task.dueAt!.toISOString(),
        decision: null,
      });
    }
    const done = await api.post(`/api/tasks/${task.id}/complete`, { decision: 'reject', data: {} }, buyer);
    expect(done.status).toBe(200);
    expect(Object.keys(done.body).sort()).toEqual(customerKeys);
    expect(done.body).toMatchObject({
      status: 'completed',
      decision: 'reject',
      answeredAt: expect.any(String),
      answerBy: null,
    });
    const staff = await t.db
      .selectFrom('users')
      .select(['id', 'email', 'display_name'])
      .where('role', '!=', 'customer')
      .execute();
    for (const body of [listed, one, done.body]) {
      const text = JSON.stringify(body);
      expect(staff.flatMap((u) => [u.id, u.email, u.display_name]).filter((x) => text.includes(x))).toEqual([]);
      expect(text).not.toContain(task.remindAt!.toISOString());
      expect(
        [
          'platform test',
          'remind',
          'escalat',
          'assignee',
          'dueAt',
          'workflowId',
          'completedBy',
          'sales_manager',
        ].filter((x) => text.includes(x)),
      ).toEqual([]);
    }
    // The task kinds list is the same for everyone (decisions and data schemas, no people).
    const kinds = await api.get('/api/task-kinds', buyer);
    expect(kinds.status).toBe(200);
    expect(staff.flatMap((u) => [u.id, u.email]).filter((x) => JSON.stringify(kinds.body).includes(x))).toEqual([]);
    expect(await handle.result()).toMatchObject({
      status: 'completed',
      escalated: true,
      completion: { decision: 'reject', completedBy: { email: 'buyer@demo.local' } },
    });
  });

  test('a completion the workflow can no longer hear is refused with 409 and rolled back', async () => {
    const caseId = `Q-${randomUUID().slice(0, 8)}`;
    const { handle, task } = await startReview({ caseId, role: 'engineer' });
    await handle.terminate('the case was withdrawn');
    const engineer = await api.login('engineer@demo.local');
    const refused = await api.post(`/api/tasks/${task.id}/complete`, { decision: 'approve' }, engineer);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('the process waiting for this task has already finished');
    expect(await tasksRepo.getTask(t.db, task.id)).toMatchObject({ status: 'open', decision: null, completedBy: null });
    expect(await auditRepo.listAudit(t.db, 'task', task.id)).toEqual([]);
  });

  test('a wait that gives up cancels its task, and completing it afterwards is a conflict', async () => {
    const caseId = `Q-${randomUUID().slice(0, 8)}`;
    const { handle, task } = await startReview({ caseId, role: 'qa', giveUpAfter: '2h' });
    await env.sleep('3h');
    expect(await handle.result()).toMatchObject({ status: 'timed_out', reminded: false, escalated: false });
    expect((await tasksRepo.getTask(t.db, task.id))?.status).toBe('cancelled');
    const qa = await api.login('qa@demo.local');
    expect((await api.post(`/api/tasks/${task.id}/complete`, { decision: 'approve' }, qa)).status).toBe(409);
  });

  test('the inbox pages, sorts and searches on the server, joins the customer and amount, and tasks are claimed and assigned', async () => {
    const prefix = `inbox-${randomUUID().slice(0, 8)}`;
    const due = (h: number) => new Date(Date.now() + h * 3_600_000);
    for (let i = 0; i < 7; i++) {
      await tasksRepo.openTask(t.db, {
        workflowId: `${prefix}:${i}`,
        step: 'pay',
        kind: 'approval',
        title: `${prefix} payment ${i}`,
        role: 'finance',
        caseType: 'customer',
        caseId: demoCustomerId,
        customerId: demoCustomerId,
        payload: { outstandingFen: (i + 1) * 10_000 },
        dueAt: due(10 - i),
      });
    }
    const finance = await api.login('finance@demo.local');
    const manager = await api.login('manager@demo.local');
    const page1 = await api.get(`/api/tasks?q=${prefix}&limit=3`, finance);
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(7);
    // Soonest due first: the last opened is due first.
    expect(page1.body.tasks.map((x: { title: string }) => x.title)).toEqual(
      [6, 5, 4].map((i) => `${prefix} payment ${i}`),
    );
    expect(page1.body.tasks[0]).toMatchObject({
      customerName: DEMO_CUSTOMER.name,
      caseReference: DEMO_CUSTOMER.code,
      amountFen: 70_000,
      assigneeId: null,
    });
    const page3 = await api.get(`/api/tasks?q=${prefix}&limit=3&offset=6`, finance);
    expect(page3.body.tasks.map((x: { title: string }) => x.title)).toEqual([`${prefix} payment 0`]);
    const byAmount = await api.get(`/api/tasks?q=${prefix}&sort=amount&dir=desc&limit=2`, finance);
    expect(byAmount.body.tasks.map((x: { amountFen: number }) => x.amountFen)).toEqual([70_000, 60_000]);
    // Searching by the customer's name finds them too; another role sees none of them.
    expect(
      (
        await api.get(
          `/api/tasks?q=${encodeURIComponent(DEMO_CUSTOMER.name)}&kind=approval&role=finance&limit=500`,
          manager,
        )
      ).body.total,
    ).toBeGreaterThanOrEqual(7);
    expect((await api.get(`/api/tasks?q=${prefix}`, await api.login('qa@demo.local'))).body.total).toBe(0);
    expect((await api.get('/api/tasks?sort=price', finance)).status).toBe(400);
    // Without a search the tasks are paged before the names are joined: the pages still follow the full order
    // and carry the same joined names, both by due time and by creation, either way.
    for (const order of ['', '&sort=created&dir=desc']) {
      const all = await api.get(`/api/tasks?limit=500${order}`, finance);
      const pages = [];
      for (let offset = 0; offset < all.body.total; offset += 3)
        pages.push(...(await api.get(`/api/tasks?limit=3&offset=${offset}${order}`, finance)).body.tasks);
      expect(pages.map((x: { id: string }) => x.id)).toEqual(all.body.tasks.map((x: { id: string }) => x.id));
      expect(pages.find((x: { title: string }) => x.title === `${prefix} payment 6`)).toMatchObject({
        customerName: DEMO_CUSTOMER.name,
        caseReference: DEMO_CUSTOMER.code,
        amountFen: 70_000,
      });
    }

    const first = page1.body.tasks[0] as { id: string };
    const me = (await api.get('/api/auth/me', finance)).body as { id: string };
    const sales = (await api.get('/api/auth/me', await api.login('sales@demo.local'))).body as { id: string };
    // Claiming for someone else is a manager's call; the task must go to a person of its role.
    expect((await api.post(`/api/tasks/${first.id}/assign`, { assigneeId: sales.id }, finance)).status).toBe(403);
    const wrongRole = await api.post(`/api/tasks/${first.id}/assign`, { assigneeId: sales.id }, manager);
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.body.error.field).toBe('assigneeId');
    const claimed = await api.post(`/api/tasks/${first.id}/assign`, { assigneeId: me.id }, finance);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ id: first.id, assigneeId: me.id, assigneeName: 'Demo finance' });
    const mine = await api.get(`/api/tasks?q=${prefix}&assignee=me`, finance);
    expect(mine.body.tasks.map((x: { id: string }) => x.id)).toEqual([first.id]);
    expect((await api.get(`/api/tasks?q=${prefix}&assignee=none`, finance)).body.total).toBe(6);
    // Letting go gives it back to the role; the trail names who did what.
    expect((await api.post(`/api/tasks/${first.id}/assign`, { assigneeId: null }, finance)).body.assigneeId).toBeNull();
    expect((await auditRepo.listAudit(t.db, 'task', first.id)).map((a) => a.action)).toEqual([
      'task.assigned',
      'task.unassigned',
    ]);
  });
});
