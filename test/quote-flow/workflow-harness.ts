/**
 * Shared by the quote and customer workflow tests: one embedded Temporal environment (time skipping) and one
 * worker on the `quote` task queue per test file, with recording activity doubles for tasks, mail and the
 * quote / customer side effects, and an `eventually` poll for conditions driven by timers.
 */
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, makeTelemetryFilterString } from '@temporalio/worker';
import type { TaskCompletion } from '../../domain/tasks/task';
import { createTestEnv } from '../../infra/temporal/test-env';

/** One recorded activity call. */
export interface Call {
  name: string;
  workflowId: string;
  input: Record<string, unknown>;
}

/** The doubles' log and knobs. */
export class Recorder {
  readonly calls: Call[] = [];
  /** Result of analyseQuoteRevision per `${quoteId}:${revision}` (default: auto quote at 100 000 minor units). */
  pricing = new Map<string, { autoQuoteAllowed: boolean; reviewReasons: string[]; totalFen: number | null }>();

  /** Inputs of the calls of activity `name` made by workflow `workflowId`, in order. */
  of(
    workflowId: string,
    name: string,
    where: (input: Record<string, unknown>) => boolean = () => true,
  ): Record<string, unknown>[] {
    return this.calls
      .filter((c) => c.workflowId === workflowId && c.name === name && where(c.input))
      .map((c) => c.input);
  }
}

function recording<T extends Record<string, unknown>>(recorder: Recorder, name: string, answer: (input: T) => unknown) {
  return async (input: T) => {
    recorder.calls.push({ name, workflowId: Context.current().info.workflowExecution?.workflowId ?? '', input });
    return answer(input);
  };
}

/** Activity doubles with the names the workflows proxy. */
export function activityDoubles(recorder: Recorder) {
  type In = Record<string, unknown>;
  return {
    openTask: recording<In>(recorder, 'openTask', (i) => ({ taskId: `task-${String(i.step)}`, created: true })),
    closeTask: recording<In>(recorder, 'closeTask', (i) => ({ status: i.status })),
    remindTask: recording<In>(recorder, 'remindTask', () => ({ recipients: ['engineer@demo.local'], taskOpen: true })),
    escalateTask: recording<In>(recorder, 'escalateTask', () => ({
      recipients: ['sales_manager@demo.local'],
      taskOpen: true,
    })),
    mailRoles: recording<In>(recorder, 'mailRoles', () => ({ recipients: ['someone@demo.local'] })),
    sendMail: recording<In>(recorder, 'sendMail', () => ({ queued: 1 })),
    analyseQuoteRevision: recording<In>(recorder, 'analyseQuoteRevision', (i) => ({
      autoQuoteAllowed: true,
      reviewReasons: [],
      totalFen: 100_000,
      ...recorder.pricing.get(`${String(i.quoteId)}:${Number(i.revision)}`),
      currency: 'CNY',
      dfmErrors: 0,
      dfmWarnings: 0,
    })),
    drawQuoteBoardPreview: recording<In>(recorder, 'drawQuoteBoardPreview', () => ({ drawn: true })),
    // A line set to 0 ("ZERO") needs a second approval; no adjustments restores the engine's 100 000.
    applyReviewAdjustments: recording<In>(recorder, 'applyReviewAdjustments', (i) => {
      const adjustments = i.adjustments as { code: string; unitPriceFen: number }[];
      if (adjustments.some((a) => a.code === 'NOPE')) return { ok: false, reason: 'no line item with code "NOPE"' };
      if (!adjustments.length) return { ok: true, totalFen: 100_000, approvalReasons: [] };
      const zeroed = adjustments.filter((a) => a.unitPriceFen === 0).map((a) => `line "${a.code}" is set to zero`);
      return { ok: true, totalFen: zeroed.length ? 10_000 : 90_000, approvalReasons: zeroed };
    }),
    issueQuote: recording<In>(recorder, 'issueQuote', () => ({ pdf: '/tmp/q.pdf', recipients: ['buyer@demo.local'] })),
    projectQuoteStage: recording<In>(recorder, 'projectQuoteStage', () => ({ changed: true })),
    projectOnboarding: recording<In>(recorder, 'projectOnboarding', () => ({ status: 'x', changed: true })),
    recordAudit: recording<In>(recorder, 'recordAudit', (i) => ({
      auditId: 'audit-1',
      correctiveActionIds: (i.correctiveActions as unknown[]).map((_, n) => `ca-${n + 1}`),
    })),
    markCorrectiveActionOverdue: recording<In>(recorder, 'markCorrectiveActionOverdue', () => undefined),
    closeCorrectiveAction: recording<In>(recorder, 'closeCorrectiveAction', () => undefined),
    mailCustomerContacts: recording<In>(recorder, 'mailCustomerContacts', () => ({ recipients: ['buyer@demo.local'] })),
    applyPaymentTerms: recording<In>(recorder, 'applyPaymentTerms', () => undefined),
  };
}

export { eventually } from '../eventually';

/** A completion as the platform's API sends it. */
export function completion(
  step: string,
  decision: string,
  data: Record<string, unknown> = {},
  role = 'engineer',
): TaskCompletion {
  return {
    taskId: `task-${step}`,
    step,
    decision,
    data,
    completedBy: {
      userId: `user-${role}`,
      email: `${role}@demo.local`,
      role: role as TaskCompletion['completedBy']['role'],
    },
    completedAt: new Date().toISOString(),
  };
}

/** The environment and worker of one test file. */
export interface Harness {
  env: TestWorkflowEnvironment;
  recorder: Recorder;
  stop(): Promise<void>;
}

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

/** Starts the environment and a worker on the `quote` task queue running workflows/quote (quote + customer). */
export async function startHarness(): Promise<Harness> {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
  } catch {
    // already installed in this module registry
  }
  const env = await createTestEnv();
  const recorder = new Recorder();
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/quote'),
    logger: quiet,
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: 'quote',
    workflowBundle,
    activities: activityDoubles(recorder),
    shutdownGraceTime: '1s',
  });
  // Accepted quotes start `orderWorkflow` on `production`; a stub worker there completes it, since a workflow task
  // nobody polls would hold the time-skipping clock still.
  const orderWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: 'production',
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('./order-stub-workflows'),
      logger: quiet,
    }),
    shutdownGraceTime: '1s',
  });
  let release!: () => void;
  const stopped = new Promise<void>((resolve) => (release = resolve));
  const running = Promise.all([worker.runUntil(stopped), orderWorker.runUntil(stopped)]);
  return {
    env,
    recorder,
    async stop() {
      release();
      await running;
      await env.teardown();
    },
  };
}
