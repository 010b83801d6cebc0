/**
 * Replay tests: every recorded history (test/replay/histories, made by `npm run record:histories` from the
 * workflow tests) replays against today's workflow code. A change that would break workflows already running
 * in production fails here, before deploy: then guard the change with `patched()` (see README → Replay tests).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { cachedWorkflowBundle } from '../../infra/temporal/workers';
import { HISTORIES_DIR, WORKFLOW_MODULES, historyFromText } from './workflow-modules';

function recorded(): { type: string; file: string }[] {
  return readdirSync(HISTORIES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(HISTORIES_DIR, d.name))
        .filter((f) => f.endsWith('.json'))
        .map((f) => ({ type: d.name, file: join(d.name, f) })),
    );
}

describe('replay of recorded histories', () => {
  const histories = recorded();

  it('holds histories of every process: quote, customer onboarding, payment terms, order with production and QC, RMA with its repair child', () => {
    const types = new Set(histories.map((h) => h.type));
    for (const type of [
      'quoteWorkflow',
      'customerOnboardingWorkflow',
      'paymentTermsApprovalWorkflow',
      'orderWorkflow',
      'productionWorkflow',
      'qcLotWorkflow',
      'rmaWorkflow',
      'productionRepairWorkflow',
    ]) {
      expect([type, types.has(type)]).toEqual([type, true]);
    }
  });

  // One test per workflow type, so each stays well inside its timeout as the recorded histories grow.
  const types = [...new Set(histories.map((h) => h.type))].sort();
  let workflowBundle: Awaited<ReturnType<typeof cachedWorkflowBundle>>;
  beforeAll(async () => {
    workflowBundle = await cachedWorkflowBundle('replay', WORKFLOW_MODULES);
  }, 120_000);

  it.each(types)(
    'replays every %s history with the current workflow code, without a non-determinism error',
    async (type) => {
      const mine = histories.filter((h) => h.type === type);
      const inputs = mine.map(({ file }) => ({
        workflowId: file,
        history: historyFromText(readFileSync(join(HISTORIES_DIR, file), 'utf8')),
      }));
      const failures: string[] = [];
      let replayed = 0;
      for await (const result of Worker.runReplayHistories({ workflowBundle }, inputs) as AsyncIterable<ReplayResult>) {
        replayed++;
        if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
      }
      expect(failures).toEqual([]);
      expect(replayed).toBe(mine.length);
    },
    120_000,
  );
});
