// The customer-flow activities against PGlite and PostgreSQL: projections are idempotent and audited once.
import { openTestDb, TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { auditRepo, customersRepo, usersRepo } from '../../infra/db';
import { seedDemo } from '../../infra/db/seed';
import { createCustomerFlowActivities } from '.';

describe.each(TEST_DB_KINDS)('customer-flow activities on %s', (kind) => {
  let t: TestDb;
  let acts: ReturnType<typeof createCustomerFlowActivities>;
  let customerId: string;
  const sales = { userId: '', email: 'sales@demo.local', role: 'sales' };
  let managerId: string;

  beforeAll(async () => {
    t = await openTestDb(kind);
    await seedDemo(t.db);
    sales.userId = (await usersRepo.listActiveUsersByRole(t.db, ['sales']))[0].id;
    managerId = (await usersRepo.listActiveUsersByRole(t.db, ['manager']))[0].id;
    acts = createCustomerFlowActivities({ db: t.db });
    customerId = (await customersRepo.createCustomer(t.db, { code: 'ACME', name: 'Acme', currency: 'CNY' })).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('projects onboarding onto the customer record once', async () => {
    expect(
      await acts.projectOnboarding({ customerId, onboarding: 'audit_scheduled', auditRequired: true, actor: sales }),
    ).toEqual({ status: 'pending', changed: false });
    expect(
      await acts.projectOnboarding({ customerId, onboarding: 'corrective_actions', auditRequired: true, actor: sales }),
    ).toEqual({ status: 'approved', changed: true });
    expect(
      await acts.projectOnboarding({ customerId, onboarding: 'approved', auditRequired: true, actor: null }),
    ).toEqual({ status: 'approved', changed: false });
    const trail = (await auditRepo.listAudit(t.db, 'customer', customerId)).filter(
      (a) => a.action === 'customer.onboarding',
    );
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      before: { status: 'pending' },
      after: { status: 'approved', onboarding: 'corrective_actions' },
    });
  });

  it('records an audit and its corrective actions once per workflow', async () => {
    const input = {
      workflowId: `customer:${customerId}`,
      customerId,
      visitOn: '2026-12-01',
      result: 'conditional' as const,
      auditors: 'Ann',
      notes: null,
      recordedBy: sales.userId,
      correctiveActions: [
        { description: 'Label MSD storage', dueOn: '2026-12-10' },
        { description: 'Calibrate AOI', dueOn: '2026-12-20' },
      ],
    };
    const first = await acts.recordAudit(input);
    const again = await acts.recordAudit(input);
    expect(again).toEqual(first);
    expect(first.correctiveActionIds).toHaveLength(2);
    const audits = await customersRepo.listFactoryAudits(t.db, customerId);
    expect(audits).toHaveLength(1);
    const actions = await customersRepo.listCorrectiveActions(t.db, audits[0].id);
    expect(actions.map((a) => a.status)).toEqual(['open', 'open']);

    await acts.markCorrectiveActionOverdue({ correctiveActionId: first.correctiveActionIds[0] });
    await acts.closeCorrectiveAction({ correctiveActionId: first.correctiveActionIds[0], closedBy: sales.userId });
    await acts.closeCorrectiveAction({ correctiveActionId: first.correctiveActionIds[0], closedBy: sales.userId });
    await acts.markCorrectiveActionOverdue({ correctiveActionId: first.correctiveActionIds[0] }); // done stays done
    const after = await customersRepo.listCorrectiveActions(t.db, audits[0].id);
    expect(after.find((a) => a.id === first.correctiveActionIds[0])?.status).toBe('done');
  });

  it('applies payment terms, audited only when they change', async () => {
    const terms = { kind: 'monthly' as const, creditLimitFen: 900_000, approvedBy: managerId };
    const by = { userId: managerId, email: 'manager@demo.local', role: 'manager' };
    await acts.applyPaymentTerms({ customerId, requestId: 'r1', terms, decidedBy: by });
    await acts.applyPaymentTerms({ customerId, requestId: 'r1', terms, decidedBy: by });
    expect(await customersRepo.getCustomer(t.db, customerId)).toMatchObject({
      payment_terms: 'monthly',
      credit_limit_fen: 900_000,
    });
    expect(
      (await auditRepo.listAudit(t.db, 'customer', customerId)).filter((a) => a.action === 'customer.payment_terms'),
    ).toHaveLength(1);
  });

  it('mails the customer’s users and contacts once per address, however often it is retried', async () => {
    await customersRepo.addContact(t.db, {
      customer_id: customerId,
      name: 'Ann',
      email: 'ann@acme.test',
      phone: null,
      is_primary: true,
    });
    const mail = {
      idempotencyKey: `customer:${customerId}:record-audit-result:visit-moved`,
      customerId,
      subject: 'Your audit visit moves',
      text: 'moved',
      template: 'audit-visit-moved',
    };
    expect(await acts.mailCustomerContacts(mail)).toEqual({ recipients: ['ann@acme.test'] });
    await acts.mailCustomerContacts(mail);
    const queued = await t.db
      .selectFrom('outbox')
      .select('to_address')
      .where('idempotency_key', 'like', `${mail.idempotencyKey}:%`)
      .execute();
    expect(queued).toEqual([{ to_address: 'ann@acme.test' }]);
  });
});
