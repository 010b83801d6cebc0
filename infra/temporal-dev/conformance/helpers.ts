import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DefaultLogger,
  Runtime,
  Worker,
  bundleWorkflowCode,
  makeTelemetryFilterString,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createTestEnv } from '../../temporal/test-env';
import * as activities from './activities';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Keeps the SDK to errors only: the suite fails activities and workflow tasks on purpose, and the worker would
 * log a warning with a stack for each. Call before the first environment is created (the runtime is a singleton).
 */
export function quietSdkLogs(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
  } catch {
    // Already installed in this module registry: keep the existing runtime.
  }
}

/** The conformance workflows, bundled once per test file (webpack is the slow part of starting a worker). */
export function bundleConformanceWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta),
};

/** A worker running in the background for a whole test file; `stop()` shuts it down and waits for it. */
export interface RunningWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * Starts one worker for a test file on a fresh task queue, with the conformance activities.
 * It runs through `worker.runUntil`, ending when `stop()` is called (in afterAll).
 */
export async function startConformanceWorker(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  name: string,
  taskQueue = `conformance-${name}-${randomUUID()}`,
  activityImplementations: object = activities,
): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    activities: activityImplementations,
    // Activities left running by timed-out attempts are cancelled at shutdown instead of holding it.
    shutdownGraceTime: '1s',
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const running = worker.runUntil(released);
  return {
    taskQueue,
    async stop() {
      release();
      await running;
    },
  };
}

/** What a conformance test file shares: the environment, its client, and one worker on a fresh task queue. */
export interface ConformanceEnv {
  env: TestWorkflowEnvironment;
  client: Client;
  worker: RunningWorker;
  workflowBundle: WorkflowBundleWithSourceMap;
}

/**
 * The set-up every conformance file repeats otherwise: quiet SDK logs, `createTestEnv()` (the embedded server, or
 * TEMPORAL_ADDRESS), the workflows bundled once, one worker — created in beforeAll and handed to `ready`,
 * stopped and torn down in afterAll.
 */
export function useConformanceEnv(
  name: string,
  ready: (setup: ConformanceEnv) => void,
  options: {
    bundle?: () => Promise<WorkflowBundleWithSourceMap>;
    taskQueue?: string;
    beforeTeardown?: () => Promise<void>;
  } = {},
): void {
  let setup: ConformanceEnv | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    quietSdkLogs();
    env = await createTestEnv();
    const workflowBundle = await (options.bundle ?? bundleConformanceWorkflows)();
    worker = await startConformanceWorker(env, workflowBundle, name, options.taskQueue);
    setup = { env, client: env.client, worker, workflowBundle };
    ready(setup);
  }, 120_000);
  afterAll(async () => {
    if (setup) await options.beforeTeardown?.();
    await worker?.stop();
    await env?.teardown();
  });
}

/** Polls until `probe` yields a value (a real server applies some changes asynchronously). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  tries = 200,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A workflow id no other test (or earlier run against a shared server) uses. */
export function uniqueWorkflowId(label: string): string {
  return `conformance-${label}-${randomUUID()}`;
}

/** `EVENT_TYPE_ACTIVITY_TASK_STARTED` → `ActivityTaskStarted`. */
export function eventTypeName(event: HistoryEvent): string {
  const raw = temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? `Unknown(${event.eventType})`;
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** The full history of a workflow run (the SDK pages through it). */
export async function historyEvents(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  const history = await handle.fetchHistory();
  return history.events ?? [];
}

/** Event type names of a run's history, in order. */
export async function historyEventTypes(handle: WorkflowHandle): Promise<string[]> {
  return (await historyEvents(handle)).map(eventTypeName);
}

/** Event types other than workflow-task bookkeeping: what the workflow did and what happened to it. */
export function withoutWorkflowTaskEvents(types: string[]): string[] {
  return types.filter((type) => !type.startsWith('WorkflowTask'));
}

/** True when `expected` appears in `actual` in the same order, other events allowed in between. */
export function isSubsequence(expected: string[], actual: string[]): boolean {
  let position = 0;
  for (const type of actual) {
    if (position < expected.length && type === expected[position]) position += 1;
  }
  return position === expected.length;
}

/** A protobuf Duration in milliseconds (seconds may be a Long). */
export function durationMs(duration: temporal.api.history.v1.IHistoryEvent['eventTime'] | null | undefined): number {
  if (!duration) return 0;
  const seconds = duration.seconds;
  const wholeSeconds = typeof seconds === 'number' ? seconds : seconds ? seconds.toNumber() : 0;
  return wholeSeconds * 1000 + Math.round((duration.nanos ?? 0) / 1e6);
}

/** The first event of the given type, failing the test when there is none. */
export function firstEventOfType(events: HistoryEvent[], type: string): HistoryEvent {
  const event = events.find((candidate) => eventTypeName(candidate) === type);
  if (!event) throw new Error(`no ${type} event in history: ${events.map(eventTypeName).join(', ')}`);
  return event;
}
