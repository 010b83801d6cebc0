/** Every role a user can hold (DESIGN.md, Roles). */
export const ROLES = [
  'customer',
  'sales',
  'sales_manager',
  'engineer',
  'production',
  'qa',
  'warehouse',
  'finance',
  'manager',
  'admin',
] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Roles that see every task and every customer's records. */
export const OVERSEER_ROLES: readonly Role[] = ['manager', 'admin'];

/** True when `value` names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
