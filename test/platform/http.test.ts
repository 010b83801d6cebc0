import pino from 'pino';
import { Router } from 'express';
import { z } from 'zod';
import { type TestDb } from '../../infra/db/testing';
import { tasksRepo } from '../../infra/db';
import { SESSION_RECHECK_MS, SESSION_TOUCH_MS, createAuthService } from '../../infra/auth/sessions';
import { revokeSession } from '../../infra/db/repositories/users';
import { requireRole } from '../../infra/auth/middleware';
import { BusinessRuleError, ConflictError } from '../../infra/http/errors';
import { calendarDate, multilineText, validate } from '../../infra/http/validate';
import { receiveMultipart } from '../../infra/http/uploads';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { type RunningPlatform } from '../../infra/launcher/platform';
import { apiClient, startTestPlatform, type TestPlatform } from './helpers';

const logger = pino({ level: 'silent' });

/** Routes that fail on purpose, to check the one error middleware. */
function failingRouter(deps: ServiceDeps): Router {
  const router = Router();
  router.get('/test/boom', () => {
    throw new Error('connection string postgres://secret');
  });
  router.get('/test/rule', () => {
    throw new BusinessRuleError('credit limit exceeded', 'amount');
  });
  router.get('/test/conflict', () => {
    throw new ConflictError('already started');
  });
  router.get('/test/finance-only', requireRole('finance'), (_req, res) => {
    res.json({ ok: true });
  });
  router.post(
    '/test/dated',
    validate({ body: z.object({ on: calendarDate(), note: multilineText({ max: 100 }).optional() }) }),
    (req, res) => {
      res.json(req.body);
    },
  );
  // Free-form JSON with no schema: only the platform's NUL check stands between it and a jsonb column.
  router.post('/test/free-form', (_req, res) => {
    res.json({ accepted: true });
  });
  const receive = receiveMultipart(deps.uploads, {
    fileFields: { file: 1 },
    maxFileBytes: 1000,
    maxFields: 2,
    maxFieldBytes: 100,
    maxRequestBytes: 10_000,
  });
  router.post('/test/upload', receive, (req, res) => {
    res.json({ name: req.uploads?.[0]?.name, bytes: req.uploads?.[0]?.bytes });
  });
  router.get('/test/query', validate({ query: z.object({ n: z.coerce.number().int().min(1) }) }), (req, res) => {
    res.json({ n: (req.query as unknown as { n: number }).n });
  });
  return router;
}

describe('the HTTP platform on a real listening server', () => {
  let running: TestPlatform;
  let t: TestDb;
  let platform: RunningPlatform;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    running = await startTestPlatform({
      dataDirPrefix: 'smt-http-',
      env: { METRICS_TOKEN: 'metrics-token-for-the-test' },
      services: ['auth', 'tasks', 'users'],
      workers: [],
      taskKinds: [],
      extraRouters: [failingRouter],
      mailSender: false,
      logger,
    });
    ({ t, platform, api } = running);
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });

  test('health, readiness and metrics', async () => {
    const health = await api.get('/healthz');
    expect(health).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', temporal: 'ok', mail: 'ok' } },
    });
    expect((await api.get('/readyz')).body).toEqual({ status: 'ready' });
    await api.post('/api/auth/login', { email: 'nobody@demo.local', password: 'x' });
    expect((await fetch(`${platform.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${platform.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-token-for-the-test' },
    }).then((r) => r.text());
    expect(metrics).toMatch(
      /smt_http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/login",status="401"\} 1/,
    );
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  test('login with email and password gives a bearer token and a session cookie; logout ends it', async () => {
    const wrong = await api.post('/api/auth/login', { email: 'engineer@demo.local', password: 'nope' });
    expect(wrong).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'email or password is wrong' } },
    });
    const unknown = await api.post('/api/auth/login', { email: 'ghost@demo.local', password: 'demo' });
    expect(unknown.body).toEqual(wrong.body);
    const missing = await api.post('/api/auth/login', { password: 'demo' });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', field: 'email' } } });
    const malformed = await api.call('POST', '/api/auth/login', { body: '{"email":' });
    expect(malformed).toMatchObject({ status: 400, body: { error: { message: 'request body is not valid JSON' } } });

    const ok = await api.post('/api/auth/login', { email: 'Engineer@Demo.Local', password: 'demo' });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ email: 'engineer@demo.local', role: 'engineer', customerId: null });
    expect(ok.body.user.passwordHash).toBeUndefined();
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^smt_session=smt_[\w-]+; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/);

    const byBearer = await api.get('/api/auth/me', ok.body.token);
    expect(byBearer.body).toMatchObject({ email: 'engineer@demo.local', role: 'engineer' });
    const byCookie = await api.call('GET', '/api/auth/me', { cookie: cookie.split(';')[0] });
    expect(byCookie.body.email).toBe('engineer@demo.local');
    expect((await api.get('/api/auth/me')).status).toBe(401);
    const garbage = await api.get('/api/auth/me', 'smt_not-a-real-token');
    expect(garbage).toMatchObject({
      status: 401,
      body: { error: { message: 'session expired or token invalid; log in again' } },
    });

    expect((await api.post('/api/auth/logout', undefined, ok.body.token)).status).toBe(204);
    expect((await api.get('/api/auth/me', ok.body.token)).status).toBe(401);
  });

  test('API tokens: staff only, named, bounded in time, listed, revoked by their owner, by an admin, and with the role', async () => {
    const session = await api.login('finance@demo.local');
    const created = await api.post('/api/auth/tokens', { name: 'bank import', expiresInDays: 30 }, session);
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'bank import', token: expect.stringMatching(/^smt_/) },
    });
    const days = (Date.parse(created.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect((await api.get('/api/auth/me', created.body.token)).body.role).toBe('finance');
    expect((await api.get('/api/test/finance-only', created.body.token)).body).toEqual({ ok: true });
    const sales = await api.login('sales@demo.local');
    expect((await api.get('/api/test/finance-only', sales)).body.error).toEqual({
      code: 'forbidden',
      message: 'requires one of the roles: finance',
    });
    expect((await api.get('/api/test/finance-only')).status).toBe(401);

    const byDefault = await api.post('/api/auth/tokens', { name: 'reconciliation' }, session);
    expect(Math.round((Date.parse(byDefault.body.expiresAt) - Date.now()) / 86_400_000)).toBe(90);
    expect(await api.post('/api/auth/tokens', { name: 'forever', expiresInDays: 3650 }, session)).toMatchObject({
      status: 400,
      body: { error: { field: 'expiresInDays', message: 'expiresInDays: must be at most 365 days' } },
    });
    expect((await api.post('/api/auth/tokens', {}, session)).body.error.field).toBe('name');
    const customer = await api.login('buyer@demo.local');
    expect((await api.post('/api/auth/tokens', { name: 'mine' }, customer)).status).toBe(403);
    expect((await api.get('/api/auth/tokens', customer)).status).toBe(403);

    const listed = await api.get('/api/auth/tokens', session);
    expect(listed.body.tokens.map((x: { name: string }) => x.name)).toEqual(['reconciliation', 'bank import']);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(listed.body.tokens[1]).toEqual({
      id: created.body.id,
      name: 'bank import',
      createdAt: expect.any(String),
      expiresAt: created.body.expiresAt,
      lastUsedAt: expect.any(String),
    });

    // The session survives its tokens; a token survives a logout of the session that made it (scripts outlive browsers).
    expect((await api.call('DELETE', `/api/auth/tokens/${created.body.id}`, { token: sales })).status).toBe(404);
    expect((await api.call('DELETE', `/api/auth/tokens/${created.body.id}`, { token: session })).status).toBe(204);
    expect((await api.call('DELETE', `/api/auth/tokens/${created.body.id}`, { token: session })).status).toBe(404);
    expect((await api.get('/api/auth/me', created.body.token)).status).toBe(401);
    expect((await api.get('/api/auth/me', session)).status).toBe(200);
    const admin = await api.login('admin@demo.local');
    const another = await api.post('/api/auth/tokens', { name: 'leaked' }, session);
    expect((await api.call('DELETE', `/api/auth/tokens/${another.body.id}`, { token: admin })).status).toBe(204);
    expect((await api.get('/api/auth/me', another.body.token)).status).toBe(401);
    expect((await api.get('/api/auth/tokens', session)).body.tokens.map((x: { name: string }) => x.name)).toEqual([
      'reconciliation',
    ]);

    // A role change ends the user's tokens (not their session, which reads the role afresh); deactivation ends everything.
    const qaSession = await api.login('qa@demo.local');
    const qaToken = (await api.post('/api/auth/tokens', { name: 'aoi export' }, qaSession)).body.token as string;
    const qaId = (await api.get('/api/auth/me', qaSession)).body.id as string;
    expect((await api.call('PATCH', `/api/users/${qaId}`, { token: admin, body: { role: 'production' } })).status).toBe(
      200,
    );
    expect((await api.get('/api/auth/me', qaToken)).status).toBe(401);
    expect((await api.get('/api/auth/me', qaSession)).body.role).toBe('production');
    const prodToken = (await api.post('/api/auth/tokens', { name: 'line report' }, qaSession)).body.token as string;
    expect((await api.call('PATCH', `/api/users/${qaId}`, { token: admin, body: { active: false } })).status).toBe(200);
    expect((await api.get('/api/auth/me', qaSession)).status).toBe(401);
    expect((await api.get('/api/auth/me', prodToken)).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: 'qa@demo.local', password: 'demo' })).status).toBe(401);
    const adminId = (await api.get('/api/auth/me', admin)).body.id as string;
    expect(
      (await api.call('PATCH', `/api/users/${adminId}`, { token: admin, body: { active: false } })).body.error,
    ).toMatchObject({ code: 'business_rule', field: 'active' });
    expect(
      (await api.call('PATCH', `/api/users/${qaId}`, { token: admin, body: { active: true, role: 'qa' } })).status,
    ).toBe(200);
    expect((await api.post('/api/auth/login', { email: 'qa@demo.local', password: 'demo' })).status).toBe(200);
  });

  test('a stale or forged session cookie never blocks login or a public route; it is cleared, and routes needing a user say why', async () => {
    const stale = { cookie: 'smt_session=smt_expired-or-from-another-port' };
    const login = await api.call('POST', '/api/auth/login', {
      ...stale,
      body: { email: 'engineer@demo.local', password: 'demo' },
    });
    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^smt_session=smt_[\w-]+;/));
    const health = await api.call('GET', '/healthz', stale);
    expect(health.status).toBe(200);
    expect(health.headers.get('set-cookie')).toMatch(/^smt_session=; Path=\/; Expires=Thu, 01 Jan 1970/);
    expect((await api.call('GET', '/api/openapi.json', { cookie: 'smt_session=garbage' })).status).toBe(200);
    expect(await api.call('GET', '/api/auth/me', stale)).toMatchObject({
      status: 401,
      body: { error: { message: 'session expired or token invalid; log in again' } },
    });
    expect((await api.call('GET', '/api/test/finance-only', stale)).body.error.message).toBe(
      'session expired or token invalid; log in again',
    );
    // A live session cookie next to the stale one's replacement works as before.
    const fresh = await api.call('GET', '/api/auth/me', { cookie: `smt_session=${login.body.token}` });
    expect(fresh.body.email).toBe('engineer@demo.local');
  });

  test('sessions expire after their lifetime', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const auth = createAuthService({ db: t.db, secret: 'test-secret-of-enough-length', ttlHours: 12, now: () => now });
    const login = await auth.login('qa@demo.local', 'demo');
    expect(await auth.authenticate(login!.token)).toMatchObject({ email: 'qa@demo.local', role: 'qa' });
    now = new Date('2030-01-01T11:59:00Z');
    expect(await auth.authenticate(login!.token)).toBeDefined();
    now = new Date('2030-01-01T12:00:01Z');
    expect(await auth.authenticate(login!.token)).toBeUndefined();
  });

  test('a checked session is trusted for a few seconds; logout and forget end it at once, another process within that time', async () => {
    let now = new Date('2030-02-01T00:00:00Z');
    const later = (ms: number) => (now = new Date(now.getTime() + ms));
    const auth = createAuthService({ db: t.db, secret: 'test-secret-of-enough-length', ttlHours: 12, now: () => now });
    const lastUsed = async (sessionId: string) =>
      (
        await t.db.selectFrom('sessions').select('last_used_at').where('id', '=', sessionId).executeTakeFirstOrThrow()
      ).last_used_at?.toISOString();
    const first = await auth.login('qa@demo.local', 'demo');
    const actor = await auth.authenticate(first!.token);
    expect(await lastUsed(actor!.sessionId)).toBe('2030-02-01T00:00:00.000Z');
    // Last use is written at most once a minute, not on every request.
    later(SESSION_TOUCH_MS - 1_000);
    expect(await auth.authenticate(first!.token)).toEqual(actor);
    expect(await lastUsed(actor!.sessionId)).toBe('2030-02-01T00:00:00.000Z');
    // Past the minute, the next look-up in the database writes it.
    later(SESSION_RECHECK_MS + 1_000);
    expect(await auth.authenticate(first!.token)).toEqual(actor);
    expect(await lastUsed(actor!.sessionId)).toBe(now.toISOString());
    // Revoked by another process (straight in the database): refused once this process checks again.
    await revokeSession(t.db, actor!.sessionId, 'revoked');
    later(SESSION_RECHECK_MS);
    expect(await auth.authenticate(first!.token)).toBeUndefined();
    // Logout and forget (a role change, a revoked token through this process) take effect on the next request.
    const second = await auth.login('qa@demo.local', 'demo');
    const secondActor = await auth.authenticate(second!.token);
    await auth.logout(secondActor!.sessionId);
    expect(await auth.authenticate(second!.token)).toBeUndefined();
    const third = await auth.login('qa@demo.local', 'demo');
    const thirdActor = await auth.authenticate(third!.token);
    await revokeSession(t.db, thirdActor!.sessionId, 'revoked');
    auth.forget({ userId: thirdActor!.userId });
    expect(await auth.authenticate(third!.token)).toBeUndefined();
  });

  test('one error middleware: 400 naming the field, 404, 409, 422, and a generic 500', async () => {
    expect((await api.get('/api/test/query?n=0')).body.error).toMatchObject({ code: 'validation_failed', field: 'n' });
    expect((await api.get('/api/test/query?n=3')).body).toEqual({ n: 3 });
    expect(await api.get('/api/nope')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'no route for GET /api/nope' } },
    });
    expect(await api.get('/api/test/conflict')).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', message: 'already started' } },
    });
    expect(await api.get('/api/test/rule')).toMatchObject({
      status: 422,
      body: { error: { code: 'business_rule', field: 'amount' } },
    });
    const boom = await api.get('/api/test/boom');
    expect(boom).toEqual(
      expect.objectContaining({ status: 500, body: { error: { code: 'internal', message: 'internal error' } } }),
    );
    const engineer = await api.login('engineer@demo.local');
    const badId = await api.get('/api/tasks/123', engineer);
    expect(badId).toMatchObject({
      status: 400,
      body: { error: { field: 'id', message: 'id: must be a task id (uuid)' } },
    });
    const badFilter = await api.get('/api/tasks?status=done', engineer);
    expect(badFilter).toMatchObject({ status: 400, body: { error: { field: 'status' } } });
  });

  test('hostile input is a 400 naming the problem: NUL anywhere, impossible dates, control characters, broken multipart', async () => {
    const nulBody = await api.post('/api/test/free-form', { data: { lines: [{ note: 'ok' }, { note: 'bad\u0000' }] } });
    expect(nulBody).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', field: 'data.lines.1.note' } },
    });
    expect((await api.post('/api/test/free-form', { ['key\u0000']: 1 })).body.error.field).toBe('key\u0000');
    expect((await api.post('/api/test/free-form', { note: 'plain' })).body).toEqual({ accepted: true });
    expect(await api.get('/api/test/query?n=%00')).toMatchObject({
      status: 400,
      body: { error: { field: 'n', message: 'n: must not contain NUL (U+0000)' } },
    });

    expect(await api.post('/api/test/dated', { on: '2026-02-30' })).toMatchObject({
      status: 400,
      body: { error: { field: 'on', message: 'on: must be a real calendar date as YYYY-MM-DD' } },
    });
    expect((await api.post('/api/test/dated', { on: '2028-02-29', note: 'two\nlines' })).body).toEqual({
      on: '2028-02-29',
      note: 'two\nlines',
    });
    expect((await api.post('/api/test/dated', { on: '2028-02-29', note: 'bell\u0007' })).body.error).toMatchObject({
      code: 'validation_failed',
      field: 'note',
    });

    const multipart = (body: string | Buffer, contentType: string) =>
      fetch(`${platform.url}/api/test/upload`, { method: 'POST', headers: { 'content-type': contentType }, body }).then(
        async (r) => ({ status: r.status, body: await r.json() }),
      );
    const part = (name: string) =>
      `--b\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`;
    expect(await multipart(`${part('ok.txt')}--b--\r\n`, 'multipart/form-data; boundary=b')).toEqual({
      status: 200,
      body: { name: 'ok.txt', bytes: 5 },
    });
    const noBoundary = await multipart(`${part('ok.txt')}--b--\r\n`, 'multipart/form-data');
    expect(noBoundary).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', message: expect.stringContaining('not valid multipart/form-data') } },
    });
    expect((await multipart(part('ok.txt'), 'multipart/form-data; boundary=b')).status).toBe(400); // truncated
    expect(
      (
        await multipart(
          `--b\r\nContent-Disp\u0000osition: form-data; name="file"\r\n\r\nx\r\n--b--\r\n`,
          'multipart/form-data; boundary=b',
        )
      ).status,
    ).toBe(400);
    const controlInName = `--b\r\nContent-Disposition: form-data; name="file"; filename*=utf-8''evil%07.txt\r\n\r\nx\r\n--b--\r\n`;
    expect(await multipart(controlInName, 'multipart/form-data; boundary=b')).toMatchObject({
      status: 400,
      body: { error: { field: 'file', message: 'file: the file name must not contain control characters' } },
    });
    expect(
      await multipart(
        `--b\r\nContent-Disposition: form-data; name="file"; filename="big"\r\n\r\n${'x'.repeat(2000)}\r\n--b--\r\n`,
        'multipart/form-data; boundary=b',
      ),
    ).toMatchObject({
      status: 400,
      body: { error: { field: 'file', message: 'file: a file may be at most 1000 bytes' } },
    });
  });

  test('the overdue filter uses the due time', async () => {
    const late = await tasksRepo.openTask(t.db, {
      workflowId: 'rma:R-LATE',
      step: 'confirm',
      kind: 'approval',
      title: 'Confirm on site',
      role: 'qa',
      caseType: 'rma',
      caseId: 'R-LATE',
      dueAt: new Date(Date.now() - 3_600_000),
    });
    const onTime = await tasksRepo.openTask(t.db, {
      workflowId: 'rma:R-OK',
      step: 'confirm',
      kind: 'approval',
      title: 'Confirm on site',
      role: 'qa',
      caseType: 'rma',
      caseId: 'R-OK',
      dueAt: new Date(Date.now() + 3_600_000),
    });
    const qa = await api.login('qa@demo.local');
    const overdue = await api.get('/api/tasks?overdue=true', qa);
    expect(overdue.body.tasks.map((x: { id: string }) => x.id)).toEqual([late.task.id]);
    expect(overdue.body.tasks[0].overdue).toBe(true);
    const notOverdue = await api.get('/api/tasks?overdue=false&caseType=rma', qa);
    expect(notOverdue.body.tasks.map((x: { id: string }) => x.id)).toEqual([onTime.task.id]);
    const manager = await api.login('manager@demo.local');
    expect((await api.get('/api/tasks?role=qa&overdue=true', manager)).body.tasks).toHaveLength(1);
  });

  test('the OpenAPI document lists the auth and tasks paths, and Swagger UI serves it', async () => {
    const doc = await api.get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/auth/logout',
        '/api/auth/me',
        '/api/tasks',
        '/api/tasks/{id}',
        '/api/tasks/{id}/complete',
        '/api/task-kinds',
        '/api/dev/mail',
      ]),
    );
    expect(doc.body.paths['/api/tasks/{id}/complete'].post.responses).toHaveProperty('409');
    expect(doc.body.components.schemas).toHaveProperty('Task');
    const ui = await fetch(`${platform.url}/api/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });
});
