/**
 * Production of one order, as the factory does it (DESIGN.md processes table, production): material kitting,
 * stencil, program and reflow profile, line slot, proofing approved by the customer, then volume production with
 * progress reported by the floor. A child of the order workflow; on cancellation it undoes its own forward steps
 * (materials released, line slot released) before it ends.
 */
import {
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { productionStateQuery, type OrderStage } from '../../domain/order/contract';
import { kittingStatus, type KitLine } from '../../domain/order/kitting';
import { applyProgress, type ProgressTally } from '../../domain/order/progress';
import { planCompensation, type ForwardStep } from '../../domain/order/cancellation';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { ORDER_WAIT_POLICIES as P } from '../../domain/order/waits';
import type { TaskCompletion } from '../../domain/tasks/task';
import { OrderSteps } from './human-steps';
import { childUpdateSignal } from './child-updates';
import { mailActs, orderActs } from './activities-proxy';

/** Input of the production child workflow. */
export interface ProductionWorkflowInput {
  orderId: string;
  quoteId: string;
  customerId: string;
  quantity: number;
}

/** What production hands back to the order. */
export interface ProductionResult {
  proofingRounds: number;
  progress: ProgressTally;
}

const DAY = 86_400_000;

const actorOf = (c: TaskCompletion) => ({ userId: c.completedBy.userId, role: c.completedBy.role });

/** The production child workflow. */
export async function productionWorkflow(input: ProductionWorkflowInput): Promise<ProductionResult> {
  // Recorded histories (before the patch) entered each stage before opening its task; now a stage is entered once
  // its task is open, so whoever reads it can act at once, and until kitting's the order keeps its earlier stage.
  const stageAfterTask = patched('order-production-stage-after-task');
  let stage: OrderStage | null = stageAfterTask ? null : 'kitting';
  let tally: ProgressTally = {};
  const done: ForwardStep[] = [];

  const report = () => {
    const parent = workflowInfo().parent;
    if (!parent) return;
    getExternalWorkflowHandle(parent.workflowId)
      .signal(childUpdateSignal, {
        source: workflowInfo().workflowId,
        ...(stage ? { stage } : {}),
        openTasks: steps.openTasks(),
        decisions: steps.decisions,
        progress: Object.entries(tally).map(([step, quantityDone]) => ({ step, quantityDone: quantityDone ?? 0 })),
      })
      // The order may already be closing (cancellation); its own state is then final.
      .catch(() => undefined);
  };
  const steps = new OrderSteps(input, {
    onChange: report,
    onDecision: (step, c) =>
      orderActs.orderRecordDecision({
        orderId: input.orderId,
        step,
        decision: c.decision,
        actor: actorOf(c),
        data: c.data,
      }),
  });
  setHandler(productionStateQuery, () => ({
    stage,
    openTasks: steps.openTasks(),
    decisions: steps.decisions,
    progress: Object.entries(tally).map(([step, quantityDone]) => ({ step, quantityDone: quantityDone ?? 0 })),
  }));
  /** Moves to a stage: the order's query (via the update) and its status column both follow. */
  const enterStage = async (next: OrderStage) => {
    stage = next;
    report();
    await orderActs.orderSetStage({ orderId: input.orderId, stage: next });
  };
  /** Runs a stage's waits; with the patch the stage is entered once every task named by `stepPrefixes` is open. */
  const inStage = async <T>(next: OrderStage, stepPrefixes: string | string[], waits: () => Promise<T>) => {
    if (!stageAfterTask) {
      await enterStage(next);
      return waits();
    }
    return steps.whenOpen(stepPrefixes, waits(), (settled) => (settled ? undefined : enterStage(next)));
  };

  try {
    await orderActs.orderStartProduction({ orderId: input.orderId, quantity: input.quantity });

    // Kitting: ask until every line is in stock or has arrived, waiting out the longest purchase lead time.
    if (!stageAfterTask) await enterStage('kitting');
    // The task carries the quoted BOM so the platform refuses a kit that does not cover it (422 naming the line).
    const { bom } = await orderActs.orderKitRequirements({ quoteId: input.quoteId, boards: input.quantity });
    let lines: KitLine[] = [];
    for (let round = 1; ; round++) {
      const kit = steps.ask({
        step: `kitting:${round}`,
        kind: K.kitting,
        title:
          round === 1
            ? 'Kit the material (in stock / purchase with lead time / consigned)'
            : `Confirm the outstanding material arrived (check ${round})`,
        role: 'production',
        policy: P.floorStep,
        payload: {
          ...(round === 1 ? {} : { outstanding: kittingStatus(lines).shortages }),
          ...(bom.length ? { bom, boards: input.quantity } : {}),
        },
      });
      const { completion } = await (stageAfterTask && round === 1
        ? steps.whenOpen('kitting:', kit, (settled) => (settled ? undefined : enterStage('kitting')))
        : kit);
      lines = (completion.data as { lines: KitLine[] }).lines;
      if (round === 1) {
        await orderActs.orderReserveMaterials({ orderId: input.orderId, lines });
        done.push('materials_reserved');
      }
      const status = kittingStatus(lines);
      if (status.ready) break;
      if (status.awaitingCustomer) {
        const consigned = status.shortages
          .filter((s) => s.reason === 'consigned')
          .map((s) => s.partNumber)
          .join(', ');
        await mailActs.mailRoles({
          idempotencyKey: `${workflowInfo().workflowId}:kitting:${round}:consigned`,
          customerId: input.customerId,
          roles: ['sales'],
          // The customer reads it too: English and Chinese.
          subject: 'Consigned material awaited / 等待客供物料',
          text: [
            `Order production waits for consigned material: ${consigned}.`,
            `订单生产正在等待客供物料：${consigned}。`,
          ].join('\n\n'),
        });
      }
      // Wait the longest purchase lead time (at least a day for consigned material) before checking again.
      await sleep(Math.max(1, status.waitDays) * DAY);
    }
    await orderActs.orderProductionStep({
      orderId: input.orderId,
      step: 'materials_ready_at',
      status: 'materials_ready',
      at: new Date().toISOString(),
    });

    // Stencil, program and reflow profile are prepared side by side.
    await inStage('preparation', ['stencil', 'program', 'reflow_profile'], () =>
      Promise.all([
        steps
          .ask({
            step: 'stencil',
            kind: K.stencil,
            title: 'Prepare the stencil (printed steel plate)',
            role: 'production',
            policy: P.floorStep,
          })
          .then(({ completion }) =>
            orderActs.orderProductionStep({
              orderId: input.orderId,
              step: 'stencil_ready_at',
              status: 'preparation',
              detail: completion.data,
              at: completion.completedAt,
            }),
          ),
        steps
          .ask({
            step: 'program',
            kind: K.program,
            title: 'Prepare the pick-and-place program',
            role: 'engineer',
            policy: P.floorStep,
          })
          .then(({ completion }) =>
            orderActs.orderProductionStep({
              orderId: input.orderId,
              step: 'program_ready_at',
              status: 'preparation',
              detail: completion.data,
              at: completion.completedAt,
            }),
          ),
        steps
          .ask({
            step: 'reflow_profile',
            kind: K.reflowProfile,
            title: 'Prepare the reflow profile on the furnace temperature board',
            role: 'engineer',
            policy: P.floorStep,
          })
          .then(({ completion }) =>
            orderActs.orderProductionStep({
              orderId: input.orderId,
              step: 'reflow_profile_ready_at',
              status: 'preparation',
              detail: completion.data,
              at: completion.completedAt,
            }),
          ),
      ]),
    );

    const slot = await inStage('line_slot', 'line_slot', () =>
      steps.ask({
        step: 'line_slot',
        kind: K.lineSlot,
        title: 'Book a line slot',
        role: 'production',
        policy: P.floorStep,
      }),
    );
    const { line, startsOn } = slot.completion.data as { line: string; startsOn: string };
    await orderActs.orderBookLineSlot({ orderId: input.orderId, slot: `${line} from ${startsOn}` });
    done.push('line_slot_booked');

    // Proofing: samples are rebuilt until the customer approves them.
    let proofingRounds = 0;
    await inStage('proofing', 'proofing:build:', async () => {
      for (;;) {
        proofingRounds++;
        await steps.ask({
          step: `proofing:build:${proofingRounds}`,
          kind: K.buildSamples,
          title: `Build proofing samples (round ${proofingRounds})`,
          role: 'production',
          policy: P.floorStep,
        });
        const verdict = await steps.ask({
          step: `proofing:approve:${proofingRounds}`,
          kind: K.sampleApproval,
          title: `Approve the proofing samples (round ${proofingRounds})`,
          role: 'customer',
          policy: P.sampleApproval,
        });
        if (verdict.completion.decision === 'approve') {
          await orderActs.orderProductionStep({
            orderId: input.orderId,
            step: 'samples_approved_at',
            status: 'samples_approved',
            detail: { round: proofingRounds },
            at: verdict.completion.completedAt,
          });
          break;
        }
      }
    });

    // Volume production: the floor reports cumulative quantities per step until assembly reaches the order quantity.
    await inStage('volume_production', 'progress:', async () => {
      for (let n = 1; ; n++) {
        const { completion } = await steps.ask({
          step: `progress:${n}`,
          kind: K.progress,
          title: `Report volume production progress (${tally.assembly ?? 0} of ${input.quantity} assembled)`,
          role: 'production',
          policy: P.volumeProduction,
          payload: { tally, quantity: input.quantity },
        });
        const reportData = completion.data as { step: string; quantityDone: number };
        const applied = applyProgress(tally, reportData, input.quantity);
        // A report that contradicts earlier ones is kept in the decisions (who sent it) but not counted.
        if (!applied.ok) continue;
        tally = applied.tally;
        await orderActs.orderRecordProgress({
          orderId: input.orderId,
          step: reportData.step,
          quantityDone: reportData.quantityDone,
          assembled: tally.assembly ?? 0,
          actor: actorOf(completion),
        });
        report();
        if (applied.complete) break;
      }
    });
    return { proofingRounds, progress: tally };
  } catch (error) {
    if (isCancellation(error)) {
      // Undo this workflow's forward steps, newest first, even though the scope is cancelled.
      await CancellationScope.nonCancellable(async () => {
        const compensated = planCompensation(done, 0).compensations;
        for (const compensation of compensated) {
          if (compensation === 'release_materials') await orderActs.orderReleaseMaterials({ orderId: input.orderId });
          if (compensation === 'release_line_slot') await orderActs.orderReleaseLineSlot({ orderId: input.orderId });
        }
        // Awaited: the order then has the list before it learns that this child was cancelled.
        const parent = workflowInfo().parent;
        if (parent) {
          await getExternalWorkflowHandle(parent.workflowId)
            .signal(childUpdateSignal, {
              source: workflowInfo().workflowId,
              ...(stage ? { stage } : {}),
              openTasks: [],
              decisions: steps.decisions,
              compensated,
            })
            .catch(() => undefined);
        }
      });
    }
    throw error;
  }
}
