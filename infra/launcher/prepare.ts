/**
 * `npm install`'s build step (the `prepare` script): everything a start would otherwise build first, built once
 * per code version so `npm start` is ready in seconds — the admin UI (ui/dist) and each task queue's workflow
 * bundle (node_modules/.cache/smt-workflow-bundles). Each is skipped when it is already up to date; a part whose
 * sources are absent (a Docker stage that installs dependencies only) is skipped with a note. `--bundles-only`
 * skips the UI (the Docker image, where nginx serves the UI built in its own stage).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { discoverWorkerRegistrations, cachedWorkflowBundle } from '../temporal/workers';
import { TASK_QUEUES } from '../temporal/task-queues';
import { ensureUiBuilt, UI_ROOT } from './ui-static';

async function main(): Promise<void> {
  const started = Date.now();
  if (process.argv.includes('--bundles-only')) {
    console.log('prepare: --bundles-only; the admin UI is not built');
  } else if (existsSync(join(UI_ROOT, 'src'))) {
    const ui = await ensureUiBuilt({ log: (message) => console.log(`prepare: ${message}`) });
    console.log(
      ui.built ? `prepare: admin UI built in ${(ui.ms / 1000).toFixed(1)} s` : 'prepare: admin UI up to date',
    );
  } else {
    console.log('prepare: no ui/ sources here; the admin UI is not built');
  }
  const registrations = discoverWorkerRegistrations();
  for (const queue of TASK_QUEUES) {
    const paths = registrations.filter((r) => r.taskQueue === queue).map((r) => r.workflowsPath);
    if (paths.length === 0) continue;
    const at = Date.now();
    await cachedWorkflowBundle(queue, paths);
    console.log(`prepare: workflow bundle of queue ${queue} ready in ${((Date.now() - at) / 1000).toFixed(1)} s`);
  }
  console.log(`prepare: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`prepare: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
