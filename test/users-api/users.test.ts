import { randomUUID } from 'node:crypto';
import { TEST_DB_KINDS, type TestDb } from '../../infra/db/testing';
import { listAudit } from '../../infra/db/repositories/audit';
import { startTestPlatform, type TestPlatform } from '../platform/helpers';

describe.each(TEST_DB_KINDS)('users and roles API (services/users, %s)', (kind) => {
  let running: TestPlatform;
  let t: TestDb;
  let api: TestPlatform['api'];
  let demoCustomerId: string;
  let admin: string;

  const patch = (path: string, body: unknown, token?: string) => api.call('PATCH', path, { body, token });

  beforeAll(async () => {
    running = await startTestPlatform({
      dbKind: kind,
      dataDirPrefix: 'smt-users-',
      services: ['auth', 'users'],
      workers: [],
      taskKinds: [],
      mailSender: false,
      logins: ['admin@demo.local'],
    });
    ({ t, api } = running);
    admin = running.tokens.admin;
    const buyer = await t.db
      .selectFrom('users')
      .select('customer_id')
      .where('email', '=', 'buyer@demo.local')
      .executeTakeFirstOrThrow();
    demoCustomerId = buyer.customer_id!;
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('lists every user to admins and managers, without password hashes', async () => {
    for (const token of [admin, await api.login('manager@demo.local')]) {
      const r = await api.get('/api/users', token);
      expect(r.status).toBe(200);
      const buyer = r.body.users.find((u: { email: string }) => u.email === 'buyer@demo.local');
      expect(buyer).toMatchObject({
        role: 'customer',
        customerId: demoCustomerId,
        displayName: 'Demo buyer',
        active: true,
      });
      expect(r.body.users.map((u: { email: string }) => u.email)).toContain('engineer@demo.local');
      expect(JSON.stringify(r.body)).not.toMatch(/argon2|passwordHash|password_hash/);
    }
  });

  it('creates a user who can then sign in, and audits who created it', async () => {
    const email = `New.Engineer-${randomUUID().slice(0, 8)}@example.com`;
    const r = await api.post(
      '/api/users',
      { email, displayName: 'New Engineer', role: 'engineer', password: 'correct horse' },
      admin,
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      email: email.toLowerCase(),
      displayName: 'New Engineer',
      role: 'engineer',
      customerId: null,
      active: true,
    });
    const token = await api.login(email, 'correct horse');
    const me = await api.get('/api/auth/me', token);
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.body)).toContain(email.toLowerCase());

    const audit = await listAudit(t.db, 'user', r.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'user.create',
      actor_role: 'admin',
      after: { role: 'engineer', email: email.toLowerCase() },
    });

    const again = await api.post(
      '/api/users',
      { email: email.toUpperCase(), displayName: 'Twin', role: 'qa', password: 'another pass' },
      admin,
    );
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
  });

  it('creates a customer user only with an existing customer, and staff only without one', async () => {
    const base = { displayName: 'Buyer Two', password: 'long enough' };
    const ok = await api.post(
      '/api/users',
      { ...base, email: `buyer-${randomUUID()}@example.com`, role: 'customer', customerId: demoCustomerId },
      admin,
    );
    expect(ok.status).toBe(201);
    expect(ok.body.customerId).toBe(demoCustomerId);

    const missing = await api.post(
      '/api/users',
      { ...base, email: `b-${randomUUID()}@example.com`, role: 'customer' },
      admin,
    );
    expect(missing).toMatchObject({ status: 400, body: { error: { field: 'customerId' } } });
    const unknown = await api.post(
      '/api/users',
      { ...base, email: `b-${randomUUID()}@example.com`, role: 'customer', customerId: randomUUID() },
      admin,
    );
    expect(unknown).toMatchObject({ status: 400, body: { error: { field: 'customerId' } } });
    const staff = await api.post(
      '/api/users',
      { ...base, email: `s-${randomUUID()}@example.com`, role: 'qa', customerId: demoCustomerId },
      admin,
    );
    expect(staff).toMatchObject({ status: 400, body: { error: { field: 'customerId' } } });
  });

  it('answers 400 naming the field for bad input', async () => {
    const good = { email: `v-${randomUUID()}@example.com`, displayName: 'Val', role: 'qa', password: 'long enough' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, password: 'short' }, 'password'],
      [{ ...good, email: 'not-an-email' }, 'email'],
      [{ ...good, role: 'wizard' }, 'role'],
      [{ ...good, displayName: '  ' }, 'displayName'],
    ];
    for (const [body, field] of cases) {
      const r = await api.post('/api/users', body, admin);
      expect(r).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', field } } });
    }
    const badId = await patch('/api/users/not-a-uuid', { role: 'qa' }, admin);
    expect(badId).toMatchObject({ status: 400, body: { error: { field: 'id' } } });
  });

  it('refuses anonymous callers (401) and other roles (403)', async () => {
    expect((await api.get('/api/users')).status).toBe(401);
    expect((await api.post('/api/users', {})).status).toBe(401);
    const engineer = await api.login('engineer@demo.local');
    const manager = await api.login('manager@demo.local');
    expect((await api.get('/api/users', engineer)).status).toBe(403);
    expect((await api.get('/api/users', await api.login('buyer@demo.local'))).status).toBe(403);
    const body = { email: `m-${randomUUID()}@example.com`, displayName: 'M', role: 'qa', password: 'long enough' };
    expect((await api.post('/api/users', body, manager)).status).toBe(403);
    const users = (await api.get('/api/users', admin)).body.users as { id: string; email: string }[];
    const qa = users.find((u) => u.email === 'qa@demo.local')!;
    expect((await patch(`/api/users/${qa.id}`, { role: 'admin' }, manager)).status).toBe(403);
    expect((await patch(`/api/users/${qa.id}`, { role: 'admin' })).status).toBe(401);
  });

  it('changes role and display name, audits before and after, and keeps the customer link consistent', async () => {
    const created = await api.post(
      '/api/users',
      { email: `c-${randomUUID()}@example.com`, displayName: 'Changer', role: 'sales', password: 'long enough' },
      admin,
    );
    const id = created.body.id as string;
    const r = await patch(`/api/users/${id}`, { role: 'sales_manager', displayName: 'Changed' }, admin);
    expect(r).toMatchObject({ status: 200, body: { role: 'sales_manager', displayName: 'Changed', customerId: null } });
    const audit = await listAudit(t.db, 'user', id);
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.change']);
    expect(audit[1]).toMatchObject({
      actor_role: 'admin',
      before: { role: 'sales', displayName: 'Changer' },
      after: { role: 'sales_manager', displayName: 'Changed' },
    });

    const noCustomer = await patch(`/api/users/${id}`, { role: 'customer' }, admin);
    expect(noCustomer).toMatchObject({ status: 400, body: { error: { field: 'customerId' } } });
    const toCustomer = await patch(`/api/users/${id}`, { role: 'customer', customerId: demoCustomerId }, admin);
    expect(toCustomer).toMatchObject({ status: 200, body: { role: 'customer', customerId: demoCustomerId } });
    const backToStaff = await patch(`/api/users/${id}`, { role: 'qa' }, admin);
    expect(backToStaff).toMatchObject({ status: 200, body: { role: 'qa', customerId: null } });

    expect((await patch(`/api/users/${id}`, {}, admin)).status).toBe(400);
    expect((await patch(`/api/users/${randomUUID()}`, { role: 'qa' }, admin)).status).toBe(404);
  });

  it('refuses to let an admin remove their own admin role (422), but lets them rename themselves', async () => {
    const myId = (await api.get('/api/auth/me', admin)).body.id as string;
    const demote = await patch(`/api/users/${myId}`, { role: 'manager' }, admin);
    expect(demote).toMatchObject({ status: 422, body: { error: { code: 'business_rule', field: 'role' } } });
    const users = (await api.get('/api/users', admin)).body.users as { id: string; role: string }[];
    expect(users.find((u) => u.id === myId)?.role).toBe('admin');
    const rename = await patch(`/api/users/${myId}`, { displayName: 'Demo admin (renamed)' }, admin);
    expect(rename).toMatchObject({ status: 200, body: { role: 'admin', displayName: 'Demo admin (renamed)' } });
  });
});
