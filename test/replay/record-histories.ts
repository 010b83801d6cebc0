/**
 * Recording for the replay tests (`npm run record:histories`). With RECORD_HISTORIES=1, every Temporal test
 * environment saves the histories of the project's workflows just before it tears down, one file per distinct
 * shape (workflow type + its sequence of commands and events), so `test/replay` replays what the workflow tests
 * really produced. A history is kept only if it replays with the project's workflow code: some tests run stub
 * workflows under a real name (the quote tests' `orderWorkflow` that completes at once), and those are not ours.
 * Without the variable this file does nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { cachedWorkflowBundle } from '../../infra/temporal/workers';
import { HISTORIES_DIR, historyToText, projectWorkflowTypes, WORKFLOW_MODULES } from './workflow-modules';

const NAME_FIELDS = ['activityType', 'workflowType', 'signalName', 'queryType', 'updateName', 'markerName'];

/** What makes two histories the same for replay: the event types and the names they carry. */
function shapeOf(events: Record<string, unknown>[]): string {
  const parts = events.map((event) => {
    const attrs = Object.entries(event).find(([key, value]) => key.endsWith('Attributes') && value) as
      [string, Record<string, unknown>] | undefined;
    const names = NAME_FIELDS.map((field) => {
      const value = attrs?.[1]?.[field] as { name?: string } | string | undefined;
      return typeof value === 'string' ? value : (value?.name ?? '');
    }).join('');
    return `${String(event.eventType)}:${names}`;
  });
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 12);
}

let projectBundle: Promise<{ codePath: string }> | undefined;

/** True when the history replays with the project's own workflow code (not a test's stub of the same name). */
async function replaysWithProjectCode(workflowId: string, history: unknown): Promise<boolean> {
  projectBundle ??= cachedWorkflowBundle('replay', WORKFLOW_MODULES);
  try {
    await Worker.runReplayHistory({ workflowBundle: await projectBundle }, history, workflowId);
    return true;
  } catch {
    return false;
  }
}

async function recordHistories(env: TestWorkflowEnvironment): Promise<void> {
  const ours = projectWorkflowTypes();
  for await (const execution of env.client.workflow.list()) {
    if (!ours.has(execution.type)) continue;
    const history = await env.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const events = (history.events ?? []) as unknown as Record<string, unknown>[];
    if (events.length === 0) continue;
    const dir = join(HISTORIES_DIR, execution.type);
    const file = join(dir, `${shapeOf(events)}.json`);
    if (existsSync(file)) continue;
    if (!(await replaysWithProjectCode(execution.workflowId, history))) {
      process.stderr.write(
        `record-histories: ${execution.type} ${execution.workflowId} was not run by the project's code (a test stub); not kept\n`,
      );
      continue;
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, historyToText(history));
  }
}

if (process.env.RECORD_HISTORIES) {
  const teardown = TestWorkflowEnvironment.prototype.teardown;
  TestWorkflowEnvironment.prototype.teardown = async function recordThenTeardown(this: TestWorkflowEnvironment) {
    try {
      await recordHistories(this);
    } catch (error) {
      process.stderr.write(`record-histories: ${String(error)}\n`);
    }
    return teardown.call(this);
  };
}
