// The quote SLA as the sales manager experiences it: the real task and mail activities write the outbox of a
// PGlite database while the embedded Temporal server skips time; only the quote engine's analysis is a double.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestEnv } from '../../infra/temporal/test-env';
import { loadConfig } from '../../infra/config';
import { openTestDb, type TestDb } from '../../infra/db/testing';
import { seedDemo, DEMO_CUSTOMER } from '../../infra/db/seed';
import { customersRepo, outboxRepo, tasksRepo } from '../../infra/db';
import { platformActivities } from '../../infra/temporal/workers';
import { quoteStateQuery, quoteWorkflowId, type QuoteWorkflowInput } from '../../domain/quote/contract';
import { eventually } from './workflow-harness';

describe('quote SLA mail (real task and mail activities, PGlite outbox)', () => {
  let env: TestWorkflowEnvironment;
  let t: TestDb;
  let stop: () => Promise<void>;
  let customerId: string;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // installed already
    }
    env = await createTestEnv();
    t = await openTestDb('pglite');
    await seedDemo(t.db);
    customerId = (await customersRepo.findCustomerByCode(t.db, DEMO_CUSTOMER.code))!.id;
    const config = loadConfig({ DATA_DIR: '/tmp/unused', LOG_LEVEL: 'silent' });
    const quiet = {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (m: string) => console.error(m),
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'quote',
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows/quote'),
        logger: quiet,
      }),
      activities: {
        ...platformActivities({ db: t.db, config, logger: pino({ level: 'silent' }) }),
        // The quote engine and the projections are not under test here.
        analyseQuoteRevision: async () => ({
          autoQuoteAllowed: false,
          reviewReasons: ['BOM has unknown parts'],
          totalFen: 1000,
          currency: 'CNY',
          dfmErrors: 0,
          dfmWarnings: 0,
        }),
        drawQuoteBoardPreview: async () => ({ drawn: false }),
        projectQuoteStage: async () => ({ changed: true }),
        applyReviewAdjustments: async () => ({ ok: true, totalFen: 1000 }),
        issueQuote: async () => ({ pdf: '', recipients: [] }),
      },
    });
    let release!: () => void;
    const running = worker.runUntil(new Promise<void>((resolve) => (release = resolve)));
    stop = async () => {
      release();
      await running;
    };
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await t?.close();
    await env?.teardown();
  });

  it('a review breaching 24 h mails the sales manager exactly once, then once a day; engineers are reminded once at 20 h', async () => {
    const quoteId = randomUUID();
    const workflowId = quoteWorkflowId(quoteId);
    const input: QuoteWorkflowInput = {
      quoteId,
      reference: 'Q-SLA-1',
      customerId,
      quantity: 10,
      options: {},
      files: { gerber: { name: 'b.zip', path: '/tmp/b.zip', sha256: 'x' } },
      submittedBy: { userId: 'u', email: 'buyer@demo.local', role: 'customer' },
    };
    const handle = await env.client.workflow.start('quoteWorkflow', { taskQueue: 'quote', workflowId, args: [input] });
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'engineering-review-r1')).toMatchObject({
        status: 'open',
        role: 'engineer',
      }),
    );
    const mailTo = async (to: string) =>
      (await outboxRepo.listOutbox(t.db, { limit: 500 })).filter(
        (m) => m.to_address === to && m.idempotency_key.startsWith(workflowId),
      );

    await env.sleep('19h');
    expect(await mailTo('engineer@demo.local')).toHaveLength(0);
    await env.sleep('2h');
    await eventually(async () => expect(await mailTo('engineer@demo.local')).toHaveLength(1));
    expect(await mailTo('sales_manager@demo.local')).toHaveLength(0);

    await env.sleep('4h'); // 25 h
    await eventually(async () => expect(await mailTo('sales_manager@demo.local')).toHaveLength(1));
    await env.sleep('22h'); // 47 h: still one
    expect(await mailTo('sales_manager@demo.local')).toHaveLength(1);
    await env.sleep('2h'); // 49 h
    await eventually(async () => expect(await mailTo('sales_manager@demo.local')).toHaveLength(2));
    await env.sleep('24h'); // 73 h
    await eventually(async () => expect(await mailTo('sales_manager@demo.local')).toHaveLength(3));
    expect(await mailTo('engineer@demo.local')).toHaveLength(1);
    expect(await mailTo('manager@demo.local')).toHaveLength(0); // the sales manager, not the general manager

    const task = await tasksRepo.findTaskByStep(t.db, workflowId, 'engineering-review-r1');
    expect(task?.remindedAt).not.toBeNull();
    expect(task?.escalatedAt).not.toBeNull();
    // Counted by the workflow once the mail activity returns, a moment after the row exists.
    await eventually(async () => expect((await handle.query(quoteStateQuery)).escalations).toBe(3));
    const subjects = (await mailTo('sales_manager@demo.local')).map((m) => m.subject);
    expect(subjects.filter((s) => s.includes('72 h'))).toHaveLength(1);
    await handle.terminate('test over');
  });
});
