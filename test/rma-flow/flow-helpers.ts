import type { RmaHarness } from './harness';
import type { Responsibility } from '../../domain/rma/responsibility';

/** Site visit form with the given responsibility. */
export function visitForm(responsibility: Responsibility = 'factory') {
  return {
    visitedOn: '2026-11-24',
    responsibility,
    evidence: 'photos and measurements on the dispatch form',
    customerSignatory: 'Li Wei',
    factorySignatory: 'Zhang San',
  };
}

/** Report, visit and the sales VP's acceptance, all on time. */
export async function throughAcceptance(
  h: RmaHarness,
  workflowId: string,
  options: { responsibility?: Responsibility; resolution?: 'repair' | 'exchange' | 'refund'; accept?: boolean } = {},
): Promise<void> {
  await h.complete(workflowId, 'quality-report', 'submitted', { defectQuantity: 1, symptoms: 'flicker' });
  await h.complete(workflowId, 'site-visit', 'confirmed', visitForm(options.responsibility));
  await confirmClaims(h, workflowId);
  await h.complete(
    workflowId,
    'return-acceptance',
    options.accept === false ? 'reject' : 'accept',
    options.resolution ? { resolution: options.resolution } : {},
  );
}

/** Staff confirm what the customer claimed (as claimed, unless `corrections` say otherwise). */
export async function confirmClaims(
  h: RmaHarness,
  workflowId: string,
  corrections: Partial<{ saleDate: string | null; productionDate: string | null; quantity: number }> = {},
): Promise<void> {
  const task = await h.task(workflowId, 'confirm-claims');
  const claimed = task.payload.claimed as { saleDate: string | null; productionDate: string | null; quantity: number };
  await h.complete(workflowId, 'confirm-claims', 'confirmed', {
    ...claimed,
    source: 'order and unit labels checked',
    ...corrections,
  });
}

/** Receipt and classification with the given good count and materials. */
export async function throughClassification(
  h: RmaHarness,
  workflowId: string,
  quantity: number,
  materials: { kind: string; inStock: boolean }[] = [{ kind: 'SMT', inStock: true }],
): Promise<void> {
  // An arrival is a fact, so not after the wall clock's now (the server's skipped clock runs ahead of it).
  await h.complete(workflowId, 'receive-units', 'received', {
    arrivedAt: new Date(Math.min((await h.now()).getTime(), Date.now())).toISOString(),
    quantity,
  });
  await h.complete(workflowId, 'classify', 'classified', { good: quantity, scrap: 0, materials, findings: 'analysed' });
  // A quantity other than the complaint's is a difference sales settles with the customer (seed 002, 5.3.1).
  const opened = await h.testDb.db
    .selectFrom('rma_cases')
    .select('quantity')
    .where('workflow_id', '=', workflowId)
    .executeTakeFirstOrThrow();
  if (opened.quantity !== quantity)
    await h.complete(workflowId, 'count-difference', 'settled', { note: 'agreed with the customer' });
}

/** Outbox rows (to, subject), oldest first. */
export async function mails(h: RmaHarness): Promise<{ to: string; subject: string }[]> {
  const rows = await h.testDb.db
    .selectFrom('outbox')
    .select(['to_address', 'subject'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ to: r.to_address, subject: r.subject }));
}

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Asserts two instants are within `toleranceMs` (workflow time runs a few ms behind the test's marks). */
export function expectNear(
  actual: Date | string | null | undefined,
  expected: Date | number,
  toleranceMs = 5_000,
): void {
  if (actual == null)
    throw new Error(`expected a time near ${new Date(expected).toISOString()}, got ${String(actual)}`);
  const delta = Math.abs(new Date(actual).getTime() - new Date(expected).getTime());
  if (delta > toleranceMs)
    throw new Error(
      `expected ${new Date(actual).toISOString()} within ${toleranceMs} ms of ${new Date(expected).toISOString()}`,
    );
}
