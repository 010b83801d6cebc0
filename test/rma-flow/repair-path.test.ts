import { createRmaHarness, eventually, type RmaHarness } from './harness';
import { confirmClaims } from './flow-helpers';
import { listMaterialRequests, listRepairs, listRmaUnits, getRmaCase } from '../../infra/db/repositories/rma';
import { listTasks } from '../../infra/db/repositories/tasks';
import { Worker } from '@temporalio/worker';
import { RMA_SEARCH_ATTRIBUTES } from '../../domain/rma/contract';
import { daysFromToday } from '../dates';

let h: RmaHarness;
beforeAll(async () => {
  h = await createRmaHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const visit = {
  visitedOn: '2026-11-24',
  responsibility: 'factory',
  evidence: 'cold solder joints on U3',
  customerSignatory: 'Li Wei',
  factorySignatory: 'Zhang San',
};
const report = { defectQuantity: 150, symptoms: 'flicker' };

describe('RMA repair path (after-sales team, ≤ 200 pcs)', () => {
  it('runs from complaint to closed: free repair in warranty, spare +40 on 150 pcs, shipped back with tracking', async () => {
    const { rmaId, workflowId } = await h.open({ quantity: 150 });
    await h.complete(workflowId, 'quality-report', 'submitted', report);
    await h.complete(workflowId, 'site-visit', 'confirmed', visit);
    await confirmClaims(h, workflowId);
    await h.complete(workflowId, 'return-acceptance', 'accept', { resolution: 'repair' });
    const now = await h.now();
    await h.complete(workflowId, 'receive-units', 'received', {
      arrivedAt: new Date(Math.min(now.getTime(), Date.now())).toISOString(),
      quantity: 150,
    });
    await h.complete(workflowId, 'classify', 'classified', {
      good: 150,
      scrap: 0,
      materials: [{ kind: 'SMT', inStock: true }],
      findings: 'U3 joints',
    });

    const state = await eventually(async () => {
      const s = await h.state(workflowId);
      if (s.step !== 'disassembly') throw new Error(`at ${s.step}`);
      return s;
    });
    expect(state.warranty).toMatchObject({ status: 'in_warranty', basis: 'sale_date' });
    expect(state.charge).toBe('free');
    expect(state.repairTeam).toBe('after_sales');
    expect(state.analysisDepartment).toBe('technical');
    expect(state.materials).toEqual([{ kind: 'SMT', inStock: true, spareQuantity: 40 }]);
    const requests = await listMaterialRequests(h.testDb.db, rmaId);
    expect(requests.map((r) => [r.material_kind, r.repair_quantity, r.spare_quantity])).toEqual([['SMT', 150, 40]]);
    // Units stocked in with their label.
    const units = await listRmaUnits(h.testDb.db, rmaId);
    expect(units).toHaveLength(150);
    expect(units[0].label).toMatchObject({ partNumber: 'PN-7001', model: 'CAM-7', customer: 'Acme Optics' });
    expect(units.every((u) => u.classification === 'good' && u.warranty === 'in_warranty')).toBe(true);

    // The after-sales team (qa role) disassembles and repairs.
    const disassembly = await h.task(workflowId, 'disassembly');
    expect(disassembly.role).toBe('qa');
    await h.complete(workflowId, 'disassembly', 'done', { reclaimedParts: 12, ngParts: 3 });
    await h.complete(workflowId, 'ipqc', 'pass', {});
    await h.complete(workflowId, 'repair-date', 'promised', { promisedOn: daysFromToday(2) });
    await h.complete(workflowId, 'repair', 'repaired', { repaired: 150, scrapped: 0 });
    await h.complete(workflowId, 'qa-confirmation', 'pass', {});
    await h.complete(workflowId, 'outgoing-inspection', 'pass', {});
    await h.complete(workflowId, 'pack', 'done', {});
    await h.complete(workflowId, 'ship-back', 'shipped', { carrier: 'SF Express', trackingNumber: 'SF123456789' });
    await h.complete(workflowId, 'close-report', 'closed', {
      rootCause: 'reflow profile too cold',
      correctiveAction: 'profile re-qualified',
    });

    const result = await h.env.client.workflow.getHandle(workflowId).result();
    expect(result).toEqual({ outcome: 'repaired', penaltyFen: 0 });
    expect((await getRmaCase(h.testDb.db, rmaId))?.status).toBe('closed:repaired');
    const repairs = await listRepairs(h.testDb.db, rmaId);
    expect(repairs.map((r) => [r.team, r.result])).toEqual([['after_sales', 'repaired']]);
    const shipments = await h.testDb.db.selectFrom('shipments').selectAll().where('rma_case_id', '=', rmaId).execute();
    expect(shipments.map((s) => s.tracking_number)).toEqual(['SF123456789']);
    expect(await listTasks(h.testDb.db, { caseId: rmaId, status: 'open' })).toEqual([]);
    const finalState = await h.state(workflowId);
    expect(finalState.decisions.map((d) => d.step)).toContain('return-acceptance');
    expect(finalState.decisions.find((d) => d.step === 'return-acceptance')?.by.role).toBe('sales_manager');
    expect(finalState.tracking).toEqual({ carrier: 'SF Express', trackingNumber: 'SF123456789' });

    // Search attributes let staff find it by customer, id and stage.
    const handle = h.env.client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(RMA_SEARCH_ATTRIBUTES.customerId)).toBe(h.customerId);
    expect(description.typedSearchAttributes.get(RMA_SEARCH_ATTRIBUTES.rmaId)).toBe(rmaId);
    expect(description.typedSearchAttributes.get(RMA_SEARCH_ATTRIBUTES.stage)).toBe('closed');
    // Deterministic: the recorded history replays against the same workflow code without a mismatch.
    await Worker.runReplayHistory({ workflowBundle: h.workflowBundle }, await handle.fetchHistory(), workflowId);
  });
});
