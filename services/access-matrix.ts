/**
 * Who may call each endpoint of the API, in one table. `test/security/api-surface.test.ts` reads the OpenAPI
 * document the app serves and calls every operation as every role (and anonymously), against a record of the
 * caller's own customer and of another customer, and checks each answer against this table; an operation without
 * a row fails the test. Add the row with the route.
 *
 * - `who`: `anyone` (no sign-in needed), `signed-in` (every role), or the roles allowed. Anonymous callers get 401
 *   where a sign-in is needed, other roles 403.
 * - `records`: how the record named in the path is guarded beyond the role.
 *   `customer`: a customer user reaches only its own customer's records; another customer's record answers
 *   exactly like one that does not exist (404), so its existence is not revealed. Staff roles reach every customer's.
 *   `task`: a task is seen by its role and by managers and admins (a customer user: its own customer's tasks only);
 *   to anyone else it does not exist.
 * - `rolesOfTarget`: the task, step or record kind the path names has roles of its own (a task is completed by its
 *   role; customers do not assign tasks), checked once the record is found: a 403 from it still reached the record.
 */
import { ROLES, type Role } from '../domain/tasks/roles';
import { QUOTE_CUSTOMER_STEP_ROLES } from '../domain/quote/task-kinds';

export interface AccessRule {
  who: 'anyone' | 'signed-in' | readonly Role[];
  records?: 'customer' | 'task';
  /** The task, step or record kind the path names has roles of its own, checked once the record is found. */
  rolesOfTarget?: true;
}

const STAFF = ROLES.filter((r) => r !== 'customer');
const QUOTE_REQUESTERS: readonly Role[] = ['customer', 'sales', 'sales_manager', 'manager', 'admin'];
const CUSTOMER_READERS: readonly Role[] = [
  'sales',
  'sales_manager',
  'manager',
  'admin',
  'finance',
  'engineer',
  'production',
  'qa',
  'warehouse',
];

/** Every operation of the API as `METHOD /path` (OpenAPI path syntax). */
export const ACCESS_MATRIX: Record<string, AccessRule> = {
  // auth
  'POST /api/auth/login': { who: 'anyone' },
  'POST /api/auth/logout': { who: 'signed-in' },
  'GET /api/auth/me': { who: 'signed-in' },
  'POST /api/auth/tokens': { who: STAFF },
  'GET /api/auth/tokens': { who: STAFF },
  'DELETE /api/auth/tokens/{id}': { who: STAFF },
  'GET /api/config': { who: 'anyone' },
  'GET /api/dev/mail': { who: ['admin'] },
  'POST /api/admin/reconcile': { who: ['admin'] },
  // users
  'GET /api/users': { who: ['admin', 'manager'] },
  'POST /api/users': { who: ['admin'] },
  'PATCH /api/users/{id}': { who: ['admin'] },
  // tasks and workflows
  'GET /api/task-kinds': { who: 'signed-in' },
  'GET /api/tasks': { who: 'signed-in' },
  'GET /api/tasks/{id}': { who: 'signed-in', records: 'task' },
  'POST /api/tasks/{id}/assign': { who: 'signed-in', records: 'task', rolesOfTarget: true },
  'POST /api/tasks/{id}/complete': { who: 'signed-in', records: 'task', rolesOfTarget: true },
  'GET /api/workflows/{workflowId}': { who: STAFF },
  'GET /api/workflows/{workflowId}/history': { who: STAFF },
  // customers
  'POST /api/customers': { who: ['sales', 'sales_manager', 'manager', 'admin'] },
  'GET /api/customers': { who: CUSTOMER_READERS },
  'GET /api/customers/{id}': { who: 'signed-in', records: 'customer' },
  'POST /api/customers/{id}/audit/visit': { who: ['sales', 'sales_manager'] },
  'POST /api/customers/{id}/audit/result': { who: ['sales', 'sales_manager'] },
  'POST /api/customers/{id}/audit/visit/reschedule': { who: ['sales', 'sales_manager'] },
  'POST /api/customers/{id}/audit/reaudit': { who: ['sales_manager', 'manager'] },
  'POST /api/customers/{id}/corrective-actions/{actionId}/done': { who: ['qa', 'sales', 'manager'] },
  'PUT /api/customers/{id}/payment-terms': { who: ['finance', 'sales_manager', 'manager'] },
  'POST /api/customers/{id}/payment-terms/{requestId}/decision': { who: ['manager'] },
  // quotes
  'POST /api/quotes': { who: QUOTE_REQUESTERS },
  'GET /api/quotes': { who: 'signed-in' },
  'GET /api/quotes/{id}': { who: 'signed-in', records: 'customer' },
  'GET /api/quotes/{id}/pdf': { who: 'signed-in', records: 'customer' },
  'GET /api/quotes/{id}/files/{fileId}': { who: 'signed-in', records: 'customer' },
  'GET /api/quotes/{id}/preview/{side}': { who: 'signed-in', records: 'customer' },
  'POST /api/quotes/{id}/cancel': { who: QUOTE_REQUESTERS, records: 'customer' },
  // The roles the customer's tasks take (a sales manager or admin passing the endpoint was refused by the task).
  'POST /api/quotes/{id}/decision': { who: QUOTE_CUSTOMER_STEP_ROLES, records: 'customer' },
  'POST /api/quotes/{id}/review': { who: ['engineer', 'sales_manager'] },
  'POST /api/quotes/{id}/revisions': { who: QUOTE_CUSTOMER_STEP_ROLES, records: 'customer' },
  // orders
  'GET /api/orders': { who: 'signed-in' },
  'GET /api/orders/{id}': { who: 'signed-in', records: 'customer' },
  'POST /api/orders/{id}/progress': { who: ['production'] },
  'POST /api/orders/{id}/inspections': { who: ['qa'] },
  'POST /api/orders/{id}/payments': { who: ['finance'] },
  'POST /api/orders/{id}/shipments': { who: ['warehouse'] },
  'POST /api/orders/{id}/shipments/delivered': { who: ['warehouse'] },
  'POST /api/orders/{id}/cancel': { who: ['sales_manager'] },
  // after-sales
  'POST /api/rmas': { who: ['customer', 'sales', 'sales_manager', 'manager', 'admin'] },
  'GET /api/rmas': { who: 'signed-in' },
  'GET /api/rmas/{id}': { who: 'signed-in', records: 'customer' },
  'GET /api/rmas/{id}/tasks': { who: 'signed-in', records: 'customer' },
  'GET /api/rmas/{id}/timeline': { who: 'signed-in', records: 'customer' },
  'GET /api/rmas/{id}/penalties': { who: STAFF },
  'GET /api/rma-penalties': { who: ['manager', 'admin', 'sales_manager', 'finance'] },
  'POST /api/rmas/{id}/evidence': { who: 'signed-in', records: 'customer' },
  'GET /api/rmas/{id}/evidence/{evidenceId}': { who: 'signed-in', records: 'customer' },
  'POST /api/rmas/{id}/steps/{step}': { who: 'signed-in', records: 'customer', rolesOfTarget: true },
  'POST /api/rmas/{id}/records/{kind}': { who: 'signed-in', records: 'customer', rolesOfTarget: true },
  'GET /api/rmas/{id}/records': { who: 'signed-in', records: 'customer' },
  'POST /api/rma-penalties/{id}/waive': { who: ['manager', 'admin'] },
};
