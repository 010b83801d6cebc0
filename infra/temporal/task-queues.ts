/** The task queues, one worker each (a process may run them all, or one per container). */
export const TASK_QUEUES = ['quote', 'production', 'rma'] as const;

/** One of {@link TASK_QUEUES}. */
export type TaskQueue = (typeof TASK_QUEUES)[number];
