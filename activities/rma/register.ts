import type { WorkerRegistration } from '../../infra/temporal/worker-registration';
import { createRmaActivities } from './index';
import { createRmaRoutineActivities } from './routines';

/** The RMA worker: RMA workflows on the `rma` queue with their activities. */
export const workerRegistration: WorkerRegistration = {
  taskQueue: 'rma',
  workflowsPath: require.resolve('../../workflows/rma'),
  createActivities: (deps) => ({
    ...createRmaActivities({ db: deps.db, publicUrl: deps.config.publicUrl }),
    ...createRmaRoutineActivities({ db: deps.db }),
  }),
};

/**
 * The production-line repair child runs on the `production` queue; its activities run on `rma`, so the
 * production worker needs only these workflows (discovery reads one registration per context: see README).
 */
export const productionWorkerRegistration: WorkerRegistration = {
  taskQueue: 'production',
  workflowsPath: require.resolve('../../workflows/rma'),
};
