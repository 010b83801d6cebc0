import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestPlatform, type TestPlatform } from '../platform/helpers';

describe('workflow state and history API (services/workflows)', () => {
  let running: TestPlatform;
  let env: TestWorkflowEnvironment;
  let api: TestPlatform['api'];

  beforeAll(async () => {
    running = await startTestPlatform({
      dataDirPrefix: 'smt-history-',
      env: { TEMPORAL_UI_URL: 'http://temporal-ui.example:8080' },
      services: ['auth', 'workflows'],
      workers: [],
      taskKinds: [],
      mailSender: false,
    });
    ({ env, api } = running);
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
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
