export { connectTemporal, checkTemporal, type TemporalConnections } from './connection';
export { registerSearchAttributes, SEARCH_ATTRIBUTES } from './search-attributes';
export { TASK_QUEUES, type TaskQueue } from './task-queues';
export type { ActivityDeps, WorkerRegistration } from './worker-registration';
export {
  createQueueWorker,
  discoverWorkerRegistrations,
  platformActivities,
  runWorkers,
  type RunningWorkers,
} from './workers';
