/**
 * Reconcile pass: each open case's row is set to what its workflow's state query says, where the two differ.
 *
 * A row can disagree with its workflow after a crash (the projection activity's attempt was lost and waits for its
 * retry) or when someone changed it behind the workflow's back. The workflow is the source of truth; the row is a
 * projection lists and gates read. It lives in infra/temporal beside the connections because it is a Temporal
 * client's job (state queries, which need a worker polling the case's queue) that both the launcher (after its
 * workers are up) and the `smt reconcile` command run; rows are read and written through
 * infra/db/repositories/projections.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import {
  CASE_TYPES,
  correctCaseStatus,
  listCaseProjections,
  type CaseProjection,
  type CaseType,
} from '../db/repositories/projections';
import { customerOnboardingStateQuery, type CustomerOnboardingState } from '../../domain/customer/contract';
import { customerRecordStatus } from '../../domain/customer/onboarding';
import { quoteStateQuery, type QuoteState } from '../../domain/quote/contract';
import { orderStateQuery, type OrderView } from '../../domain/order/contract';
import { rmaStateQuery, type RmaState } from '../../domain/rma/contract';

/** The task step each waiting quote stage promises; the row shows the stage only once that task exists. */
const QUOTE_WAITING_STEPS: Partial<Record<QuoteState['stage'], string>> = {
  engineering_review: 'engineering-review-r',
  awaiting_corrected_files: 'corrected-files-r',
  awaiting_customer: 'customer-decision-r',
};

/** The customers-table status the onboarding state projects to (the same rule the workflow's activity applies). */
export function customerStatusOf(state: CustomerOnboardingState): string {
  return customerRecordStatus({ onboarding: state.status, auditRequired: state.auditRequired });
}

/**
 * The quotes-table status of a quote's state, or undefined while a waiting stage's task is not open yet (the
 * workflow projects it then: a client that reads the stage must be able to act on it at once).
 */
export function quoteStatusOf(state: QuoteState): string | undefined {
  const step = QUOTE_WAITING_STEPS[state.stage];
  if (step && !state.openTasks.some((t) => t.step.startsWith(step) && t.taskId !== null)) return undefined;
  return state.stage;
}

export function orderStatusOf(state: OrderView): string {
  return state.stage;
}

/** The rma_cases status: the stage, or `closed:<outcome>` once the outcome is decided (the close writes it). */
export function rmaStatusOf(state: RmaState): string {
  return state.outcome ? `closed:${state.outcome}` : state.stage;
}

/** How the pass reads each case type's workflow. */
const READERS: Record<CaseType, (client: Client, workflowId: string) => Promise<string | undefined>> = {
  customer: async (c, id) => customerStatusOf(await c.workflow.getHandle(id).query(customerOnboardingStateQuery)),
  quote: async (c, id) => quoteStatusOf(await c.workflow.getHandle(id).query(quoteStateQuery)),
  order: async (c, id) => orderStatusOf(await c.workflow.getHandle(id).query(orderStateQuery)),
  rma: async (c, id) => rmaStatusOf(await c.workflow.getHandle(id).query(rmaStateQuery)),
};

/** A row the pass changed. */
export interface Correction {
  caseType: CaseType;
  id: string;
  workflowId: string;
  before: string;
  after: string;
}

/** A row the pass could not judge, and why (the workflow is gone, did not answer, or the row moved meanwhile). */
export interface ReconcileNote {
  caseType: CaseType;
  id: string;
  workflowId: string;
  note: 'workflow_not_found' | 'query_failed' | 'changed_meanwhile' | 'stage_not_projected_yet';
  detail?: string;
}

export interface ReconcileReport {
  checked: number;
  corrected: Correction[];
  notes: ReconcileNote[];
  ms: number;
}

export interface ReconcileOptions {
  db: Db;
  client: Client;
  logger: Logger;
  /** Every row with a workflow, not only the open ones. */
  all?: boolean;
  caseTypes?: readonly CaseType[];
  /** How long one state query may take (no worker polling the queue: the query waits). */
  queryTimeoutMs?: number;
  /** Queries in flight at once. */
  concurrency?: number;
}

/**
 * Runs the pass once. Idempotent: a second run over unchanged workflows corrects nothing. Never throws for one
 * case: a workflow that is gone or does not answer is noted and the rest go on.
 */
export async function reconcileProjections(options: ReconcileOptions): Promise<ReconcileReport> {
  const began = performance.now();
  const { db, client, logger } = options;
  const timeout = options.queryTimeoutMs ?? 10_000;
  const rows: CaseProjection[] = [];
  for (const caseType of options.caseTypes ?? CASE_TYPES)
    rows.push(...(await listCaseProjections(db, caseType, { all: options.all })));

  const report: ReconcileReport = { checked: rows.length, corrected: [], notes: [], ms: 0 };
  const note = (row: CaseProjection, kind: ReconcileNote['note'], detail?: string) => {
    report.notes.push({ caseType: row.caseType, id: row.id, workflowId: row.workflowId, note: kind, detail });
    logger.info({ caseType: row.caseType, id: row.id, workflowId: row.workflowId, note: kind, detail }, 'reconcile');
  };

  const one = async (row: CaseProjection) => {
    let expected: string | undefined;
    try {
      expected = await client.withDeadline(Date.now() + timeout, () => READERS[row.caseType](client, row.workflowId));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return note(row, 'workflow_not_found');
      return note(row, 'query_failed', error instanceof Error ? error.message : String(error));
    }
    if (expected === undefined) return note(row, 'stage_not_projected_yet');
    if (expected === row.status) return;
    const why = 'the row disagreed with its workflow';
    if (!(await correctCaseStatus(db, row, expected, why))) return note(row, 'changed_meanwhile');
    report.corrected.push({
      caseType: row.caseType,
      id: row.id,
      workflowId: row.workflowId,
      before: row.status,
      after: expected,
    });
    logger.warn(
      { caseType: row.caseType, id: row.id, workflowId: row.workflowId, before: row.status, after: expected },
      'reconcile: case row corrected from its workflow',
    );
  };

  let next = 0;
  const lanes = Array.from({ length: Math.min(options.concurrency ?? 8, rows.length) }, async () => {
    while (next < rows.length) await one(rows[next++]);
  });
  await Promise.all(lanes);
  report.ms = Math.round(performance.now() - began);
  logger.info(
    { checked: report.checked, corrected: report.corrected.length, notes: report.notes.length, ms: report.ms },
    'reconcile pass done',
  );
  return report;
}
