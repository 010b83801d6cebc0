import type { WorkerRegistration } from '../../infra/temporal/worker-registration';
import { createOrderActivities } from '.';

/** The order context on the `production` queue: order, production and QC lot workflows with their activities. */
export const workerRegistration: WorkerRegistration = {
  taskQueue: 'production',
  workflowsPath: require.resolve('../../workflows/order'),
  createActivities: (deps) => createOrderActivities({ db: deps.db }),
};
