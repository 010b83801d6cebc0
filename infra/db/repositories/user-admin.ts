import type { DbOrTrx } from '../database';
import type { Role } from '../../../domain/tasks/roles';
import { toUser, type User } from './users';

/** Every user, by email (the admin page's list). */
export async function listUsers(db: DbOrTrx): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('email').execute();
  return rows.map(toUser);
}

/** The fields an admin may change on a user. */
export interface UserChange {
  displayName?: string;
  role?: Role;
  customerId?: string | null;
  /** False deactivates: the user can no longer log in, and every session and token ends. */
  active?: boolean;
}

/** Applies `change` to the user; undefined when no such user. */
export async function updateUser(db: DbOrTrx, id: string, change: UserChange): Promise<User | undefined> {
  const row = await db
    .updateTable('users')
    .set({
      ...(change.displayName !== undefined && { display_name: change.displayName }),
      ...(change.role !== undefined && { role: change.role }),
      ...(change.customerId !== undefined && { customer_id: change.customerId }),
      ...(change.active !== undefined && { active: change.active }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toUser(row);
}

/** True when a customer with this id exists. */
export async function customerExists(db: DbOrTrx, id: string): Promise<boolean> {
  const row = await db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
