/**
 * gRPC surface of the embedded server: WorkflowService, TestService, OperatorService and the health
 * service, built from the protobuf definitions the SDK ships. Each RPC decodes into a protobuf message,
 * calls the engine and encodes the answer; methods without a handler answer UNIMPLEMENTED naming the method.
 */
import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { BLOB_ERROR_BYTES, Engine, LONG_POLL_MS, MAX_ID_LENGTH } from './engine';
import * as errors from './errors';
import { Obj, isOpen } from './model';
import { fromMs, num, payloadsSize, root, toMs } from './proto';
import { executeMultiOperation } from './multi-operation';
import type { Visibility } from './visibility';
import type { Schedules } from './schedules/scheduler';

export type Handler = (req: Obj, ctx: { signal: AbortSignal; method: string }) => Obj | Promise<Obj>;

export interface ServiceOptions {
  engine: Engine;
  visibility?: Visibility;
  schedules?: Schedules;
  /** Resolves when every change so far is durable; awaited before answering an RPC that may have changed state. */
  commit?: () => Promise<void>;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
}

const SERVER_VERSION = '1.29.0';
/** A fixed cluster id: one embedded cluster per process. */
const CLUSTER_ID = 'embedded-temporal-dev';

/** Methods that never change state, so persistence need not run after them. */
const READ_ONLY = new Set([
  'GetSystemInfo',
  'GetClusterInfo',
  'DescribeNamespace',
  'ListNamespaces',
  'DescribeWorkflowExecution',
  'GetWorkflowExecutionHistory',
  'GetWorkflowExecutionHistoryReverse',
  'ListWorkflowExecutions',
  'ListOpenWorkflowExecutions',
  'ListClosedWorkflowExecutions',
  'ScanWorkflowExecutions',
  'CountWorkflowExecutions',
  'GetSearchAttributes',
  'ListSearchAttributes',
  'GetCurrentTime',
  'Check',
  'PollNexusTaskQueue',
  'RecordWorkerHeartbeat',
  'ShutdownWorker',
  'DescribeTaskQueue',
  'DescribeSchedule',
  'ListSchedules',
  'CountSchedules',
  'ListScheduleMatchingTimes',
]);

/**
 * Runs one RPC's handler the way every transport (gRPC, the HTTP API) must: waits until its changes are
 * durable, and turns anything but an RpcError into INTERNAL, so all transports answer alike.
 */
export async function runHandler(
  serviceName: string,
  methodName: string,
  handler: Handler | undefined,
  req: Obj,
  signal: AbortSignal,
  opts: ServiceOptions,
): Promise<Obj> {
  if (!handler) throw errors.unimplemented(`${serviceName}/${methodName}`);
  const durable = async () => {
    if (opts.commit && !READ_ONLY.has(methodName)) await opts.commit();
  };
  let res: Obj;
  try {
    res = await handler(req, { signal, method: methodName });
  } catch (err) {
    await durable();
    if (err instanceof errors.RpcError) {
      opts.log('debug', `${methodName}: ${grpc.status[err.code]} ${err.message}`);
      throw err;
    }
    opts.log('error', `${methodName} failed: ${err instanceof Error ? err.stack : String(err)}`);
    throw new errors.RpcError(errors.Status.INTERNAL, err instanceof Error ? err.message : String(err));
  }
  await durable();
  return res;
}

function serviceDefinition(
  serviceName: string,
  handlers: Record<string, Handler>,
  opts: ServiceOptions,
): { def: grpc.ServiceDefinition; impl: grpc.UntypedServiceImplementation } {
  const svc = root.lookupService(serviceName);
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  const impl: grpc.UntypedServiceImplementation = {};
  for (const method of Object.values(svc.methods) as protobuf.Method[]) {
    if (method.requestStream || method.responseStream) continue; // grpc-js answers UNIMPLEMENTED for these
    const reqType = svc.lookupType(method.requestType);
    const resType = svc.lookupType(method.responseType);
    def[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: object) => Buffer.from(reqType.encode(v).finish()),
      requestDeserialize: (b: Buffer) => reqType.decode(b),
      responseSerialize: (v: object) => Buffer.from(resType.encode(v).finish()),
      responseDeserialize: (b: Buffer) => resType.decode(b),
    };
    const handler = handlers[method.name];
    impl[method.name] = (call: grpc.ServerUnaryCall<Obj, Obj>, callback: grpc.sendUnaryData<Obj>) => {
      const ac = new AbortController();
      call.on('cancelled', () => ac.abort());
      runHandler(serviceName, method.name, handler, call.request, ac.signal, opts).then(
        (res) => callback(null, res),
        (err: errors.RpcError) => callback({ code: err.code, details: err.message, metadata: err.metadata() }),
      );
    };
  }
  return { def, impl };
}

/** Ends a long poll early when the caller goes away; resolves empty at the timeout. */
function idlePoll(signal: AbortSignal, ms = LONG_POLL_MS): Promise<Obj> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve({});
    }
  });
}

function workflowServiceHandlers(opts: ServiceOptions): Record<string, Handler> {
  const { engine } = opts;
  const namespaceInfo = (name: string): Obj => {
    const ns = engine.ns(name);
    return {
      namespaceInfo: {
        name: ns.name,
        state: 1, // REGISTERED
        description: ns.description,
        ownerEmail: '',
        data: {},
        id: ns.id,
        capabilities: { eagerWorkflowStart: true, syncUpdate: true, asyncUpdate: true, workerHeartbeats: false },
        supportsSchedules: true,
      },
      config: {
        workflowExecutionRetentionTtl: fromMs(ns.retentionMs),
        historyArchivalState: 2,
        visibilityArchivalState: 2,
      },
      replicationConfig: { activeClusterName: 'active', clusters: [{ clusterName: 'active' }], state: 0 },
      failoverVersion: 0,
      isGlobalNamespace: false,
    };
  };

  return {
    GetSystemInfo: () => ({
      serverVersion: SERVER_VERSION,
      capabilities: {
        signalAndQueryHeader: true,
        internalErrorDifferentiation: true,
        activityFailureIncludeHeartbeat: true,
        supportsSchedules: true,
        encodedFailureAttributes: true,
        buildIdBasedVersioning: false,
        upsertMemo: true,
        eagerWorkflowStart: true,
        sdkMetadata: true,
        countGroupByExecutionStatus: true,
        nexus: false,
      },
    }),
    GetClusterInfo: () => ({
      supportedClients: {},
      serverVersion: SERVER_VERSION,
      clusterId: CLUSTER_ID,
      clusterName: 'active',
      historyShardCount: 1,
      persistenceStore: 'embedded',
      // The visibility store answers list queries with ORDER BY and counts, as Elasticsearch-backed advanced visibility does.
      visibilityStore: 'embedded,elasticsearch',
      failoverVersionIncrement: 10,
      initialFailoverVersion: 1,
      isGlobalNamespaceEnabled: false,
    }),
    DescribeNamespace: (req) => namespaceInfo(req.namespace || 'default'),
    ResetStickyTaskQueue: (req) => {
      const ex = engine.find(req.namespace, req.execution?.workflowId ?? '', req.execution?.runId);
      ex.sticky = undefined;
      return {};
    },
    ListNamespaces: () => ({
      namespaces: [...engine.namespaces.keys()].map(namespaceInfo),
      nextPageToken: Buffer.alloc(0),
    }),
    RegisterNamespace: (req) => {
      if (!req.namespace) throw errors.invalidArgument('Namespace is not set on request.');
      if (engine.namespaces.has(req.namespace)) {
        throw new errors.RpcError(errors.Status.ALREADY_EXISTS, 'Namespace already exists.', {
          type: 'NamespaceAlreadyExistsFailure',
          value: {},
        });
      }
      engine.registerNamespace(
        req.namespace,
        req.description ?? '',
        toMs(req.workflowExecutionRetentionPeriod) || 24 * 3600_000,
      );
      return {};
    },

    StartWorkflowExecution: (req) => {
      const eagerFor = req.requestEagerExecution
        ? { identity: req.identity ?? '', requestId: req.requestId || undefined }
        : undefined;
      const { ex, started, eagerWorkflowTask } = engine.startWorkflow(req, { eagerFor });
      return { runId: ex.runId, started, status: ex.status, eagerWorkflowTask };
    },
    ExecuteMultiOperation: (req, ctx) => executeMultiOperation(engine, req, ctx.signal),
    SignalWorkflowExecution: (req) => {
      if (!req.signalName) throw errors.invalidArgument('SignalName is not set on request.');
      if (req.signalName.length > MAX_ID_LENGTH) throw errors.invalidArgument('SignalName exceeds length limit.');
      engine.checkBlob(payloadsSize(req.input), `signal ${req.signalName} input`);
      const ex = engine.find(req.namespace, req.workflowExecution?.workflowId ?? '', req.workflowExecution?.runId);
      engine.signal(ex, req.signalName, req.input ?? null, req.header ?? null, req.identity ?? '', req.requestId);
      return {};
    },
    SignalWithStartWorkflowExecution: (req) => {
      if (!req.signalName) throw errors.invalidArgument('SignalName is not set on request.');
      const ns = engine.ns(req.namespace);
      const current = engine.current(ns, req.workflowId ?? '');
      if (current && isOpen(current)) {
        engine.signal(
          current,
          req.signalName,
          req.signalInput ?? null,
          req.header ?? null,
          req.identity ?? '',
          req.requestId,
        );
        return { runId: current.runId, started: false };
      }
      const { ex } = engine.startWorkflow(
        { ...req, workflowIdConflictPolicy: 0 },
        {
          signal: {
            signalName: req.signalName,
            input: req.signalInput ?? undefined,
            identity: req.identity ?? '',
            header: req.header ?? undefined,
            requestId: req.requestId ?? '',
          },
        },
      );
      return { runId: ex.runId, started: true };
    },
    QueryWorkflow: async (req, ctx) => {
      if (!req.query?.queryType) throw errors.invalidArgument('QueryType is not set on request.');
      const ex = engine.find(req.namespace, req.execution?.workflowId ?? '', req.execution?.runId);
      return engine.query(ex, req.query, num(req.queryRejectCondition), ctx.signal);
    },
    RequestCancelWorkflowExecution: (req) => {
      const ex = engine.find(req.namespace, req.workflowExecution?.workflowId ?? '', req.workflowExecution?.runId);
      engine.requestCancelWorkflow(ex, req.reason ?? '', req.identity ?? '');
      return {};
    },
    TerminateWorkflowExecution: (req) => {
      const ex = engine.find(req.namespace, req.workflowExecution?.workflowId ?? '', req.workflowExecution?.runId);
      engine.terminate(ex, req.reason ?? '', req.details ?? null, req.identity ?? '');
      return {};
    },
    ResetWorkflowExecution: (req) => engine.reset(req),
    DeleteWorkflowExecution: (req) => {
      const ex = engine.find(req.namespace, req.workflowExecution?.workflowId ?? '', req.workflowExecution?.runId);
      engine.deleteExecution(ex, 'history-service');
      return {};
    },
    DescribeWorkflowExecution: (req) => {
      const ex = engine.find(req.namespace, req.execution?.workflowId ?? '', req.execution?.runId);
      return engine.describe(ex);
    },
    GetWorkflowExecutionHistory: (req, ctx) => engine.history(req, ctx.signal),
    GetWorkflowExecutionHistoryReverse: (req) => {
      const ex = engine.find(req.namespace, req.execution?.workflowId ?? '', req.execution?.runId);
      return { history: { events: [...ex.history].reverse() }, nextPageToken: Buffer.alloc(0) };
    },

    PollWorkflowTaskQueue: async (req, ctx) => {
      engine.ns(req.namespace);
      const tq = req.taskQueue ?? {};
      if (!tq.name) throw errors.invalidArgument('TaskQueue is not set on request.');
      // Sticky queues get the tasks of workflows their worker asked to keep; each task carries full history.
      const resp = await engine
        .wfQueue(req.namespace, tq.name)
        .poll({ identity: req.identity ?? '' }, LONG_POLL_MS, ctx.signal);
      return resp ?? {};
    },
    RespondWorkflowTaskCompleted: (req) => engine.respondWorkflowTaskCompleted(req),
    RespondWorkflowTaskFailed: (req) => engine.respondWorkflowTaskFailed(req),
    RespondQueryTaskCompleted: (req) => engine.respondQueryTaskCompleted(req),

    PollActivityTaskQueue: async (req, ctx) => {
      engine.ns(req.namespace);
      const tq = req.taskQueue ?? {};
      if (!tq.name) throw errors.invalidArgument('TaskQueue is not set on request.');
      const resp = await engine
        .actQueue(req.namespace, tq.name)
        .poll({ identity: req.identity ?? '' }, LONG_POLL_MS, ctx.signal);
      return resp ?? {};
    },
    RespondActivityTaskCompleted: (req) => {
      const { ex, act } = engine.tokenActivity(req.taskToken);
      if (payloadsSize(req.result) > BLOB_ERROR_BYTES) {
        // As Temporal does: the oversized result fails the attempt instead of entering history.
        engine.failActivity(
          ex,
          act,
          {
            message: 'Complete result exceeds size limit.',
            source: 'Server',
            applicationFailureInfo: { type: 'BlobSizeLimitExceeded', nonRetryable: false },
          },
          req.identity ?? '',
        );
        return {};
      }
      engine.completeActivity(ex, act, req.result ?? null, req.identity ?? '');
      return {};
    },
    RespondActivityTaskCompletedById: (req) => {
      const { ex, act } = engine.activityById(req.namespace, req.workflowId, req.runId, req.activityId);
      engine.completeActivity(ex, act, req.result ?? null, req.identity ?? '');
      return {};
    },
    RespondActivityTaskFailed: (req) => {
      const { ex, act } = engine.tokenActivity(req.taskToken);
      engine.failActivity(ex, act, req.failure ?? null, req.identity ?? '', req.lastHeartbeatDetails ?? null);
      return { failures: [] };
    },
    RespondActivityTaskFailedById: (req) => {
      const { ex, act } = engine.activityById(req.namespace, req.workflowId, req.runId, req.activityId);
      engine.failActivity(ex, act, req.failure ?? null, req.identity ?? '', req.lastHeartbeatDetails ?? null);
      return { failures: [] };
    },
    RespondActivityTaskCanceled: (req) => {
      const { ex, act } = engine.tokenActivity(req.taskToken);
      engine.cancelActivity(ex, act, req.details ?? null, req.identity ?? '');
      return {};
    },
    RespondActivityTaskCanceledById: (req) => {
      const { ex, act } = engine.activityById(req.namespace, req.workflowId, req.runId, req.activityId);
      engine.cancelActivity(ex, act, req.details ?? null, req.identity ?? '');
      return {};
    },
    RecordActivityTaskHeartbeat: (req) => {
      const { ex, act } = engine.tokenActivity(req.taskToken);
      return engine.heartbeat(ex, act, req.details ?? null);
    },
    RecordActivityTaskHeartbeatById: (req) => {
      const { ex, act } = engine.activityById(req.namespace, req.workflowId, req.runId, req.activityId);
      return engine.heartbeat(ex, act, req.details ?? null);
    },

    UpdateWorkflowExecution: (req, ctx) => {
      const ex = engine.find(req.namespace, req.workflowExecution?.workflowId ?? '', req.workflowExecution?.runId);
      return engine.update(ex, req.request, num(req.waitPolicy?.lifecycleStage), ctx.signal);
    },
    PollWorkflowExecutionUpdate: (req, ctx) => {
      const ref = req.updateRef ?? {};
      const ex = engine.find(req.namespace, ref.workflowExecution?.workflowId ?? '', ref.workflowExecution?.runId);
      return engine.pollUpdate(ex, ref.updateId ?? '', num(req.waitPolicy?.lifecycleStage), ctx.signal);
    },
    PollNexusTaskQueue: (_req, ctx) => idlePoll(ctx.signal),
    ShutdownWorker: (req) => {
      engine.unstick(req.namespace, req.stickyTaskQueue ?? '');
      return {};
    },
    RecordWorkerHeartbeat: () => ({}),
    DescribeTaskQueue: (req) => {
      engine.ns(req.namespace);
      const name = req.taskQueue?.name ?? '';
      if (!name) throw errors.invalidArgument('TaskQueue is not set on request.');
      const queue =
        num(req.taskQueueType) === 2 ? engine.actQueue(req.namespace, name) : engine.wfQueue(req.namespace, name);
      // As the real server: pollers seen in the last five minutes.
      const since = Date.now() - 5 * 60_000;
      const pollers = [...queue.pollers]
        .filter(([, at]) => at >= since)
        .map(([identity, at]) => ({ identity, lastAccessTime: fromMs(at), ratePerSecond: 100_000 }));
      return { pollers };
    },

    ...(opts.visibility ? opts.visibility.workflowServiceHandlers() : {}),
    ...(opts.schedules ? opts.schedules.handlers() : {}),
  };
}

function testServiceHandlers(engine: Engine): Record<string, Handler> {
  const clock = engine.clock;
  const requireSkipping = () => {
    if (!clock.timeSkipping)
      throw new errors.RpcError(errors.Status.FAILED_PRECONDITION, 'time skipping is not enabled on this server');
  };
  return {
    LockTimeSkipping: () => {
      requireSkipping();
      clock.lock();
      return {};
    },
    UnlockTimeSkipping: () => {
      requireSkipping();
      clock.unlock();
      return {};
    },
    Sleep: async (req) => {
      await engine.sleepUntil(clock.now() + toMs(req.duration));
      return {};
    },
    SleepUntil: async (req) => {
      await engine.sleepUntil(toMs(req.timestamp));
      return {};
    },
    UnlockTimeSkippingWithSleep: async (req) => {
      requireSkipping();
      const target = clock.now() + toMs(req.duration);
      clock.unlock();
      try {
        await engine.sleepUntil(target);
      } finally {
        clock.lock();
      }
      return {};
    },
    GetCurrentTime: () => ({ time: fromMs(clock.now()) }),
  };
}

/** The handlers of every service, by full service name; the gRPC server and the HTTP API share them. */
export function serviceHandlers(opts: ServiceOptions): Map<string, Record<string, Handler>> {
  return new Map<string, Record<string, Handler>>([
    ['temporal.api.workflowservice.v1.WorkflowService', workflowServiceHandlers(opts)],
    ['temporal.api.testservice.v1.TestService', testServiceHandlers(opts.engine)],
    [
      'temporal.api.operatorservice.v1.OperatorService',
      opts.visibility ? opts.visibility.operatorServiceHandlers() : {},
    ],
    ['grpc.health.v1.Health', { Check: () => ({ status: 1 }) }],
  ]);
}

/** Creates the grpc-js server with every service registered. */
export function createGrpcServer(opts: ServiceOptions, services = serviceHandlers(opts)): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 128 * 1024 * 1024,
    'grpc.max_send_message_length': 128 * 1024 * 1024,
  });
  for (const [name, handlers] of services) {
    const { def, impl } = serviceDefinition(name, handlers, opts);
    server.addService(def, impl);
  }
  return server;
}
