import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../infra/config';
import { openTestDb, type TestDb } from '../../infra/db/testing';
import { seedDemo } from '../../infra/db/seed';
import { createTestEnv } from '../../infra/temporal/test-env';
import { startPlatform, type RunningPlatform } from '../../infra/launcher/platform';
import { apiClient, connectionsOf } from '../platform/helpers';

describe('workflow state and history API (services/workflows)', () => {
  let env: TestWorkflowEnvironment;
  let t: TestDb;
  let platform: RunningPlatform;
  let api: ReturnType<typeof apiClient>;
  let dataDir: string;

  beforeAll(async () => {
    env = await createTestEnv();
    t = await openTestDb('pglite');
    await seedDemo(t.db);
    dataDir = mkdtempSync(join(tmpdir(), 'smt-history-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      SMTP_CATCHER_PORT: '0',
      LOG_LEVEL: 'silent',
      TEMPORAL_UI_URL: 'http://temporal-ui.example:8080',
    });
    platform = await startPlatform({
      config,
      logger: pino({ level: 'silent' }),
      db: t.db,
      temporal: connectionsOf(env),
      services: ['auth', 'workflows'],
      workers: [],
      taskKinds: [],
      mailSender: false,
    });
    api = apiClient(platform.url);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await t?.close();
    await env?.teardown();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives staff the state and the raw history of a workflow, with a Temporal UI link', async () => {
    const workflowId = `history-${randomUUID()}`;
    const handle = await env.client.workflow.start('someWorkflow', {
      taskQueue: 'nobody-polls',
      workflowId,
      args: [42],
    });
    await handle.signal('poke', 'hello');
    const token = await api.login('engineer@demo.local');

    const state = await api.get(`/api/workflows/${workflowId}`, token);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({
      workflowId,
      runId: handle.firstExecutionRunId,
      type: 'someWorkflow',
      status: 'RUNNING',
      taskQueue: 'nobody-polls',
    });
    expect(state.body.temporalUiUrl).toBe(
      `http://temporal-ui.example:8080/namespaces/default/workflows/${workflowId}/${handle.firstExecutionRunId}/history`,
    );

    const history = await api.get(`/api/workflows/${workflowId}/history`, token);
    expect(history.status).toBe(200);
    const types = history.body.history.events.map((e: { eventType: string }) => e.eventType);
    expect(types).toEqual([
      'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
      'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
    ]);
    expect(history.body.history.events[2].workflowExecutionSignaledEventAttributes.signalName).toBe('poke');
    await handle.terminate('test done');
  });

  it('refuses customers and anonymous callers, and names an unknown workflow 404', async () => {
    const customer = await api.login('buyer@demo.local');
    expect((await api.get('/api/workflows/anything/history', customer)).status).toBe(403);
    expect((await api.get('/api/workflows/anything/history')).status).toBe(401);
    const staff = await api.login('qa@demo.local');
    const missing = await api.get(`/api/workflows/missing-${randomUUID()}`, staff);
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await api.get(`/api/workflows/x/history?runId=not-a-uuid`, staff)).status).toBe(400);
  });
});
