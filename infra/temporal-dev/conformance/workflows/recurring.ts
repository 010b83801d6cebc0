import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';

/** What a recurring run knows about how it was started: its count in the chain and who scheduled it. */
export interface RecurringRunReport {
  /** 1 for the first run; the previous run's count + 1 after that (the server hands over the last result). */
  count: number;
  /** The previous run's failure message, when it failed. */
  previousFailure: string | null;
  scheduledById: string | null;
  scheduledStartTime: string | null;
}

/** Reports its place in a recurring chain (schedule or cron); fails instead when told to. */
export async function recurringRun(fail = false): Promise<RecurringRunReport> {
  const info = workflowInfo();
  if (fail) throw ApplicationFailure.nonRetryable('this recurring run fails on purpose', 'RecurringFailure');
  const last = info.lastResult as RecurringRunReport | undefined;
  const attributes = info.searchAttributes ?? {};
  const scheduledBy = attributes.TemporalScheduledById?.[0];
  const scheduledAt = attributes.TemporalScheduledStartTime?.[0];
  return {
    count: (last?.count ?? 0) + 1,
    previousFailure: info.lastFailure?.message ?? null,
    scheduledById: typeof scheduledBy === 'string' ? scheduledBy : null,
    scheduledStartTime:
      scheduledAt instanceof Date
        ? scheduledAt.toISOString()
        : typeof scheduledAt === 'string'
          ? new Date(scheduledAt).toISOString()
          : null,
  };
}
