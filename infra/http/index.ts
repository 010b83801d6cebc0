export { createApp, type AppOptions } from './app';
export {
  AppError,
  BusinessRuleError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  type ErrorCode,
} from './errors';
export { errorMiddleware, notFoundHandler, type ErrorBody } from './error-middleware';
export { validate, type RequestSchemas } from './validate';
export {
  AUTHENTICATED,
  ErrorBodySchema,
  buildOpenApiDocument,
  createOpenApiRegistry,
  errorResponses,
  OpenAPIRegistry,
} from './openapi';
export { createMetrics, type Metrics } from './metrics';
export { runHealthChecks, type HealthCheck } from './health';
export { listen, type RunningServer } from './server';
export type { RouterFactory, ServiceDeps } from './service-deps';
