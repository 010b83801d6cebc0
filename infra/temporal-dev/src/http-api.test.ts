// Temporal's HTTP API on the embedded server: routes from the protos' google.api.http annotations, proto3 JSON
// with Temporal's payload shorthand, answers identical to what the SDK's gRPC calls return for the same workflow.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { msToTs } from '@temporalio/common/lib/time';
import { randomUUID } from 'node:crypto';
import { startTemporalDevServer, type TemporalDevServer } from '..';
import { bundleConformanceWorkflows, quietSdkLogs } from '../conformance/helpers';
import * as activities from '../conformance/activities';
import { collectItems, itemSignal } from '../conformance/workflows';
import { httpRoutes } from './http-api';
import { messageToJson } from './proto-json';
import { root } from './proto';

let server: TemporalDevServer;
let connection: Connection;
let client: Client;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `http-api-${randomUUID()}`;

beforeAll(async () => {
  quietSdkLogs();
  server = await startTemporalDevServer({ port: 0, httpPort: 0 });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  native = await NativeConnection.connect({ address: server.address });
  worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: await bundleConformanceWorkflows(),
    activities,
    shutdownGraceTime: '1s',
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await native?.close();
  await connection?.close();
  await server?.close();
});

const api = (path: string, init?: RequestInit) => fetch(`${server.httpUrl}${path}`, init);
const json = async (path: string, init?: RequestInit) => {
  const res = await api(path, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** A gRPC response in the JSON the HTTP API writes (long payload form), for comparing like with like. */
function grpcAsJson(typeName: string, message: object, shorthand = false): unknown {
  const type = root.lookupType(typeName);
  return messageToJson(type, type.decode(type.encode(message).finish()) as unknown as Record<string, unknown>, {
    shorthand,
  });
}

describe('routes', () => {
  it('come from the annotations of WorkflowService and OperatorService, with the /api/v1 bindings', () => {
    const routes = httpRoutes().map((r) => `${r.httpMethod} ${r.template} ${r.rpc}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/v1/namespaces/{namespace}/workflows ListWorkflowExecutions',
        'GET /api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}/history GetWorkflowExecutionHistory',
        'POST /api/v1/namespaces/{namespace}/workflows/{workflow_execution.workflow_id}/signal/{signal_name} SignalWorkflowExecution',
        'POST /api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}/query/{query.query_type} QueryWorkflow',
        'POST /api/v1/namespaces/{namespace}/workflows/{workflow_execution.workflow_id}/terminate TerminateWorkflowExecution',
        'GET /api/v1/namespaces/{namespace}/search-attributes ListSearchAttributes',
        'GET /api/v1/system-info GetSystemInfo',
        'GET /api/v1/namespaces/{namespace}/schedules ListSchedules',
      ]),
    );
  });
});

describe('workflows over HTTP and gRPC', () => {
  it('starts a workflow with a shorthand payload, and its result reads back as plain JSON', async () => {
    const workflowId = `http-echo-${randomUUID()}`;
    const started = await json(`/api/v1/namespaces/default/workflows/${workflowId}`, {
      method: 'POST',
      body: JSON.stringify({
        workflowType: { name: 'echoWorkflow' },
        taskQueue: { name: taskQueue },
        input: ['hello 你好'],
        requestId: randomUUID(),
      }),
    });
    expect(started.status).toBe(200);
    expect(started.body.runId).toEqual(expect.any(String));
    await expect(client.workflow.getHandle(workflowId).result()).resolves.toBe('hello 你好');

    const history = await json(`/api/v1/namespaces/default/workflows/${workflowId}/history`);
    const events = (history.body.history as { events: Array<Record<string, unknown>> }).events;
    const first = events[0];
    expect(first.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect((first.workflowExecutionStartedEventAttributes as Record<string, unknown>).input).toEqual(['hello 你好']);
    const last = events[events.length - 1];
    expect((last.workflowExecutionCompletedEventAttributes as Record<string, unknown>).result).toEqual(['hello 你好']);
    expect(first.eventId).toBe('1'); // int64 as a string
    expect(first.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  });

  it('answers history, describe and list exactly as the SDK gRPC calls do (without payload shorthand)', async () => {
    const workflowId = `http-items-${randomUUID()}`;
    const handle = await client.workflow.start(collectItems, { workflowId, taskQueue, args: [2] });
    await handle.signal(itemSignal, 7);
    await handle.signal(itemSignal, 8);
    await handle.result();

    const svc = connection.workflowService;
    const grpcHistory = await svc.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    const httpHistory = await json(
      `/api/v1/namespaces/default/workflows/${encodeURIComponent(workflowId)}/history?noPayloadShorthand`,
    );
    expect(httpHistory.status).toBe(200);
    expect(httpHistory.body).toEqual(
      grpcAsJson('temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse', grpcHistory),
    );
    const types = (httpHistory.body.history as { events: Array<{ eventType: string }> }).events.map((e) => e.eventType);
    expect(types.filter((t) => t === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(2);

    const grpcDescribe = await svc.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId, runId: handle.firstExecutionRunId },
    });
    const httpDescribe = await json(
      `/api/v1/namespaces/default/workflows/${workflowId}?execution.runId=${handle.firstExecutionRunId}&noPayloadShorthand`,
    );
    expect(httpDescribe.body).toEqual(
      grpcAsJson('temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse', grpcDescribe),
    );
    expect((httpDescribe.body.workflowExecutionInfo as Record<string, unknown>).status).toBe(
      'WORKFLOW_EXECUTION_STATUS_COMPLETED',
    );

    const query = `WorkflowId="${workflowId}"`;
    const grpcList = await svc.listWorkflowExecutions({ namespace: 'default', query });
    const httpList = await json(
      `/api/v1/namespaces/default/workflows?query=${encodeURIComponent(query)}&noPayloadShorthand`,
    );
    expect(httpList.body).toEqual(
      grpcAsJson('temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse', grpcList),
    );
    expect(httpList.body.executions).toHaveLength(1);
  });

  it('signals, queries and terminates a running workflow', async () => {
    const workflowId = `http-signal-${randomUUID()}`;
    const handle = await client.workflow.start(collectItems, { workflowId, taskQueue, args: [3] });
    const signalled = await api(`/api/v1/namespaces/default/workflows/${workflowId}/signal/item`, {
      method: 'POST',
      body: JSON.stringify({ input: [41] }),
    });
    expect(signalled.status).toBe(200);
    const queried = await json(`/api/v1/namespaces/default/workflows/${workflowId}/query/items`, {
      method: 'POST',
      body: JSON.stringify({ query: {} }),
    });
    expect(queried.body.queryResult).toEqual([[41]]);
    await expect(handle.query<number[]>('items')).resolves.toEqual([41]);
    const stack = await json(`/api/v1/namespaces/default/workflows/${workflowId}/query/__stack_trace`, {
      method: 'POST',
      body: '{}',
    });
    expect((stack.body.queryResult as string[])[0]).toContain('collectItems');

    const terminated = await api(`/api/v1/namespaces/default/workflows/${workflowId}/terminate`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'from HTTP' }),
    });
    expect(terminated.status).toBe(200);
    const described = await handle.describe();
    expect(described.status.name).toBe('TERMINATED');
  });
});

describe('schedules over HTTP and gRPC', () => {
  it('creates, describes, lists, counts, pauses and deletes a schedule, answering as the SDK gRPC calls do', async () => {
    const scheduleId = `http-schedule-${randomUUID()}`;
    const path = `/api/v1/namespaces/default/schedules/${scheduleId}`;
    const created = await json(path, {
      method: 'POST',
      body: JSON.stringify({
        schedule: {
          spec: { interval: [{ interval: '3600s' }], timezoneName: 'Asia/Shanghai' },
          action: {
            startWorkflow: {
              workflowId: `${scheduleId}-run`,
              workflowType: { name: 'echoWorkflow' },
              taskQueue: { name: taskQueue },
              input: ['from a schedule'],
            },
          },
          state: { paused: true, notes: 'made over HTTP' },
        },
        requestId: randomUUID(),
      }),
    });
    expect(created.status).toBe(200);
    expect(created.body.conflictToken).toEqual(expect.any(String));

    // The SDK sees what HTTP created, shorthand input included.
    const sdkView = await client.schedule.getHandle(scheduleId).describe();
    expect(sdkView.state).toMatchObject({ paused: true, note: 'made over HTTP' });
    expect(sdkView.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'echoWorkflow',
      args: ['from a schedule'],
    });

    const svc = connection.workflowService;
    const grpcDescribe = await svc.describeSchedule({ namespace: 'default', scheduleId });
    const httpDescribe = await json(`${path}?noPayloadShorthand`);
    expect(httpDescribe.status).toBe(200);
    expect(httpDescribe.body).toEqual(
      grpcAsJson('temporal.api.workflowservice.v1.DescribeScheduleResponse', grpcDescribe),
    );
    expect((httpDescribe.body.schedule as { spec: { interval: unknown } }).spec.interval).toEqual([
      { interval: '3600s', phase: '0s' },
    ]);

    const query = `ScheduleId = "${scheduleId}"`;
    const grpcList = await svc.listSchedules({ namespace: 'default', query });
    const httpList = await json(
      `/api/v1/namespaces/default/schedules?query=${encodeURIComponent(query)}&noPayloadShorthand`,
    );
    expect(httpList.body).toEqual(grpcAsJson('temporal.api.workflowservice.v1.ListSchedulesResponse', grpcList));
    expect(httpList.body.schedules).toEqual([expect.objectContaining({ scheduleId })]);
    const count = await json(`/api/v1/namespaces/default/schedule-count?query=${encodeURIComponent(query)}`);
    expect(count.body.count).toBe('1');

    const window = { startTime: '2026-01-01T00:30:00Z', endTime: '2026-01-01T03:30:00Z' };
    const times = await json(`${path}/matching-times?startTime=${window.startTime}&endTime=${window.endTime}`);
    expect(times.body.startTime).toEqual(['2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z', '2026-01-01T03:00:00Z']);
    const grpcTimes = await svc.listScheduleMatchingTimes({
      namespace: 'default',
      scheduleId,
      startTime: msToTs(Date.parse(window.startTime)),
      endTime: msToTs(Date.parse(window.endTime)),
    });
    expect(times.body).toEqual(
      grpcAsJson('temporal.api.workflowservice.v1.ListScheduleMatchingTimesResponse', grpcTimes),
    );

    const unpaused = await api(`${path}/patch`, {
      method: 'POST',
      body: JSON.stringify({ patch: { unpause: 'resumed over HTTP' }, requestId: randomUUID() }),
    });
    expect(unpaused.status).toBe(200);
    expect((await client.schedule.getHandle(scheduleId).describe()).state).toMatchObject({
      paused: false,
      note: 'resumed over HTTP',
    });

    const deleted = await api(path, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    await expect(client.schedule.getHandle(scheduleId).describe()).rejects.toThrow(/not found/i);
    const gone = await json(path);
    expect(gone.status).toBe(404);
  });
});

describe('cluster, namespaces and search attributes', () => {
  it('answers system info, namespaces and search attributes', async () => {
    const info = await json('/api/v1/system-info');
    expect(info.body.serverVersion).toEqual(expect.any(String));
    const ns = await json('/api/v1/namespaces/default');
    expect((ns.body.namespaceInfo as Record<string, unknown>).name).toBe('default');
    expect((ns.body.namespaceInfo as Record<string, unknown>).state).toBe('NAMESPACE_STATE_REGISTERED');
    const sa = await json('/api/v1/namespaces/default/search-attributes');
    expect((sa.body.systemAttributes as Record<string, string>).WorkflowType).toBe('INDEXED_VALUE_TYPE_KEYWORD');
    const grpcSa = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(sa.body).toEqual(grpcAsJson('temporal.api.operatorservice.v1.ListSearchAttributesResponse', grpcSa));
  });

  it("describes a task queue with the worker's pollers", async () => {
    const workflowPollers = await json(`/api/v1/namespaces/default/task-queues/${taskQueue}?taskQueueType=1`);
    expect(workflowPollers.body.pollers).toEqual([
      expect.objectContaining({ identity: expect.any(String), lastAccessTime: expect.any(String) }),
    ]);
    const activityPollers = await json(
      `/api/v1/namespaces/default/task-queues/${taskQueue}?taskQueueType=TASK_QUEUE_TYPE_ACTIVITY`,
    );
    expect((activityPollers.body.pollers as unknown[]).length).toBe(1);
    const none = await json(`/api/v1/namespaces/default/task-queues/nobody-polls-${randomUUID()}`);
    expect(none.body).toEqual({});
  });

  it('pretty-prints with ?pretty', async () => {
    const res = await api('/api/v1/system-info?pretty');
    expect(await res.text()).toContain('\n  "serverVersion"');
  });
});

describe('errors', () => {
  it('an unknown workflow is 404 with the google.rpc.Status JSON and its typed detail', async () => {
    const res = await json(`/api/v1/namespaces/default/workflows/no-such-${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      code: 5,
      message: expect.any(String),
      details: [{ '@type': 'type.googleapis.com/temporal.api.errordetails.v1.NotFoundFailure' }],
    });
  });

  it('an unknown namespace is 404 naming it', async () => {
    const res = await json('/api/v1/namespaces/nowhere/workflows');
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('nowhere');
  });

  it('a body that is not JSON, or names an unknown field, is 400 and starts nothing', async () => {
    const workflowId = `http-bad-${randomUUID()}`;
    const notJson = await json(`/api/v1/namespaces/default/workflows/${workflowId}`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ code: 3, message: 'the request body is not valid JSON' });
    const unknown = await json(`/api/v1/namespaces/default/workflows/${workflowId}`, {
      method: 'POST',
      body: JSON.stringify({ workflowTyp: { name: 'x' } }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('workflowTyp');
    const badTime = await json(`/api/v1/namespaces/default/workflows/${workflowId}`, {
      method: 'POST',
      body: JSON.stringify({
        workflowType: { name: 'echoWorkflow' },
        taskQueue: { name: taskQueue },
        workflowRunTimeout: 'soon',
      }),
    });
    expect(badTime.status).toBe(400);
    expect(badTime.body.message).toContain('workflowRunTimeout');
    const after = await json(`/api/v1/namespaces/default/workflows/${workflowId}`);
    expect(after.status).toBe(404);
  });

  it('a path no annotation names is 404', async () => {
    const res = await api('/api/v1/namespaces/default/nothing-here');
    expect(res.status).toBe(404);
  });
});

describe('payload JSON', () => {
  it('writes json/plain payloads as their value and others in the long form, payload by payload', () => {
    const type = root.lookupType('temporal.api.common.v1.Payloads');
    const plain = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"a":1}') };
    const raw = { metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.from([1, 2]) };
    expect(messageToJson(type, { payloads: [plain] }, { shorthand: true })).toEqual([{ a: 1 }]);
    expect(messageToJson(type, { payloads: [plain, raw] }, { shorthand: true })).toEqual({
      payloads: [{ a: 1 }, { metadata: { encoding: Buffer.from('binary/plain').toString('base64') }, data: 'AQI=' }],
    });
  });
});
