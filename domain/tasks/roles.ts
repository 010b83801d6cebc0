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

/** Each role as people name it, in English and Chinese: the pages (ui/src/strings.ts) and the mails say the same. */
export const ROLE_NAMES: Record<Role, { en: string; zh: string }> = {
  customer: { en: 'Customer', zh: '客户' },
  sales: { en: 'Sales', zh: '销售' },
  sales_manager: { en: 'Sales manager', zh: '销售经理' },
  engineer: { en: 'Engineer', zh: '工程' },
  production: { en: 'Production', zh: '生产' },
  qa: { en: 'QA', zh: '品质' },
  warehouse: { en: 'Warehouse', zh: '仓库' },
  finance: { en: 'Finance', zh: '财务' },
  manager: { en: 'Manager', zh: '经理' },
  admin: { en: 'Admin', zh: '管理员' },
};

/** Roles that see every task and every customer's records. */
export const OVERSEER_ROLES: readonly Role[] = ['manager', 'admin'];

/** True when `value` names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
