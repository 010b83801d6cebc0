import { join } from 'node:path';
import type { WorkerRegistration } from '../../infra/temporal/worker-registration';
import { createQuoteFlowActivities } from './quote-flow';

/** The quote context on the `quote` queue: the quote workflow with the quote-flow activities. */
export const workerRegistration: WorkerRegistration = {
  taskQueue: 'quote',
  workflowsPath: require.resolve('../../workflows/quote'),
  createActivities: (deps) =>
    createQuoteFlowActivities({ db: deps.db, documentsDir: join(deps.config.dataDir, 'documents', 'quotes'), publicUrl: deps.config.publicUrl }),
};
