export { ROLES, OVERSEER_ROLES, isRole, type Role } from '../../domain/tasks/roles';
