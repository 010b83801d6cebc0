export {
  createHumanWaits,
  repeatWhileWaiting,
  type Escalations,
  type HumanWait,
  type HumanWaits,
  type LoggedDecision,
  type OpenWait,
  type Reminders,
  type RepeatCadence,
  type WaitCadence,
  type WaitOutcome,
  whenReady,
} from './human-waits';
export { CARRIER_CALL, DATABASE_WRITE, FILE_WORK, MAIL_OUTBOX } from './activity-options';
export { pendingTasksQuery, taskCompletedSignal, type PendingTaskView } from './task-signals';
