// Moving an audit visit and redoing a failed audit through the customer API, with the real quote-queue workers on
// the embedded Temporal server (PGlite and PostgreSQL). A file of its own: it moves the server's clock 30 days on,
// which would age every other test's workflows.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { usingEmbeddedServer } from '../../infra/temporal/test-env';
import { TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { tasksRepo } from '../../infra/db';
import { startTestPlatform, type TestPlatform } from '../platform/helpers';
import { eventually } from './workflow-harness';
import { daysFromToday } from '../dates';

describe.each(TEST_DB_KINDS)('audit visit moves and re-audits on %s', (kind) => {
  let running: TestPlatform;
  let env: TestWorkflowEnvironment;
  let t: TestDb;
  let tokens: Record<string, string> = {};
  const call = (method: string, path: string, token: string, body?: unknown) =>
    running.api.call(method, path, { token, body });

  beforeAll(async () => {
    running = await startTestPlatform({
      dbKind: kind,
      dataDirPrefix: 'smt-reaudit-',
      services: ['auth', 'tasks', 'customer'],
      workers: ['quote'],
      logins: ['buyer', 'sales', 'sales_manager', 'engineer'].map((who) => `${who}@demo.local`),
    });
    ({ env, t, tokens } = running);
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('moves an audit visit (the customer is mailed the new date); a failed audit is redone after 30 days on the sales manager’s word', async () => {
    const contact = `ann-${kind}@acme-reaudit.test`;
    const registered = await call('POST', '/api/customers', tokens.sales, {
      code: `RA-${kind.toUpperCase()}`,
      name: 'Reaudit Ltd',
      auditRequired: true,
      contact: { name: 'Ann', email: contact },
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    const workflowId = `customer:${id}`;
    const move = (token: string, body: unknown) =>
      call('POST', `/api/customers/${id}/audit/visit/reschedule`, token, body);
    const reason = 'their QA lead is travelling';
    // Nothing to move before a visit is agreed.
    expect((await move(tokens.sales, { visitOn: daysFromToday(5), reason })).status).toBe(409);

    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'schedule-audit')).toMatchObject({ status: 'open' }),
    );
    const planned = daysFromToday(2);
    expect((await call('POST', `/api/customers/${id}/audit/visit`, tokens.sales, { visitOn: planned })).status).toBe(
      200,
    );
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'record-audit-result')).toMatchObject({ status: 'open' }),
    );

    // Refused moves change nothing: bad dates name the field, other roles and other customers are turned away.
    const moved = daysFromToday(6);
    for (const [body, field] of [
      [{ visitOn: daysFromToday(-1), reason }, 'visitOn'],
      [{ visitOn: '2026-02-30', reason }, 'visitOn'],
      [{ visitOn: 'soon', reason }, 'visitOn'],
      [{ visitOn: moved }, 'reason'],
    ] as const) {
      const r = await move(tokens.sales, body);
      expect([r.status, r.body.error.field]).toEqual([400, field]);
    }
    expect((await move(tokens.engineer, { visitOn: moved, reason })).status).toBe(403);
    expect((await move(tokens.buyer, { visitOn: moved, reason })).status).toBe(403);
    expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'record-audit-result')).toMatchObject({ status: 'open' });

    const ok = await move(tokens.sales_manager, { visitOn: moved, reason });
    expect(ok).toMatchObject({ status: 200, body: { visitOn: moved, decision: 'reschedule' } });
    await eventually(async () => {
      const r = await call('GET', `/api/customers/${id}`, tokens.sales);
      expect(r.body.onboarding).toMatchObject({ status: 'audit_scheduled', visitOn: moved });
      expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'record-audit-result-2')).toMatchObject({
        status: 'open',
      });
    });
    const mail = await eventually(async () => {
      const rows = await t.db.selectFrom('outbox').selectAll().where('to_address', '=', contact).execute();
      expect(rows).toHaveLength(1);
      return rows[0];
    });
    expect(mail.subject).toContain(moved);
    expect(mail.text_body).toContain(planned);
    expect(mail.text_body).toContain(reason);

    // The visit fails; a re-audit is refused before 30 days, naming the first day it may be asked for.
    expect((await call('POST', `/api/customers/${id}/audit/result`, tokens.sales, { result: 'fail' })).status).toBe(
      200,
    );
    const failed = await eventually(async () => {
      const r = await call('GET', `/api/customers/${id}`, tokens.sales);
      expect(r.body.status).toBe('rejected');
      expect(r.body.onboarding.reauditFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      return r.body;
    });
    const reaudit = (token: string, body: unknown) => call('POST', `/api/customers/${id}/audit/reaudit`, token, body);
    expect((await reaudit(tokens.sales, { reason: 'fixed' })).status).toBe(403);
    const early = await reaudit(tokens.sales_manager, { reason: 'fixed' });
    expect(early.status).toBe(422);
    expect(early.body.error.message).toContain(failed.onboarding.reauditFrom);
    if (!usingEmbeddedServer()) return; // a real server's clock cannot be moved on

    await env.sleep('30d');
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'request-reaudit')).toMatchObject({
        status: 'open',
        role: 'sales_manager',
      }),
    );
    expect((await reaudit(tokens.sales_manager, {})).body.error.field).toBe('reason');
    expect((await reaudit(tokens.sales_manager, { reason: 'ESD floor installed' })).status).toBe(200);
    await eventually(async () => {
      const r = await call('GET', `/api/customers/${id}`, tokens.sales);
      expect(r.body.status).toBe('pending');
      expect(r.body.onboarding).toMatchObject({ status: 'registered', auditRound: 2 });
      expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'schedule-audit-2')).toMatchObject({ status: 'open' });
    });
    expect((await reaudit(tokens.sales_manager, { reason: 'again' })).status).toBe(409);
    // The endpoints follow the new round's numbered steps.
    expect(
      (await call('POST', `/api/customers/${id}/audit/visit`, tokens.sales, { visitOn: daysFromToday(3) })).status,
    ).toBe(200);
    await eventually(async () =>
      expect(await tasksRepo.findTaskByStep(t.db, workflowId, 'record-audit-result-3')).toMatchObject({
        status: 'open',
      }),
    );
  });
});
