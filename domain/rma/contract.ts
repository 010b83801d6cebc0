/**
 * The RMA context's public contract: task queue, workflow ids, query, search attributes, stages and the
 * workflow's input and state. Services, workflows and tests import these same objects.
 */
import { defineQuery } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { WorkingCalendar } from './calendar';
import type { MaterialKind, MaterialRules } from './materials';
import type { Responsibility, RepairCharge } from './responsibility';
import type { AnalysisDepartment, RepairTeam } from './routing';

/** Task queue of RMA workflows (repair child workflows for the production line run on `production`). */
export const RMA_TASK_QUEUE = 'rma';
/** The context's task queue under the name every context's contract uses. */
export const TASK_QUEUE = RMA_TASK_QUEUE;
/** Task queue of the production-line repair child workflow. */
export const PRODUCTION_TASK_QUEUE = 'production';
/** Case type of RMA tasks in the platform's task table. */
export const RMA_CASE_TYPE = 'rma';

/** Workflow id of one RMA. */
export function rmaWorkflowId(rmaId: string): string {
  return `rma:${rmaId}`;
}
/** Workflow id of an RMA's production-line repair. */
export function rmaRepairWorkflowId(rmaId: string): string {
  return `rma:${rmaId}:production-repair`;
}

/** Search attributes every RMA workflow keeps current. */
export const RMA_SEARCH_ATTRIBUTES = {
  customerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD),
  rmaId: defineSearchAttributeKey('RmaId', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD),
};

/** Where an RMA stands (the `Stage` search attribute and the rma_cases.status projection). */
export type RmaStage =
  | 'registered'
  | 'site_visit'
  | 'acceptance'
  | 'receiving'
  | 'analysis'
  | 'quotation'
  | 'material'
  | 'disassembly'
  | 'repair'
  | 'inspection'
  | 'shipping'
  | 'exchange'
  | 'refund'
  | 'closing'
  | 'closed';

/** How an RMA ended. */
export type RmaOutcome =
  | 'repaired'
  | 'returned_unrepaired'
  | 'scrapped'
  | 'exchanged'
  | 'exchanged_invoiced'
  | 'refunded'
  | 'refund_rejected'
  | 'rejected';

/** What the customer asked for; the sales VP confirms it when accepting the return. */
export type RmaResolution = 'repair' | 'exchange' | 'refund';

/** Who started a step or decided something. */
export interface RmaActor {
  userId: string;
  email: string;
  role: string;
}

/** What starts an RMA workflow (the service fills the calendar and rules from configuration). */
export interface RmaWorkflowInput {
  rmaId: string;
  reference: string;
  customer: { id: string; name: string; address?: string | null; keyCustomer: boolean };
  complaint: {
    orderId?: string | null;
    lotNumber?: string | null;
    serials: string[];
    quantity: number;
    symptoms: string;
    photos: string[];
    requestedResolution: RmaResolution;
  };
  product: {
    model?: string | null;
    partNumber?: string | null;
    saleDate?: string | null;
    productionDate?: string | null;
    outsourced: boolean;
    keyProduct: boolean;
  };
  urgent: boolean;
  openedBy: RmaActor;
  calendar: WorkingCalendar;
  materialRules?: MaterialRules;
  /** Days to wait for a faulty unit after an exchange before it is invoiced. */
  exchangeReturnDays?: number;
}

/** A human wait still open. */
export interface RmaOpenTask {
  step: string;
  kind: string;
  role: string;
  title: string;
  dueAt: string | null;
  escalated: boolean;
}

/** A clock the RMA runs. */
export interface RmaDeadline {
  name: string;
  dueAt: string;
  /** When the step was done; absent while open. */
  metAt?: string;
  /** When the deadline passed with the step still open. */
  breachedAt?: string;
}

/** A recorded decision: who, when, what. */
export interface RmaDecision {
  step: string;
  decision: string;
  by: RmaActor;
  at: string;
  data: Record<string, unknown>;
}

/** Everything the `rmaState` query answers. */
export interface RmaState {
  rmaId: string;
  stage: RmaStage;
  /** The step the procedure is at (a task step or an automatic step). */
  step: string;
  openTasks: RmaOpenTask[];
  deadlines: RmaDeadline[];
  decisions: RmaDecision[];
  penalty: { days: number; totalFen: number; currency: 'CNY' };
  responsibility?: Responsibility;
  resolution?: RmaResolution;
  warranty?: { status: 'in_warranty' | 'out_of_warranty'; basis: string; coveredUntil?: string };
  charge?: RepairCharge;
  analysisDepartment?: AnalysisDepartment;
  repairTeam?: RepairTeam;
  materials?: {
    kind: MaterialKind;
    inStock: boolean;
    spareQuantity: number;
    expectedAt?: string;
    arrivedAt?: string;
  }[];
  repairDueAt?: string;
  tracking?: { carrier: string; trackingNumber: string };
  outcome?: RmaOutcome;
  /** What the customer claimed and what staff confirmed (money decisions use `confirmed`). */
  claims?: { claimed: RmaClaimedFacts; confirmed: RmaClaimedFacts; corrected: string[] };
  /** Why the exchange or refund asked for was not granted (the case went on as a repair). */
  resolutionRefused?: string;
}

/** Facts a customer states on a complaint, before and after staff confirm them. */
export interface RmaClaimedFacts {
  saleDate: string | null;
  productionDate: string | null;
  quantity: number;
}

/** Returns the RMA's current state. */
export const rmaStateQuery = defineQuery<RmaState>('rmaState');

/** Result of an RMA workflow. */
export interface RmaResult {
  outcome: RmaOutcome;
  penaltyFen: number;
}

/** Input of the production-line repair child workflow. */
export interface ProductionRepairInput {
  rmaId: string;
  reference: string;
  customerId: string;
  quantity: number;
  materials: { kind: MaterialKind; inStock: boolean }[];
  /** When the material request reached PMC (lead times run from it). */
  materialRequestedAt?: string;
  calendar: WorkingCalendar;
  materialRules?: MaterialRules;
}

/** Result of a repair (by either team). */
export interface RepairOutcome {
  repaired: number;
  scrapped: number;
  repairDueAt: string;
  decisions: RmaDecision[];
}

/** Status of an RMA shipment row: shipped, with its purpose (`ship-back`, `return-unrepaired`, `ship-replacement`). */
export type RmaShipmentStatus = `shipped:${string}`;
