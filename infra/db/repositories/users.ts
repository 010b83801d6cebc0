import { sql } from 'kysely';
import type { DbOrTrx } from '../database';
import type { UserRow } from '../schema';
import type { Role } from '../../../domain/tasks/roles';

/** A user as the rest of the system sees it (no password hash). */
export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  customerId: string | null;
  active: boolean;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role as Role,
    customerId: row.customer_id,
    active: row.active,
  };
}

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  customerId?: string | null;
}

export async function createUser(db: DbOrTrx, user: NewUser): Promise<User> {
  const row = await db
    .insertInto('users')
    .values({
      email: user.email.toLowerCase(),
      display_name: user.displayName,
      password_hash: user.passwordHash,
      role: user.role,
      customer_id: user.customerId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

/** The user with this email (case-insensitive) together with its password hash, for login. */
export async function findUserForLogin(db: DbOrTrx, email: string): Promise<(User & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row && { ...toUser(row), passwordHash: row.password_hash };
}

export async function getUser(db: DbOrTrx, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** Active users holding one of `roles` (reminder and escalation recipients). */
export async function listActiveUsersByRole(db: DbOrTrx, roles: readonly Role[]): Promise<User[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('role', 'in', [...roles])
    .where('active', '=', true)
    .orderBy('email')
    .execute();
  return rows.map(toUser);
}

/** Active customer users of one customer. */
export async function listCustomerUsers(db: DbOrTrx, customerId: string): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('active', '=', true)
    .orderBy('email')
    .execute();
  return rows.map(toUser);
}

/** Stores a session or API token by its hash. */
export async function insertSession(
  db: DbOrTrx,
  session: { userId: string; tokenHash: string; kind: 'session' | 'api_token'; name?: string; expiresAt: Date | null },
): Promise<{ id: string }> {
  return db
    .insertInto('sessions')
    .values({
      user_id: session.userId,
      token_hash: session.tokenHash,
      kind: session.kind,
      name: session.name ?? null,
      expires_at: session.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** The user behind a token hash if the session is live (not revoked, not expired, user active). */
export async function findSessionUser(
  db: DbOrTrx,
  tokenHash: string,
  now: Date,
): Promise<{ sessionId: string; kind: 'session' | 'api_token'; user: User } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id as session_id', 'sessions.kind as session_kind'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('sessions.expires_at', 'is', null), eb('sessions.expires_at', '>', now)]))
    .where('users.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_id, session_kind, ...user } = row;
  return { sessionId: session_id, kind: session_kind, user: toUser(user) };
}

export async function touchSession(db: DbOrTrx, sessionId: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', sessionId).execute();
}

export async function revokeSession(db: DbOrTrx, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}
