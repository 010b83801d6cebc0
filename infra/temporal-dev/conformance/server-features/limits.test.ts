// Conformance: Temporal's limits with Temporal's errors — 2 MB payloads, 1,000-character ids.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestEnv } from '../../../temporal/test-env';
import { quietSdkLogs } from '../helpers';
import * as wf from './workflows';

const INVALID_ARGUMENT = 3;
const overTwoMegabytes = 'x'.repeat(2 * 1024 * 1024 + 1);

describe('limits', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;

  beforeAll(async () => {
    quietSdkLogs();
    env = await createTestEnv();
    client = env.client;
  }, 60_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('rejects a workflow input over 2 MB', async () => {
    await expect(
      client.workflow.start(wf.echoChild, {
        taskQueue: 'limits',
        workflowId: `limits-${randomUUID()}`,
        args: [overTwoMegabytes],
      }),
    ).rejects.toMatchObject({ cause: { code: INVALID_ARGUMENT } });
  });

  it('accepts an input just under the limit', async () => {
    const handle = await client.workflow.start(wf.echoChild, {
      taskQueue: 'limits',
      workflowId: `limits-${randomUUID()}`,
      args: ['x'.repeat(1024 * 1024)],
    });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('done');
  });

  it('rejects a signal input over 2 MB and keeps the workflow running', async () => {
    const handle = await client.workflow.start(wf.waitForRelease, {
      taskQueue: 'limits',
      workflowId: `limits-${randomUUID()}`,
    });
    await expect(handle.signal(wf.releaseSignal, overTwoMegabytes)).rejects.toMatchObject({
      cause: { code: INVALID_ARGUMENT },
    });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('done');
  });

  it('rejects a workflow id longer than 1,000 characters', async () => {
    await expect(
      client.workflow.start(wf.echoChild, { taskQueue: 'limits', workflowId: 'w'.repeat(1001), args: ['x'] }),
    ).rejects.toMatchObject({ cause: { code: INVALID_ARGUMENT } });
  });
});
