import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createTestEnv } from '../../infra/temporal/test-env';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../infra/config';
import { openTestDb, type TestDb } from '../../infra/db/testing';
import { getMailByKey } from '../../infra/db/repositories/outbox';
import { createQueueWorker, runWorkers } from '../../infra/temporal/workers';
import { registerSearchAttributes, SEARCH_ATTRIBUTES } from '../../infra/temporal/search-attributes';
import type { WorkerRegistration } from '../../infra/temporal/worker-registration';
import type { greetingWorkflow } from './workflows/greeting-workflow';
import type { reviewWorkflow } from './workflows/review-workflow';

const logger = pino({ level: 'silent' });

describe('workers: one per queue, several contexts on a queue, graceful shutdown', () => {
  let env: TestWorkflowEnvironment;
  let t: TestDb;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Installed already in this worker process.
    }
    env = await createTestEnv();
    t = await openTestDb('pglite');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await env?.teardown();
  });

  test('search attributes are registered, and registering again changes nothing', async () => {
    const namespace = env.namespace ?? 'default';
    await registerSearchAttributes(env.connection, namespace);
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)));
    expect(await registerSearchAttributes(env.connection, namespace)).toEqual([]);
  });

  test('a queue with no registered workflows gets no worker', async () => {
    const worker = await createQueueWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'rma',
      deps: { db: t.db, config: loadConfig({ LOG_LEVEL: 'silent' }), logger },
      registrations: [],
    });
    expect(worker).toBeUndefined();
  });

  test("two contexts on one queue run side by side with the platform's activities, and shutdown drains", async () => {
    const registrations: WorkerRegistration[] = [
      { taskQueue: 'quote', workflowsPath: require.resolve('./workflows/review-workflow') },
      { taskQueue: 'quote', workflowsPath: require.resolve('./workflows/greeting-workflow') },
    ];
    const worker = await createQueueWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'quote',
      deps: { db: t.db, config: loadConfig({ LOG_LEVEL: 'silent' }), logger },
      registrations,
    });
    const running = runWorkers([{ queue: 'quote', worker: worker! }], logger);
    try {
      const to = `${randomUUID()}@x.test`;
      const queued = await env.client.workflow.execute<typeof greetingWorkflow>('greetingWorkflow', {
        taskQueue: 'quote',
        workflowId: `greeting:${to}`,
        args: [to],
      });
      expect(queued).toBe(1);
      expect(await getMailByKey(t.db, `greeting:${to}:${to}`)).toMatchObject({
        to_address: to,
        subject: 'Hello',
        status: 'pending',
      });
      const review = await env.client.workflow.start<typeof reviewWorkflow>('reviewWorkflow', {
        taskQueue: 'quote',
        workflowId: `quote:${randomUUID()}`,
        args: [{ caseId: 'Q-W', role: 'qa', giveUpAfter: '1h' }],
      });
      expect(await review.result()).toMatchObject({ status: 'timed_out' });
    } finally {
      await running.shutdown();
    }
    expect(worker!.getState()).toBe('STOPPED');
  });
});
