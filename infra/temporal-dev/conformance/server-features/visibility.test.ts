// Conformance: search attributes and list / count queries, through the official SDK only. Real servers index
// asynchronously, so reads go through `eventually`.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleServerFeatureWorkflows } from './bundle';
import { createTestEnv } from '../../../temporal/test-env';
import { quietSdkLogs, startConformanceWorker } from '../helpers';
import * as wf from './workflows';

const Stage = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);

/** Retries an assertion until it passes (visibility is eventually consistent on real servers). */
async function eventually<T>(fn: () => Promise<T>, tries = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('visibility: search attributes, list and count', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let taskQueue: string;
  let stop: () => Promise<void>;
  const batch = randomUUID().slice(0, 8);
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `vis-${batch}-${prefix}-${i}`);

  async function list(query: string, pageSize?: number): Promise<WorkflowExecutionInfo[]> {
    const out: WorkflowExecutionInfo[] = [];
    for await (const info of client.workflow.list({ query, pageSize })) out.push(info);
    return out;
  }

  beforeAll(async () => {
    quietSdkLogs();
    env = await createTestEnv();
    client = env.client;
    taskQueue = `visibility-${batch}`;
    const worker = await startConformanceWorker(env, await bundleServerFeatureWorkflows(), 'visibility', taskQueue);
    stop = () => worker.stop();
    // 3 "audit" and 2 "quote" workflows wait; 2 echo children complete.
    for (const [i, id] of ids('tagged', 5).entries()) {
      await client.workflow.start(wf.tagged, { taskQueue, workflowId: id, args: [i < 3 ? 'audit' : 'quote'] });
    }
    for (const id of ids('done', 2))
      await client.workflow.execute(wf.echoChild, { taskQueue, workflowId: id, args: ['x'] });
    await eventually(async () =>
      expect(await list(`WorkflowId STARTS_WITH 'vis-${batch}-tagged' AND Stage IS NOT NULL`)).toHaveLength(5),
    );
  }, 120_000);

  afterAll(async () => {
    for (const id of ids('tagged', 5))
      await client?.workflow
        .getHandle(id)
        .terminate('cleanup')
        .catch(() => undefined);
    await stop?.();
    await env?.teardown();
  });

  it('lists by workflow type and status', async () => {
    const running = await list(
      `WorkflowType = 'tagged' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'vis-${batch}'`,
    );
    expect(running.map((w) => w.workflowId).sort()).toEqual(ids('tagged', 5).sort());
    const done = await list(
      `WorkflowType = 'echoChild' AND ExecutionStatus = 'Completed' AND WorkflowId STARTS_WITH 'vis-${batch}'`,
    );
    expect(done.map((w) => w.workflowId).sort()).toEqual(ids('done', 2).sort());
    expect(done.every((w) => w.status.name === 'COMPLETED' && w.closeTime instanceof Date)).toBe(true);
  });

  it('filters on a custom search attribute and returns it typed', async () => {
    const audits = await list(`Stage = 'audit' AND WorkflowId STARTS_WITH 'vis-${batch}'`);
    expect(audits.map((w) => w.workflowId).sort()).toEqual(ids('tagged', 3).sort());
    expect(audits.every((w) => w.typedSearchAttributes.get(Stage) === 'audit')).toBe(true);
    const either = await list(`Stage IN ('audit', 'quote') AND WorkflowId STARTS_WITH 'vis-${batch}'`);
    expect(either).toHaveLength(5);
    const notAudit = await list(`Stage != 'audit' AND WorkflowId STARTS_WITH 'vis-${batch}'`);
    expect(notAudit.map((w) => w.workflowId).sort()).toEqual(ids('tagged', 5).slice(3).sort());
  });

  it('supports OR, parentheses, BETWEEN, IS NULL, ORDER BY and paging', async () => {
    const tagged = ids('tagged', 5);
    const orQuery = await list(
      `(WorkflowId = '${tagged[0]}' OR WorkflowId = '${tagged[4]}') AND ExecutionStatus = 'Running'`,
    );
    expect(orQuery.map((w) => w.workflowId).sort()).toEqual([tagged[0], tagged[4]].sort());
    const between = await list(`WorkflowId BETWEEN '${tagged[1]}' AND '${tagged[3]}'`);
    expect(between.map((w) => w.workflowId).sort()).toEqual(tagged.slice(1, 4));
    const open = await list(`CloseTime IS NULL AND WorkflowId STARTS_WITH 'vis-${batch}'`);
    expect(open).toHaveLength(5);
    const ordered = await list(`WorkflowId STARTS_WITH 'vis-${batch}-tagged' ORDER BY WorkflowId DESC`);
    expect(ordered.map((w) => w.workflowId)).toEqual([...tagged].reverse());
    const paged = await list(`WorkflowId STARTS_WITH 'vis-${batch}'`, 2);
    expect(paged).toHaveLength(7);
    expect(new Set(paged.map((w) => w.runId)).size).toBe(7);
  });

  it('counts, and groups counts by execution status', async () => {
    const { count } = await client.workflow.count(`WorkflowId STARTS_WITH 'vis-${batch}'`);
    expect(count).toBe(7);
    const grouped = await client.workflow.count(`WorkflowId STARTS_WITH 'vis-${batch}' GROUP BY ExecutionStatus`);
    const byStatus = Object.fromEntries(grouped.groups.map((g) => [String(g.groupValues[0]), g.count]));
    expect(byStatus).toEqual({ Running: 5, Completed: 2 });
  });

  it('rejects a malformed query with InvalidArgument naming the problem', async () => {
    await expect(list(`WorkflowType = `)).rejects.toMatchObject({ cause: { code: 3 } });
    // The SDK wraps the gRPC error; the server's message is on the cause.
    const err = await list(`WorkflowType = 'x' AND (ExecutionStatus = 'Running'`).catch(
      (e: { cause?: { details?: string } }) => e,
    );
    expect((err as { cause?: { details?: string } }).cause?.details).toMatch(/invalid|syntax|expected|malformed/i);
    await expect(list(`NoSuchAttribute = 'x'`)).rejects.toMatchObject({ cause: { code: 3 } });
  });

  it('rejects a start with an unregistered search attribute', async () => {
    const Unknown = defineSearchAttributeKey(`Unknown${batch}`, SearchAttributeType.KEYWORD);
    await expect(
      client.workflow.start(wf.echoChild, {
        taskQueue,
        workflowId: `vis-${batch}-bad`,
        args: ['x'],
        typedSearchAttributes: [{ key: Unknown, value: 'x' }],
      }),
    ).rejects.toMatchObject({ cause: { code: 3 } });
  });

  it('registers, lists and removes custom search attributes through the OperatorService', async () => {
    const name = `Probe${batch}`;
    const ns = env.namespace ?? 'default';
    await env.connection.operatorService.addSearchAttributes({
      namespace: ns,
      searchAttributes: { [name]: 3 /* INT */ },
    });
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace: ns });
    expect(listed.customAttributes?.[name]).toBe(3);
    expect(listed.systemAttributes?.WorkflowType).toBeDefined();
    await env.connection.operatorService.removeSearchAttributes({ namespace: ns, searchAttributes: [name] });
    const after = await env.connection.operatorService.listSearchAttributes({ namespace: ns });
    expect(after.customAttributes?.[name]).toBeUndefined();
  });
});
