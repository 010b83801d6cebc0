import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/database';
import {
  findSessionUser,
  findUserForLogin,
  insertSession,
  revokeSession,
  touchSession,
  type User,
} from '../db/repositories/users';
import { hashPassword, verifyPassword } from './passwords';
import type { Role } from '../../domain/tasks/roles';

/** The person behind a request. */
export interface Actor {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  /** For customer users: the only customer whose records they may see. */
  customerId: string | null;
  sessionId: string;
}

/** Login, token checks and logout over the sessions table. */
export interface AuthService {
  /** Checks the password and opens a session; undefined when the email or password is wrong. */
  login(email: string, password: string): Promise<{ token: string; user: User; expiresAt: Date } | undefined>;
  /** The actor behind a bearer token or session cookie, if the session is live. */
  authenticate(token: string): Promise<Actor | undefined>;
  logout(sessionId: string): Promise<void>;
  /**
   * Drops what this process remembers of a user's sessions, or of one session or token (after a change of role,
   * customer, name or standing, or a revoked token), so the next request is checked against the database again.
   */
  forget(who: { userId?: string; sessionId?: string }): void;
  /** An API token for scripts, named, until `expiresAt`. */
  createApiToken(userId: string, name: string, expiresAt: Date): Promise<{ token: string; id: string }>;
}

/**
 * A checked session is trusted for this long without asking the database again: the inbox at 100 requests a second
 * spent two of its three round trips per request on the session (look-up and last-use write). Changes made through
 * this process (logout, role change, deactivation, a revoked token) take effect at once (`forgetUser`); made by
 * another process, within this time.
 */
export const SESSION_RECHECK_MS = 5_000;
/** A session's `last_used_at` is written at most this often (a write per request was the other round trip). */
export const SESSION_TOUCH_MS = 60_000;
/** Sessions remembered at most (the oldest is forgotten first). */
const SESSION_CACHE_SIZE = 10_000;

interface CheckedSession {
  actor: Actor;
  /** Trusted without a database look-up until then (ms), and never past the session's own expiry. */
  recheckAt: number;
  expiresAt: number;
  touchedAt: number;
}

// A login for an unknown email still verifies a real hash, so both answers take the same time.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

/** Creates the auth service; tokens are stored only as an HMAC keyed by `secret`. */
export function createAuthService(options: {
  db: Db;
  secret: string;
  ttlHours: number;
  now?: () => Date;
}): AuthService {
  const { db, secret } = options;
  const now = options.now ?? (() => new Date());
  const hashToken = (token: string) => createHmac('sha256', secret).update(token).digest('hex');
  const newToken = () => `smt_${randomBytes(32).toString('base64url')}`;
  const checked = new Map<string, CheckedSession>();
  const forget = (match: (session: CheckedSession) => boolean) => {
    for (const [hash, session] of checked) if (match(session)) checked.delete(hash);
  };

  return {
    async login(email, password) {
      const user = await findUserForLogin(db, email.trim());
      const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), password);
      if (!user || !ok || !user.active) return undefined;
      const token = newToken();
      const expiresAt = new Date(now().getTime() + options.ttlHours * 3_600_000);
      await insertSession(db, { userId: user.id, tokenHash: hashToken(token), kind: 'session', expiresAt });
      const { passwordHash: _hash, ...publicUser } = user;
      return { token, user: publicUser, expiresAt };
    },
    async authenticate(token) {
      if (!token.startsWith('smt_') || token.length > 200) return undefined;
      const at = now();
      const hash = hashToken(token);
      const known = checked.get(hash);
      if (known && at.getTime() < known.recheckAt && at.getTime() < known.expiresAt) return known.actor;
      checked.delete(hash);
      const found = await findSessionUser(db, hash, at);
      if (!found) return undefined;
      const touchedAt = Math.max(found.lastUsedAt?.getTime() ?? 0, known?.touchedAt ?? 0);
      if (at.getTime() - touchedAt >= SESSION_TOUCH_MS) await touchSession(db, found.sessionId, at);
      const { user } = found;
      const actor: Actor = {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        customerId: user.customerId,
        sessionId: found.sessionId,
      };
      if (checked.size >= SESSION_CACHE_SIZE) checked.delete(checked.keys().next().value as string);
      checked.set(hash, {
        actor,
        recheckAt: at.getTime() + SESSION_RECHECK_MS,
        expiresAt: found.expiresAt.getTime(),
        touchedAt: at.getTime() - touchedAt >= SESSION_TOUCH_MS ? at.getTime() : touchedAt,
      });
      return actor;
    },
    async logout(sessionId) {
      await revokeSession(db, sessionId);
      forget((session) => session.actor.sessionId === sessionId);
    },
    forget(who) {
      forget((session) => session.actor.userId === who.userId || session.actor.sessionId === who.sessionId);
    },
    async createApiToken(userId, name, expiresAt) {
      const token = newToken();
      const { id } = await insertSession(db, {
        userId,
        tokenHash: hashToken(token),
        kind: 'api_token',
        name,
        expiresAt,
      });
      return { token, id };
    },
  };
}
