import { MockActivityEnvironment, defaultActivityInfo } from '@temporalio/testing';
import { openTestDb, TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { createCustomer } from '../../infra/db/repositories/customers';
import { createUser, type User } from '../../infra/db/repositories/users';
import { listMaterialRequests, listPenalties, listRmaUnits } from '../../infra/db/repositories/rma';
import { createRmaActivities } from './index';

// Activities are retried after crashes and replays: each must leave the same rows when run twice.
describe.each(TEST_DB_KINDS)('RMA activities on %s', (kind) => {
  let t: TestDb;
  let acts: ReturnType<typeof createRmaActivities>;
  let rmaId: string;
  let customerId: string;
  let qa: User;
  const workflowId = 'rma:activity-test';
  const env = new MockActivityEnvironment({
    workflowExecution: { workflowId, runId: 'run-1' },
    activityType: 'x',
    taskQueue: 'rma',
  } as Partial<typeof defaultActivityInfo>);
  const run = <T>(fn: () => Promise<T>) => env.run(fn);

  beforeAll(async () => {
    t = await openTestDb(kind);
    acts = createRmaActivities({ db: t.db });
    const customer = await createCustomer(t.db, {
      code: 'C1',
      name: 'Acme Optics',
      currency: 'CNY',
      address: '1 Lens Road',
    });
    customerId = customer.id;
    qa = await createUser(t.db, { email: 'qa@x.test', displayName: 'qa', passwordHash: 'x', role: 'qa' });
    await createUser(t.db, { email: 'manager@x.test', displayName: 'm', passwordHash: 'x', role: 'manager' });
    await createUser(t.db, { email: 'pmc@x.test', displayName: 'p', passwordHash: 'x', role: 'production' });
    const row = await t.db
      .insertInto('rma_cases')
      .values({
        reference: 'RMA-T-1',
        customer_id: customer.id,
        status: 'registered',
        complaint: 'flicker',
        quantity: 3,
        workflow_id: workflowId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    rmaId = row.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const actor = () => ({ userId: qa.id, email: qa.email, role: 'qa' });

  it('adds one 50 CNY entry per day late, and emails the managers once per day', async () => {
    const day = (n: number) =>
      run(() =>
        acts.recordReportPenalty({
          rmaId,
          reference: 'RMA-T-1',
          day: n,
          dueAt: '2026-11-24T02:00:00.000Z',
          responsibleParty: 'sales',
        }),
      );
    expect(await day(1)).toEqual({ days: 1, totalFen: 5_000 });
    expect(await day(1)).toEqual({ days: 1, totalFen: 5_000 });
    expect(await day(2)).toEqual({ days: 2, totalFen: 10_000 });
    const entries = await listPenalties(t.db, { rmaCaseId: rmaId });
    expect(entries.map((e) => e.idempotency_key)).toEqual([
      `${workflowId}:report-penalty:day-1`,
      `${workflowId}:report-penalty:day-2`,
    ]);
    const mails = await t.db
      .selectFrom('outbox')
      .select(['to_address', 'subject'])
      .where('subject', 'like', 'RMA RMA-T-1: quality report%')
      .execute();
    expect(mails.map((m) => m.to_address)).toEqual(['manager@x.test', 'manager@x.test']);
  });

  it('projects the stage once and audits only a change; a missing case is retried, not failed', async () => {
    await run(() => acts.projectStage({ rmaId, stage: 'site_visit' }));
    await run(() => acts.projectStage({ rmaId, stage: 'site_visit' }));
    const audits = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', rmaId)
      .where('action', '=', 'rma.stage')
      .execute();
    expect(audits).toHaveLength(1);
    await expect(
      run(() => acts.projectStage({ rmaId: '00000000-0000-4000-8000-000000000000', stage: 'site_visit' })),
    ).rejects.toThrow('not found (yet)');
  });

  it('stocks in units once, with their labels, and classifies them', async () => {
    const input = {
      rmaId,
      quantity: 3,
      receivedAt: '2026-11-24T03:00:00.000Z',
      units: [
        { serial: 'S1', partNumber: 'PN-1', model: 'M1' },
        { serial: 'S2', partNumber: 'PN-1', model: 'M1' },
        { serial: 'S3', partNumber: 'PN-1', model: 'M1' },
      ],
      label: { partNumber: 'PN-1', model: 'M1', customerName: 'Acme Optics', customerAddress: '1 Lens Road' },
    };
    expect(await run(() => acts.receiveUnits(input))).toEqual({ units: 3 });
    expect(await run(() => acts.receiveUnits(input))).toEqual({ units: 3 });
    await run(() =>
      acts.classifyUnits({
        rmaId,
        good: 2,
        units: [{ serial: 'S2', classification: 'scrap' }],
        warranty: 'in_warranty',
      }),
    );
    const units = await listRmaUnits(t.db, rmaId);
    expect(units.map((u) => [u.serial, u.classification, u.warranty])).toEqual([
      ['S1', 'good', 'in_warranty'],
      ['S2', 'scrap', 'in_warranty'],
      ['S3', 'good', 'in_warranty'],
    ]);
    expect(units[0].label).toEqual({
      partNumber: 'PN-1',
      model: 'M1',
      customer: 'Acme Optics',
      address: '1 Lens Road',
    });
  });

  it('requests each material once (stock counts as arrived) and emails PMC once', async () => {
    const requests = [
      { kind: 'SMT' as const, repairQuantity: 3, spareQuantity: 20, inStock: true },
      { kind: 'FPC' as const, repairQuantity: 3, spareQuantity: 20, inStock: false },
    ];
    await run(() => acts.requestMaterials({ rmaId, reference: 'RMA-T-1', requests }));
    await run(() => acts.requestMaterials({ rmaId, reference: 'RMA-T-1', requests }));
    await run(() => acts.materialArrived({ rmaId, kind: 'FPC', arrivedAt: '2026-12-01T02:00:00.000Z' }));
    const rows = await listMaterialRequests(t.db, rmaId);
    expect(rows.map((r) => [r.material_kind, r.spare_quantity, r.status])).toEqual([
      ['SMT', 20, 'arrived'],
      ['FPC', 20, 'arrived'],
    ]);
    const mails = await t.db
      .selectFrom('outbox')
      .select('to_address')
      .where('subject', '=', 'RMA RMA-T-1: spare-material request')
      .execute();
    expect(mails).toEqual([{ to_address: 'pmc@x.test' }]);
  });

  it('records the dispatch form, a shipment, an invoice and a repair once each; a shared fault keeps "shared" on the form', async () => {
    const form = {
      rmaId,
      responsibility: 'shared' as const,
      form: { evidence: 'both' },
      customerSignatory: 'Li',
      factorySignatory: 'Zhang',
      by: actor(),
    };
    await run(() => acts.recordResponsibility(form));
    await run(() => acts.recordResponsibility(form));
    const decisions = await t.db
      .selectFrom('rma_responsibility_decisions')
      .selectAll()
      .where('rma_case_id', '=', rmaId)
      .execute();
    expect(decisions.map((d) => [d.responsible, d.dispatch_form.responsibility, d.signed_by_customer])).toEqual([
      ['shared', 'shared', 'Li'],
    ]);

    const ship = { rmaId, purpose: 'ship-back', carrier: 'SF', trackingNumber: 'SF1', by: actor() };
    await run(() => acts.recordShipment(ship));
    await run(() => acts.recordShipment(ship));
    expect(
      await t.db.selectFrom('shipments').select('tracking_number').where('rma_case_id', '=', rmaId).execute(),
    ).toEqual([{ tracking_number: 'SF1' }]);

    const invoice = { rmaId, reference: 'RMA-T-1', customerId, purpose: 'repair' as const, amountFen: 12_300 };
    expect(await run(() => acts.raiseInvoice(invoice))).toEqual({ number: 'RMA-T-1-R' });
    await run(() => acts.raiseInvoice(invoice));
    expect(
      await t.db.selectFrom('invoices').select(['number', 'amount_fen']).where('rma_case_id', '=', rmaId).execute(),
    ).toEqual([{ number: 'RMA-T-1-R', amount_fen: 12_300 }]);

    const repair = { rmaId, step: 'repair', team: 'after_sales' as const, repaired: 3, scrapped: 0, by: actor() };
    await run(() => acts.recordRepair(repair));
    await run(() => acts.recordRepair(repair));
    expect(
      await t.db.selectFrom('rma_repair_records').select('action').where('rma_case_id', '=', rmaId).execute(),
    ).toEqual([{ action: 'repair: repaired 3, scrapped 0' }]);
  });

  it('closes the case with its outcome, root cause and corrective action', async () => {
    await run(() =>
      acts.closeCase({
        rmaId,
        outcome: 'repaired',
        rootCause: 'cold joint',
        correctiveAction: 'profile fixed',
        by: actor(),
      }),
    );
    await run(() =>
      acts.closeCase({
        rmaId,
        outcome: 'repaired',
        rootCause: 'cold joint',
        correctiveAction: 'profile fixed',
        by: actor(),
      }),
    );
    const row = await t.db.selectFrom('rma_cases').select('status').where('id', '=', rmaId).executeTakeFirstOrThrow();
    expect(row.status).toBe('closed:repaired');
    const audits = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', rmaId)
      .where('action', '=', 'rma.close')
      .execute();
    expect(audits.map((a) => a.after)).toEqual([
      { status: 'closed:repaired', rootCause: 'cold joint', correctiveAction: 'profile fixed' },
    ]);
  });
});
