import type { WorkerRegistration } from '../../infra/temporal/worker-registration';
import { boardPreviewsDir, quoteDocumentsDir } from '../../infra/files/quote-files';
import { createQuoteFlowActivities } from './quote-flow';
import { createCustomerFlowActivities } from '../customer';

/**
 * The `quote` queue: the quote workflow and the customer workflows that share the queue, with their activities.
 * One registration for both contexts, so the queue's worker bundles a single workflows module.
 */
export const workerRegistration: WorkerRegistration = {
  taskQueue: 'quote',
  workflowsPath: require.resolve('../../workflows/quote'),
  createActivities: (deps) => ({
    ...createQuoteFlowActivities({
      db: deps.db,
      documentsDir: quoteDocumentsDir(deps.config.dataDir),
      previewsDir: boardPreviewsDir(deps.config.dataDir),
      publicUrl: deps.config.publicUrl,
      timeZone: deps.config.business.timeZone,
    }),
    ...createCustomerFlowActivities({ db: deps.db }),
  }),
};
