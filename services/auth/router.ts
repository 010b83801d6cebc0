import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { text } from '../../domain/shared/fields';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { SESSION_COOKIE, actorOf, requireAuth, requireRole } from '../../infra/auth/middleware';
import { getUser, listApiTokens, revokeApiToken } from '../../infra/db/repositories/users';
import { recordAudit } from '../../infra/db/repositories/audit';
import { AppError, NotFoundError, UnauthenticatedError } from '../../infra/http/errors';
import { ROLES } from '../../domain/tasks/roles';

export const LoginRequest = z
  .object({
    email: z.email().max(254).meta({ example: 'engineer@demo.local' }),
    password: z.string().min(1).max(200).meta({ example: 'demo' }),
  })
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const UserView = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    customerId: z.uuid().nullable(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof UserView>;

export const LoginResponse = z
  .object({ token: z.string(), expiresAt: z.string(), user: UserView })
  .meta({ id: 'LoginResponse' });

/** How long an API token lives unless asked otherwise, and the longest it may live. */
export const API_TOKEN_DAYS = { default: 90, max: 365 } as const;

export const CreateTokenRequest = z
  .object({
    name: text({ min: 1, max: 100 }).meta({ example: 'bank statement import' }),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(API_TOKEN_DAYS.max, `must be at most ${API_TOKEN_DAYS.max} days`)
      .default(API_TOKEN_DAYS.default),
  })
  .strict()
  .meta({ id: 'CreateTokenRequest' });
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

export const ApiTokenView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export const TokenIdParams = z.object({ id: z.uuid({ error: 'must be a token id (uuid)' }) });

/** Staff hold API tokens (scripts, imports); customers use the portal. */
const TOKEN_HOLDERS = ROLES.filter((r) => r !== 'customer');

/** Login, logout, the current user and API tokens. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  const secureCookie = deps.config.publicUrl.startsWith('https://');
  // Two limits on login, keyed by what a client cannot change with headers: its address (as express sees it;
  // X-Forwarded-For counts only from TRUSTED_PROXIES) and the account. The first caps argon2 work per client,
  // the second password guessing against one account from many addresses (failed attempts only).
  const loginLimiter = rateLimit({
    windowMs: 60_000,
    limit: deps.config.http.loginLimits.attemptsPerMinute,
    keyGenerator: (req) => `address:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new AppError('rate_limited', 'too many login attempts from your address; wait a minute')),
  });
  const accountLimiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: deps.config.http.loginLimits.failuresPerAccount,
    keyGenerator: (req) =>
      `account:${String((req.body as { email?: unknown }).email)
        .trim()
        .toLowerCase()}`,
    skip: (req) => typeof (req.body as { email?: unknown } | undefined)?.email !== 'string',
    skipSuccessfulRequests: true,
    standardHeaders: false,
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new AppError('rate_limited', 'too many failed logins for this account; wait 15 minutes or ask an admin')),
  });

  router.post('/auth/login', loginLimiter, accountLimiter, validate({ body: LoginRequest }), async (req, res) => {
    const { email, password } = req.body as LoginRequest;
    const result = await deps.auth.login(email, password);
    if (!result) throw new UnauthenticatedError('email or password is wrong');
    res.cookie(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookie,
      expires: result.expiresAt,
      path: '/',
    });
    const { active: _active, ...user } = result.user;
    res.json({ token: result.token, expiresAt: result.expiresAt.toISOString(), user });
  });

  router.post('/auth/logout', requireAuth, async (req, res) => {
    await deps.auth.logout(actorOf(req).sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/auth/me', requireAuth, async (req, res) => {
    const user = await getUser(deps.db, actorOf(req).userId);
    if (!user) throw new NotFoundError('user');
    const { active: _active, ...view } = user;
    res.json(view);
  });

  router.post(
    '/auth/tokens',
    requireRole(...TOKEN_HOLDERS),
    validate({ body: CreateTokenRequest }),
    async (req, res) => {
      const { name, expiresInDays } = req.body as CreateTokenRequest;
      const expiresAt = new Date(Date.now() + expiresInDays * 86_400_000);
      const { token, id } = await deps.auth.createApiToken(actorOf(req).userId, name, expiresAt);
      res.status(201).json({ id, name, token, expiresAt: expiresAt.toISOString() });
    },
  );

  router.get('/auth/tokens', requireRole(...TOKEN_HOLDERS), async (req, res) => {
    res.json({ tokens: await listApiTokens(deps.db, actorOf(req).userId, new Date()) });
  });

  router.delete(
    '/auth/tokens/:id',
    requireRole(...TOKEN_HOLDERS),
    validate({ params: TokenIdParams }),
    async (req, res) => {
      const actor = actorOf(req);
      const { id } = req.params as z.infer<typeof TokenIdParams>;
      // Admins may revoke anyone's token (a leaked one); others only their own. Someone else's is "not found".
      if (!(await revokeApiToken(deps.db, id, actor.role === 'admin' ? null : actor.userId)))
        throw new NotFoundError('API token');
      deps.auth.forget({ sessionId: id });
      await recordAudit(deps.db, {
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'auth.token.revoke',
        entityType: 'session',
        entityId: id,
      });
      res.status(204).end();
    },
  );

  const openapi = deps.openapi;
  openapi.registerPath({
    method: 'post',
    path: '/api/auth/login',
    tags: ['auth'],
    summary: 'Log in with email and password; returns a bearer token and sets the session cookie',
    request: { body: { content: { 'application/json': { schema: LoginRequest } } } },
    responses: {
      200: { description: 'Logged in', content: { 'application/json': { schema: LoginResponse } } },
      ...errorResponses(400, 401, 429),
    },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/auth/logout',
    tags: ['auth'],
    summary: 'End the current session',
    security: AUTHENTICATED,
    responses: { 204: { description: 'Logged out' }, ...errorResponses(401) },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/auth/me',
    tags: ['auth'],
    summary: 'The logged-in user',
    security: AUTHENTICATED,
    responses: {
      200: { description: 'The user', content: { 'application/json': { schema: UserView } } },
      ...errorResponses(401),
    },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/auth/tokens',
    tags: ['auth'],
    summary: `Create a named API token for scripts (staff only); it expires after expiresInDays (default ${API_TOKEN_DAYS.default}, at most ${API_TOKEN_DAYS.max})`,
    security: AUTHENTICATED,
    request: { body: { content: { 'application/json': { schema: CreateTokenRequest } } } },
    responses: {
      201: {
        description: 'The token (shown once)',
        content: {
          'application/json': {
            schema: z.object({ id: z.uuid(), name: z.string(), token: z.string(), expiresAt: z.string() }),
          },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/auth/tokens',
    tags: ['auth'],
    summary: 'Your live API tokens (name, created, expires, last used; never the token itself)',
    security: AUTHENTICATED,
    responses: {
      200: {
        description: 'Live tokens, newest first',
        content: { 'application/json': { schema: z.object({ tokens: z.array(ApiTokenView) }) } },
      },
      ...errorResponses(401, 403),
    },
  });
  openapi.registerPath({
    method: 'delete',
    path: '/api/auth/tokens/{id}',
    tags: ['auth'],
    summary: "Revoke one of your API tokens (admins: anyone's)",
    security: AUTHENTICATED,
    request: { params: TokenIdParams },
    responses: { 204: { description: 'Revoked' }, ...errorResponses(400, 401, 403, 404) },
  });
  return router;
}
