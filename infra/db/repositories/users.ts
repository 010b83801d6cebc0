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
export async function findUserForLogin(
  db: DbOrTrx,
  email: string,
): Promise<(User & { passwordHash: string }) | undefined> {
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

/** Stores a session or API token by its hash; both always expire. */
export async function insertSession(
  db: DbOrTrx,
  session: { userId: string; tokenHash: string; kind: 'session' | 'api_token'; name?: string; expiresAt: Date },
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
): Promise<
  { sessionId: string; kind: 'session' | 'api_token'; expiresAt: Date; lastUsedAt: Date | null; user: User } | undefined
> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select([
      'sessions.id as session_id',
      'sessions.kind as session_kind',
      'sessions.expires_at as session_expires_at',
      'sessions.last_used_at as session_last_used_at',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('sessions.expires_at', 'is', null), eb('sessions.expires_at', '>', now)]))
    .where('users.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_id, session_kind, session_expires_at, session_last_used_at, ...user } = row;
  return {
    sessionId: session_id,
    kind: session_kind,
    // Every session and token expires (constraint sessions_bounded_check).
    expiresAt: new Date(session_expires_at as Date),
    lastUsedAt: session_last_used_at ? new Date(session_last_used_at) : null,
    user: toUser(user),
  };
}

export async function touchSession(db: DbOrTrx, sessionId: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', sessionId).execute();
}

/** Why a session or token ended before its expiry. */
export type RevocationReason = 'logout' | 'revoked' | 'role changed' | 'deactivated';

export async function revokeSession(
  db: DbOrTrx,
  sessionId: string,
  reason: RevocationReason = 'logout',
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** An API token as its owner sees it (never the token itself). */
export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

/** The live (unrevoked, unexpired) API tokens of one user, newest first. */
export async function listApiTokens(db: DbOrTrx, userId: string, now: Date): Promise<ApiTokenView[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'name', 'created_at', 'expires_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('kind', '=', 'api_token')
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  const iso = (d: Date | string) => new Date(d).toISOString();
  return rows.map((r) => ({
    id: r.id,
    name: r.name ?? '',
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at as Date),
    lastUsedAt: r.last_used_at ? iso(r.last_used_at) : null,
  }));
}

/** Revokes one live API token, of `ownerId` unless null (an admin revoking anyone's); false when there is none. */
export async function revokeApiToken(db: DbOrTrx, id: string, ownerId: string | null): Promise<boolean> {
  let update = db
    .updateTable('sessions')
    .set({ revoked_at: new Date(), revoked_reason: 'revoked' })
    .where('id', '=', id)
    .where('kind', '=', 'api_token')
    .where('revoked_at', 'is', null);
  if (ownerId !== null) update = update.where('user_id', '=', ownerId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ends a user's API tokens (on a role change) or every session and token (on deactivation); returns how many. */
export async function revokeUserCredentials(
  db: DbOrTrx,
  userId: string,
  reason: 'role changed' | 'deactivated',
): Promise<number> {
  let update = db
    .updateTable('sessions')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (reason === 'role changed') update = update.where('kind', '=', 'api_token');
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
