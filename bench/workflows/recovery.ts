/** The benchmark's workflow: one activity with the options it is given (bench/activity-recovery.ts). */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';

export async function oneActivity(options: ActivityOptions): Promise<string> {
  const { work } = proxyActivities<{ work(): Promise<string> }>(options);
  return work();
}
