import { Router } from 'express';
import { z } from 'zod';
import { text } from '../../domain/shared/fields';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { validate } from '../../infra/http/validate';
import { AUTHENTICATED, errorResponses } from '../../infra/http/openapi';
import { actorOf, requireRole } from '../../infra/auth/middleware';
import { hashPassword } from '../../infra/auth/passwords';
import { BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../infra/http/errors';
import { isUniqueViolation } from '../../infra/db/errors';
import { createUser, getUser, revokeUserCredentials, type User } from '../../infra/db/repositories/users';
import { customerExists, listUsers, updateUser, type UserChange } from '../../infra/db/repositories/user-admin';
import { recordAudit } from '../../infra/db/repositories/audit';
import { ROLES } from '../../domain/tasks/roles';

export const UserView = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    customerId: z.uuid().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'User' });

export const CreateUserRequest = z
  .object({
    email: z.email().max(320),
    displayName: text({ min: 1, max: 200 }),
    role: z.enum(ROLES),
    customerId: z.uuid().nullish(),
    password: z.string().min(8).max(1000),
  })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UpdateUserRequest = z
  .object({
    displayName: text({ min: 1, max: 200 }).optional(),
    role: z.enum(ROLES).optional(),
    customerId: z.uuid().nullish(),
    active: z
      .boolean()
      .optional()
      .meta({ description: 'false deactivates the user: no login, every session and API token ends' }),
  })
  .strict()
  .refine(
    (b) => b.displayName !== undefined || b.role !== undefined || b.customerId !== undefined || b.active !== undefined,
    {
      message: 'give displayName, role, customerId or active',
    },
  );
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const UserIdParams = z.object({ id: z.uuid() });

/** What the audit log keeps of a user: the fields an admin can change. */
const audited = (u: User) => ({
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  customerId: u.customerId,
  active: u.active,
});

/** Users and their roles: admins manage them, managers may read the list. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();

  /** A customer user must name an existing customer; staff must not name one. */
  async function checkCustomerLink(role: string, customerId: string | null | undefined): Promise<void> {
    if (role === 'customer') {
      if (!customerId) throw new ValidationError('customerId: required for a customer user', 'customerId');
      if (!(await customerExists(deps.db, customerId)))
        throw new ValidationError('customerId: no such customer', 'customerId');
    } else if (customerId) {
      throw new ValidationError('customerId: only customer users belong to a customer', 'customerId');
    }
  }

  router.get('/users', requireRole('admin', 'manager'), async (_req, res) => {
    res.json({ users: await listUsers(deps.db) });
  });

  router.post('/users', requireRole('admin'), validate({ body: CreateUserRequest }), async (req, res) => {
    const actor = actorOf(req);
    const body = req.body as CreateUserRequest;
    await checkCustomerLink(body.role, body.customerId);
    const passwordHash = await hashPassword(body.password);
    const user = await deps.db
      .transaction()
      .execute(async (trx) => {
        const created = await createUser(trx, {
          email: body.email,
          displayName: body.displayName,
          passwordHash,
          role: body.role,
          customerId: body.role === 'customer' ? body.customerId : null,
        });
        await recordAudit(trx, {
          actorId: actor.userId,
          actorRole: actor.role,
          action: 'user.create',
          entityType: 'user',
          entityId: created.id,
          after: audited(created),
        });
        return created;
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error))
          throw new ConflictError(`a user with email ${body.email.toLowerCase()} already exists`);
        throw error;
      });
    res.status(201).json(user);
  });

  router.patch(
    '/users/:id',
    requireRole('admin'),
    validate({ params: UserIdParams, body: UpdateUserRequest }),
    async (req, res) => {
      const actor = actorOf(req);
      const { id } = req.params as z.infer<typeof UserIdParams>;
      const body = req.body as UpdateUserRequest;
      const before = await getUser(deps.db, id);
      if (!before) throw new NotFoundError('user');
      const role = body.role ?? before.role;
      if (id === actor.userId && role !== 'admin') {
        throw new BusinessRuleError('you may not remove your own admin role; ask another admin', 'role');
      }
      if (id === actor.userId && body.active === false) {
        throw new BusinessRuleError('you may not deactivate yourself; ask another admin', 'active');
      }
      const change: UserChange = { displayName: body.displayName, role: body.role, active: body.active };
      if (role === 'customer') {
        const customerId = body.customerId === undefined ? before.customerId : body.customerId;
        await checkCustomerLink(role, customerId);
        change.customerId = customerId;
      } else {
        await checkCustomerLink(role, body.customerId);
        change.customerId = null;
      }
      const after = await deps.db.transaction().execute(async (trx) => {
        const updated = await updateUser(trx, id, change);
        if (!updated) throw new NotFoundError('user');
        // Credentials end with the person's standing: tokens minted for one role do not carry into another.
        if (!updated.active && before.active) await revokeUserCredentials(trx, id, 'deactivated');
        else if (updated.role !== before.role || updated.customerId !== before.customerId)
          await revokeUserCredentials(trx, id, 'role changed');
        await recordAudit(trx, {
          actorId: actor.userId,
          actorRole: actor.role,
          action: 'user.change',
          entityType: 'user',
          entityId: id,
          before: audited(before),
          after: audited(updated),
        });
        return updated;
      });
      // This process's remembered sessions of the person follow the change at once (see SESSION_RECHECK_MS).
      deps.auth.forget({ userId: id });
      res.json(after);
    },
  );

  const openapi = deps.openapi;
  openapi.registerPath({
    method: 'get',
    path: '/api/users',
    tags: ['users'],
    summary: 'Every user with role and customer (admins and managers)',
    security: AUTHENTICATED,
    responses: {
      200: {
        description: 'Users by email',
        content: { 'application/json': { schema: z.object({ users: z.array(UserView) }) } },
      },
      ...errorResponses(401, 403),
    },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/users',
    tags: ['users'],
    summary: 'Create a user (admins); customerId is required exactly when the role is customer',
    security: AUTHENTICATED,
    request: { body: { content: { 'application/json': { schema: CreateUserRequest } } } },
    responses: {
      201: { description: 'The new user', content: { 'application/json': { schema: UserView } } },
      ...errorResponses(400, 401, 403, 409),
    },
  });
  openapi.registerPath({
    method: 'patch',
    path: '/api/users/{id}',
    tags: ['users'],
    summary:
      "Change a user's role, display name or active flag (admins); a role change ends the user's API tokens, deactivation every session and token; an admin may not remove their own admin role or deactivate themselves (422)",
    security: AUTHENTICATED,
    request: { params: UserIdParams, body: { content: { 'application/json': { schema: UpdateUserRequest } } } },
    responses: {
      200: { description: 'The changed user', content: { 'application/json': { schema: UserView } } },
      ...errorResponses(400, 401, 403, 404, 422),
    },
  });
  return router;
}
