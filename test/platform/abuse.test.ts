/**
 * The doors an attacker tries first, on a real listening app over PGlite (no Temporal needed): login rate limits
 * that X-Forwarded-For cannot reset, the same-origin rule for cookie-authenticated changes, and /metrics kept off
 * the public port.
 */
import pino from 'pino';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../infra/config';
import { openTestDb, type TestDb } from '../../infra/db/testing';
import { seedDemo } from '../../infra/db/seed';
import { createAuthService } from '../../infra/auth/sessions';
import { createApp } from '../../infra/http/app';
import { createMetrics, createMetricsApp } from '../../infra/http/metrics';
import { createOpenApiRegistry } from '../../infra/http/openapi';
import { listen, type RunningServer } from '../../infra/http/server';
import { createUploadPlace } from '../../infra/http/uploads';
import { TaskKindRegistry } from '../../domain/tasks/kinds';
import { createRouter as authRouter } from '../../services/auth/router';
import { createRouter as usersRouter } from '../../services/users/router';
import { apiClient } from './helpers';

const logger = pino({ level: 'silent' });
const METRICS_TOKEN = 'scrape-me-with-this-token';

describe('abuse: rate limits, cross-origin changes and open doors', () => {
  let t: TestDb;
  const servers: RunningServer[] = [];

  /** One app over the shared database; `env` is read like the process environment. */
  async function start(env: Record<string, string> = {}): Promise<{ url: string; config: Config }> {
    const config = loadConfig({ PORT: '0', SMTP_CATCHER_PORT: '0', LOG_LEVEL: 'silent', ...env });
    const auth = createAuthService({ db: t.db, secret: config.session.secret, ttlHours: 1 });
    const openapi = createOpenApiRegistry();
    const metrics = createMetrics();
    const deps = {
      config,
      db: t.db,
      logger,
      auth,
      openapi,
      temporal: {} as Client,
      taskKinds: new TaskKindRegistry(),
      uploads: createUploadPlace({ dataDir: config.dataDir, maxInFlightBytes: config.http.uploadMaxInFlightBytes }),
    };
    const app = createApp({
      logger,
      auth,
      openapi,
      metrics,
      routers: [authRouter(deps), usersRouter(deps)],
      healthChecks: [],
      isReady: () => true,
      publicUrl: config.publicUrl,
      trustedProxies: config.http.trustedProxies,
      allowedOrigins: config.http.allowedOrigins,
      metricsToken: config.http.metricsToken,
    });
    const server = await listen(app, 0);
    servers.push(server);
    if (config.http.metricsPort !== undefined) servers.push(await listen(createMetricsApp(metrics), 0));
    return { url: server.url, config };
  }

  beforeAll(async () => {
    t = await openTestDb('pglite');
    await seedDemo(t.db);
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) await s.close();
    await t?.close();
  });

  const login = (url: string, email: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email, password }),
    });

  test('login attempts per address: rotating X-Forwarded-For does not reset the count unless the peer is a configured proxy', async () => {
    // Malformed attempts count too (they cost no password hashing, so the test stays quick).
    const { url } = await start({ LOGIN_ATTEMPTS_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++)
      expect((await login(url, `nobody${i}@demo.local`, '', { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(400);
    const refused = await login(url, 'engineer@demo.local', 'demo', { 'x-forwarded-for': '198.51.100.7' });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: unknown }).error).toEqual({
      code: 'rate_limited',
      message: 'too many login attempts from your address; wait a minute',
    });

    // Behind a configured proxy the forwarded address is the client's, so one client does not lock out the rest.
    const proxied = await start({ TRUSTED_PROXIES: 'loopback', LOGIN_ATTEMPTS_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++)
      await login(proxied.url, `nobody${i}@demo.local`, '', { 'x-forwarded-for': '203.0.113.1' });
    expect((await login(proxied.url, 'sales@demo.local', 'demo', { 'x-forwarded-for': '203.0.113.1' })).status).toBe(
      429,
    );
    expect((await login(proxied.url, 'sales@demo.local', 'demo', { 'x-forwarded-for': '203.0.113.2' })).status).toBe(
      200,
    );
  });

  test('failed logins per account are limited whatever the address, and successes do not count', async () => {
    const { url } = await start({ TRUSTED_PROXIES: 'loopback', LOGIN_FAILURES_PER_ACCOUNT: '2' });
    for (let i = 0; i < 2; i++)
      expect((await login(url, 'finance@demo.local', 'demo', { 'x-forwarded-for': `192.0.2.${i}` })).status).toBe(200);
    for (let i = 0; i < 2; i++)
      expect(
        (await login(url, 'Finance@Demo.Local', `guess-${i}`, { 'x-forwarded-for': `192.0.2.${10 + i}` })).status,
      ).toBe(401);
    const locked = await login(url, 'finance@demo.local', 'demo', { 'x-forwarded-for': '192.0.2.99' });
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { message: string } }).error.message).toBe(
      'too many failed logins for this account; wait 15 minutes or ask an admin',
    );
    expect((await login(url, 'manager@demo.local', 'demo', { 'x-forwarded-for': '192.0.2.99' })).status).toBe(200);
  });

  test('a cookie-authenticated change must come from this site; bearer tokens and reads are not affected', async () => {
    const { url } = await start({ ALLOWED_ORIGINS: 'https://smt.example.com' });
    const session = await login(url, 'admin@demo.local', 'demo');
    const { token } = (await session.json()) as { token: string };
    const cookie = `smt_session=${token}`;
    const mint = (headers: Record<string, string>) =>
      fetch(`${url}/api/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify({ name: 'csrf probe' }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));

    const evil = await mint({ origin: 'http://evil.example' });
    expect(evil).toMatchObject({
      status: 403,
      body: { error: { code: 'csrf-origin-mismatch', message: expect.stringContaining('http://evil.example is not') } },
    });
    const otherPort = new URL(url);
    otherPort.port = String(Number(otherPort.port) + 1);
    expect((await mint({ origin: otherPort.origin })).status).toBe(403);
    expect(await mint({})).toMatchObject({
      status: 403,
      body: {
        error: {
          code: 'csrf-origin-mismatch',
          message: 'a request signed in by cookie must carry an Origin or Referer header naming this site',
        },
      },
    });
    expect((await mint({ origin: 'null' })).status).toBe(403);
    expect((await mint({ referer: 'http://evil.example/page' })).status).toBe(403);

    expect((await mint({ origin: new URL(url).origin })).status).toBe(201);
    expect((await mint({ referer: `${url}/quotes/new` })).status).toBe(201);
    expect((await mint({ origin: 'https://smt.example.com' })).status).toBe(201);
    // A refused request changed nothing: exactly the three accepted tokens exist.
    const listed = (await fetch(`${url}/api/auth/tokens`, { headers: { cookie, origin: 'http://evil.example' } }).then(
      (r) => r.json(),
    )) as { tokens: unknown[] };
    expect(listed.tokens).toHaveLength(3);

    const api = apiClient(url);
    const byBearer = await fetch(`${url}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, origin: 'http://evil.example' },
      body: JSON.stringify({ name: 'script' }),
    });
    expect(byBearer.status).toBe(201);
    expect((await api.get('/api/auth/me', token)).status).toBe(200);
    // Logging in needs no cookie, so the rule does not stand in its way.
    expect((await login(url, 'qa@demo.local', 'demo', { origin: 'http://evil.example' })).status).toBe(200);
  });

  test('/metrics: 404 on the public port by default, a bearer token with METRICS_TOKEN, open on the loopback METRICS_PORT', async () => {
    const plain = await start();
    expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);

    const guarded = await start({ METRICS_TOKEN, METRICS_PORT: '0' });
    expect(guarded.config.http.metricsPort).toBe(0);
    const anonymous = await fetch(`${guarded.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(
      (await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-same-size!' } }))
        .status,
    ).toBe(401);
    const scraped = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('process_cpu_user_seconds_total');

    const loopback = servers[servers.length - 1];
    expect(loopback.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${loopback.url}/metrics`)).text()).toContain('smt_http_request_duration_seconds');
    expect((await fetch(`${loopback.url}/api/auth/me`)).status).toBe(404);
  });
});
