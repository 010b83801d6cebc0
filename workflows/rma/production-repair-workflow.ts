import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { RmaActivities } from '../../activities/rma';
import {
  RMA_TASK_QUEUE,
  rmaStateQuery,
  type ProductionRepairInput,
  type RepairOutcome,
  type RmaState,
} from '../../domain/rma/contract';
import { DATABASE_WRITE } from '../shared';
import { createStepTracker } from './steps';
import { runRepair } from './repair';

// The production worker runs this workflow; its RMA side effects run on the rma queue, where they are registered.
const acts = proxyActivities<RmaActivities>({ ...DATABASE_WRITE, taskQueue: RMA_TASK_QUEUE });

/**
 * Production-line repair of an RMA batch above 200 pcs (≤200PCS 售后维修, >200PCS 生产维修), a child of the RMA
 * workflow on the `production` task queue. Its tasks belong to this workflow; the case is the parent's.
 */
export async function productionRepairWorkflow(input: ProductionRepairInput): Promise<RepairOutcome> {
  const steps = createStepTracker(input.rmaId, input.customerId);
  let step = 'starting';
  setHandler(rmaStateQuery, (): RmaState => ({
    rmaId: input.rmaId,
    stage: 'repair',
    step,
    openTasks: steps.openTasks(),
    deadlines: steps.deadlines,
    decisions: steps.decisions,
    penalty: { days: 0, totalFen: 0, currency: 'CNY' },
    repairTeam: 'production_line',
  }));
  return runRepair(
    {
      rmaId: input.rmaId,
      reference: input.reference,
      customerId: input.customerId,
      quantity: input.quantity,
      team: 'production_line',
      materials: input.materials,
      materialRequestedAt: input.materialRequestedAt,
      calendar: input.calendar,
      rules: input.materialRules,
    },
    { steps, acts, setStep: (s) => void (step = s) },
  );
}
