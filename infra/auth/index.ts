export { hashPassword, verifyPassword } from './passwords';
export { createAuthService, type Actor, type AuthService } from './sessions';
export {
  SESSION_COOKIE,
  actorOf,
  assertCustomerAccess,
  authenticate,
  canAccessCustomer,
  customerScope,
  isOverseer,
  requireAuth,
  requireRole,
} from './middleware';
export { ROLES, OVERSEER_ROLES, isRole, type Role } from './roles';
