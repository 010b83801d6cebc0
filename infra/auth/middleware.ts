import type { Request, RequestHandler } from 'express';
import type { AuthService, Actor } from './sessions';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../http/errors';
import { OVERSEER_ROLES, type Role } from '../../domain/tasks/roles';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authenticate middleware when the request carries a live session or token. */
    actor?: Actor;
  }
}

/** Name of the session cookie set at login. */
export const SESSION_COOKIE = 'smt_session';

/**
 * Reads `Authorization: Bearer <token>` or the session cookie and sets `req.actor`. A request without
 * credentials passes on anonymous; one with bad credentials is answered 401 right away.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.headers.authorization;
      let token: string | undefined;
      if (header) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <token>"');
        token = match[1];
      } else {
        token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      }
      if (token) {
        const actor = await auth.authenticate(token);
        if (!actor) throw new UnauthenticatedError('session expired or token invalid; log in again');
        req.actor = actor;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The request's actor; 401 when anonymous. */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  return req.actor;
}

/** Lets the request through only for a logged-in user. */
export const requireAuth: RequestHandler = (req, _res, next) => {
  next(req.actor ? undefined : new UnauthenticatedError());
};

/** Lets the request through only for a logged-in user holding one of `roles` (401 anonymous, 403 other roles). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.actor) return next(new UnauthenticatedError());
    if (!roles.includes(req.actor.role)) {
      return next(new ForbiddenError(`requires one of the roles: ${roles.join(', ')}`));
    }
    next();
  };
}

/** True when the actor may see records of `customerId`: staff see all, a customer user only its own. */
export function canAccessCustomer(actor: Actor, customerId: string | null): boolean {
  return actor.role !== 'customer' || (customerId !== null && actor.customerId === customerId);
}

/**
 * Ownership check for one record. A customer user asking for another customer's record gets 404, so the
 * answer does not reveal that the record exists.
 */
export function assertCustomerAccess(actor: Actor, customerId: string | null, what: string): void {
  if (!canAccessCustomer(actor, customerId)) throw new NotFoundError(what);
}

/** The customer filter for list queries: a customer user's own customer, undefined for staff. */
export function customerScope(actor: Actor): string | undefined {
  return actor.role === 'customer' ? (actor.customerId ?? '00000000-0000-0000-0000-000000000000') : undefined;
}

/** True for roles that oversee everything (manager, admin). */
export function isOverseer(actor: Actor): boolean {
  return OVERSEER_ROLES.includes(actor.role);
}
