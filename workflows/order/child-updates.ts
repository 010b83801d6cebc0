import { defineSignal } from '@temporalio/workflow';
import type { DecisionRecord, LotView, OpenTaskView, OrderStage } from '../../domain/order/contract';

/** What a child workflow (production, QC lot) tells its order after each change: a full snapshot. */
export interface ChildUpdate {
  source: string;
  stage?: OrderStage;
  openTasks: OpenTaskView[];
  decisions: DecisionRecord[];
  progress?: { step: string; quantityDone: number }[];
  lot?: LotView;
  /** Set once, after a cancelled child undid its own forward steps (newest first). */
  compensated?: string[];
}

/** Child → order workflow; internal to the order context. */
export const childUpdateSignal = defineSignal<[ChildUpdate]>('orderChildUpdate');
