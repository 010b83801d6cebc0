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
  /** An API token for scripts, named, until `expiresAt`. */
  createApiToken(userId: string, name: string, expiresAt: Date): Promise<{ token: string; id: string }>;
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
      const found = await findSessionUser(db, hashToken(token), at);
      if (!found) return undefined;
      await touchSession(db, found.sessionId, at);
      const { user } = found;
      return {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        customerId: user.customerId,
        sessionId: found.sessionId,
      };
    },
    async logout(sessionId) {
      await revokeSession(db, sessionId);
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
