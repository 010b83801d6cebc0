import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { text } from '../../domain/shared/fields';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { SESSION_COOKIE, actorOf, requireAuth } from '../../infra/auth/middleware';
import { getUser } from '../../infra/db/repositories/users';
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

export const CreateTokenRequest = z
  .object({ name: text({ min: 1, max: 100 }), expiresInDays: z.number().int().min(1).max(3650).optional() })
  .meta({ id: 'CreateTokenRequest' });
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

/** Login, logout, the current user and API tokens. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  const secureCookie = deps.config.publicUrl.startsWith('https://');
  const loginLimiter = rateLimit({
    windowMs: 60_000,
    limit: 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'too many login attempts; wait a minute')),
  });

  router.post('/auth/login', loginLimiter, validate({ body: LoginRequest }), async (req, res) => {
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

  router.post('/auth/tokens', requireAuth, validate({ body: CreateTokenRequest }), async (req, res) => {
    const { name, expiresInDays } = req.body as CreateTokenRequest;
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : undefined;
    const { token, id } = await deps.auth.createApiToken(actorOf(req).userId, name, expiresAt);
    res.status(201).json({ id, token, expiresAt: expiresAt?.toISOString() ?? null });
  });

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
    responses: { 200: { description: 'The user', content: { 'application/json': { schema: UserView } } }, ...errorResponses(401) },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/auth/tokens',
    tags: ['auth'],
    summary: 'Create an API token for scripts',
    security: AUTHENTICATED,
    request: { body: { content: { 'application/json': { schema: CreateTokenRequest } } } },
    responses: {
      201: {
        description: 'The token (shown once)',
        content: { 'application/json': { schema: z.object({ id: z.uuid(), token: z.string(), expiresAt: z.string().nullable() }) } },
      },
      ...errorResponses(400, 401),
    },
  });
  return router;
}
