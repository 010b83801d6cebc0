/**
 * QC of one lot (DESIGN.md processes table, QC / rework): QA inspects (AOI / X-ray / functional), failed units go
 * to rework and back to inspection until 100 % pass; units past the rework limit are scrapped and rebuilt. First-pass
 * yield and rework counts are recorded. A child of the order workflow.
 */
import { getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { lotStateQuery, type LotView } from '../../domain/order/contract';
import {
  DEFAULT_QC_POLICY,
  firstPassYield,
  newLot,
  recordInspectionRound,
  recordReworkDone,
  type LotQcState,
  type QcPolicy,
} from '../../domain/order/lot-qc';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { ORDER_WAIT_POLICIES as P } from '../../domain/order/waits';
import type { InspectionData } from '../../domain/order/task-kinds';
import { OrderSteps } from './human-steps';
import { childUpdateSignal } from './child-updates';
import { orderActs } from './activities-proxy';

/** Input of a QC lot child workflow. */
export interface QcLotWorkflowInput {
  orderId: string;
  quoteId: string;
  customerId: string;
  lotIndex: number;
  lotNumber: string;
  quantity: number;
  policy?: QcPolicy;
}

/** The lot as the query and the order see it. */
export function lotView(input: Pick<QcLotWorkflowInput, 'lotIndex' | 'lotNumber'>, lot: LotQcState): LotView {
  return {
    lotIndex: input.lotIndex,
    lotNumber: input.lotNumber,
    quantity: lot.quantity,
    status: lot.status,
    rounds: lot.round,
    passedUnits: lot.passedUnits,
    reworkCount: lot.reworkCount,
    scrappedUnits: lot.scrapped.length,
    firstPassYield: firstPassYield(lot),
  };
}

/** The QC lot child workflow; ends when the lot passed 100 %. */
export async function qcLotWorkflow(input: QcLotWorkflowInput): Promise<LotView> {
  const policy = input.policy ?? DEFAULT_QC_POLICY;
  let lot = newLot(input.quantity);
  /** Rejected inspection reports (counts that do not fit), kept for the record. */
  const refused: { step: string; reason: string }[] = [];

  const report = () => {
    const parent = workflowInfo().parent;
    if (!parent) return;
    getExternalWorkflowHandle(parent.workflowId)
      .signal(childUpdateSignal, {
        source: workflowInfo().workflowId,
        openTasks: steps.openTasks(),
        decisions: steps.decisions,
        lot: lotView(input, lot),
      })
      .catch(() => undefined);
  };
  const steps = new OrderSteps(input, {
    onChange: report,
    onDecision: (step, c) =>
      orderActs.orderRecordDecision({
        orderId: input.orderId,
        step,
        decision: c.decision,
        actor: { userId: c.completedBy.userId, role: c.completedBy.role },
        data: c.data,
      }),
  });
  setHandler(lotStateQuery, () => ({
    ...lotView(input, lot),
    openTasks: steps.openTasks(),
    decisions: steps.decisions,
    refused,
  }));

  await orderActs.orderCreateLot({ orderId: input.orderId, lotNumber: input.lotNumber, quantity: input.quantity });
  let seq = 0;
  while (lot.status !== 'passed') {
    seq++;
    if (lot.status === 'awaiting_inspection') {
      const step = `lot:${input.lotIndex}:inspect:${seq}`;
      const { completion } = await steps.ask({
        step,
        kind: K.inspection,
        title: `Inspect lot ${input.lotNumber} (round ${lot.round + 1}, ${lot.pendingInspection} unit(s))`,
        role: 'qa',
        policy: P.inspection,
        payload: {
          lotIndex: input.lotIndex,
          lotNumber: input.lotNumber,
          unitsToInspect: lot.pendingInspection,
          round: lot.round + 1,
        },
      });
      const data = completion.data as InspectionData;
      const result = recordInspectionRound(
        lot,
        { passedCount: data.passedCount, failedSerials: data.failedUnits.map((u) => u.serial) },
        policy,
      );
      if (!result.ok) {
        // The API checks the counts before completing the task; a report through the generic task API may not fit.
        refused.push({ step, reason: result.reason });
        continue;
      }
      const scrapped = result.scrappedNow.map((serial) => ({ serial, attempt: (lot.reworkAttempts[serial] ?? 0) + 1 }));
      lot = result.state;
      await orderActs.orderRecordInspection({
        orderId: input.orderId,
        lotNumber: input.lotNumber,
        kind: data.kind,
        round: lot.round,
        passedCount: data.passedCount,
        failedUnits: data.failedUnits,
        scrapped,
        lotStatus: lot.status,
        actor: { userId: completion.completedBy.userId, role: completion.completedBy.role },
      });
      report();
    } else {
      const units = lot.inRework.map((serial) => ({ serial, attempt: (lot.reworkAttempts[serial] ?? 0) + 1 }));
      const rebuilt = lot.rebuildPending;
      const { completion } = await steps.ask({
        step: `lot:${input.lotIndex}:rework:${seq}`,
        kind: K.rework,
        title:
          `Rework ${units.length} unit(s) of lot ${input.lotNumber}` +
          (rebuilt ? ` and rebuild ${rebuilt} scrapped unit(s)` : ''),
        role: 'production',
        policy: P.floorStep,
        payload: { lotNumber: input.lotNumber, rework: units, rebuild: rebuilt },
      });
      const result = recordReworkDone(lot);
      if (!result.ok) throw new Error(result.reason); // unreachable: the loop only asks for rework while in rework
      lot = result.state;
      await orderActs.orderRecordRework({
        orderId: input.orderId,
        lotNumber: input.lotNumber,
        units,
        rebuilt,
        actor: { userId: completion.completedBy.userId, role: completion.completedBy.role },
      });
      report();
    }
  }
  await orderActs.orderLotPassed({
    orderId: input.orderId,
    lotNumber: input.lotNumber,
    firstPassYield: firstPassYield(lot),
    reworkCount: lot.reworkCount,
  });
  return lotView(input, lot);
}
