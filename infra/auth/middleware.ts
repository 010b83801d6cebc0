import type { Request, RequestHandler } from 'express';
import type { AuthService, Actor } from './sessions';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../http/errors';
import { OVERSEER_ROLES, type Role } from '../../domain/tasks/roles';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authenticate middleware when the request carries a live session or token. */
    actor?: Actor;
    /** Why the credentials the request carried were not accepted; raised only by routes that need a user. */
    credentialsProblem?: UnauthenticatedError;
    /** How the actor was recognised: cookie-authenticated state changes get the same-origin check. */
    credentialSource?: 'cookie' | 'bearer';
  }
}

/** Name of the session cookie set at login. */
export const SESSION_COOKIE = 'smt_session';

/**
 * Reads `Authorization: Bearer <token>` or the session cookie and sets `req.actor`. Bad credentials do not end
 * the request: it goes on anonymous, remembering why, and only routes that need a user answer 401 with that
 * reason. So a stale `smt_session` cookie (cookies are shared by every port of a host) never blocks login or a
 * public page; it is cleared on the way.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      if (header) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match) {
          req.credentialsProblem = new UnauthenticatedError('Authorization header must be "Bearer <token>"');
          return next();
        }
        req.actor = await auth.authenticate(match[1]);
        if (req.actor) req.credentialSource = 'bearer';
      } else if (cookie) {
        req.actor = await auth.authenticate(cookie);
        if (req.actor) req.credentialSource = 'cookie';
        else res.clearCookie(SESSION_COOKIE, { path: '/' });
      }
      if ((header || cookie) && !req.actor)
        req.credentialsProblem = new UnauthenticatedError('session expired or token invalid; log in again');
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The request's actor; 401 when anonymous (naming what was wrong with the credentials it carried). */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw req.credentialsProblem ?? new UnauthenticatedError();
  return req.actor;
}

/** Lets the request through only for a logged-in user. */
export const requireAuth: RequestHandler = (req, _res, next) => {
  next(req.actor ? undefined : (req.credentialsProblem ?? new UnauthenticatedError()));
};

/** Lets the request through only for a logged-in user holding one of `roles` (401 anonymous, 403 other roles). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.actor) return next(req.credentialsProblem ?? new UnauthenticatedError());
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
