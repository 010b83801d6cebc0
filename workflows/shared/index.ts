export { createTaskInbox, type TaskInbox, type TaskOutcome, type TaskWait } from './wait-for-task';
export { pendingTasksQuery, taskCompletedSignal, type PendingTaskView } from './task-signals';
