import type { WorkerRegistration } from '../../infra/temporal/worker-registration';
import { createCustomerFlowActivities } from '.';

/** The customer context shares the `quote` queue: onboarding and payment-terms workflows with their activities. */
export const workerRegistration: WorkerRegistration = {
  taskQueue: 'quote',
  workflowsPath: require.resolve('../../workflows/customer'),
  createActivities: (deps) => createCustomerFlowActivities({ db: deps.db }),
};
