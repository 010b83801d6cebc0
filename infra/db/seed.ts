import { sql } from 'kysely';
import type { Db } from './database';
import { ROLES, type Role } from '../../domain/tasks/roles';
import { hashPassword } from '../auth/passwords';

/** The demo customer's code and name. */
export const DEMO_CUSTOMER = { code: 'DEMO', name: 'Demo Electronics Co.' } as const;
/** Password of every demo user. */
export const DEMO_PASSWORD = 'demo';

/** The demo accounts: `<role>@demo.local` for each role, plus buyer@demo.local for the demo customer. */
export function demoAccounts(): { email: string; role: Role; displayName: string; ofDemoCustomer: boolean }[] {
  const staff = ROLES.map((role) => ({
    email: `${role}@demo.local`,
    role,
    displayName: `Demo ${role.replace('_', ' ')}`,
    ofDemoCustomer: role === 'customer',
  }));
  return [...staff, { email: 'buyer@demo.local', role: 'customer', displayName: 'Demo buyer', ofDemoCustomer: true }];
}

/**
 * Creates the demo customer and users when missing; running it again changes nothing.
 * Returns the emails created this time.
 */
export async function seedDemo(db: Db, currency = 'CNY'): Promise<string[]> {
  // Every start seeds; one query spares the password hash (argon2, deliberately slow) when all accounts exist.
  const emails = demoAccounts().map((a) => a.email);
  const present = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(sql<string>`lower(email)`, 'in', emails)
    .executeTakeFirstOrThrow();
  if (Number(present.n) === emails.length) return [];
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('customers')
      .values({ code: DEMO_CUSTOMER.code, name: DEMO_CUSTOMER.name, currency, status: 'approved' })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    const customer = await trx
      .selectFrom('customers')
      .select('id')
      .where('code', '=', DEMO_CUSTOMER.code)
      .executeTakeFirstOrThrow();
    const created: string[] = [];
    for (const account of demoAccounts()) {
      const r = await trx
        .insertInto('users')
        .values({
          email: account.email,
          display_name: account.displayName,
          password_hash: passwordHash,
          role: account.role,
          customer_id: account.ofDemoCustomer ? customer.id : null,
        })
        .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) created.push(account.email);
    }
    return created;
  });
}
