import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

export { OpenAPIRegistry };

/** The error body every endpoint may answer with. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      field: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Creates the registry routers add their paths to; bearer auth is declared once here. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'cookieAuth', { type: 'apiKey', in: 'cookie', name: 'smt_session' });
  return registry;
}

/** Standard error answers to add to a route's `responses`. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 422 | 429)[]): RouteConfig['responses'] {
  const text: Record<number, string> = {
    400: 'Invalid input (the message names the field)',
    401: 'Not authenticated',
    403: 'Not allowed for this role or record',
    404: 'Not found',
    409: 'Conflicts with the current state',
    422: 'A business rule forbids it',
    429: 'Too many requests',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: text[s], content: { 'application/json': { schema: ErrorBodySchema } } }]),
  );
}

/** Security requirement for routes that need a logged-in user. */
export const AUTHENTICATED: RouteConfig['security'] = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** Builds the OpenAPI 3.1 document from everything registered. */
export function buildOpenApiDocument(
  registry: OpenAPIRegistry,
  info: { title: string; version: string; serverUrl?: string },
) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Money is integer fen, in fields named `…Fen` (USD: `…UsdCents`). Request bodies still accept the old names ' +
        '`…Minor` (`amountMinor`, `creditLimitMinor`, …) for the same fields; sending both with different values is ' +
        'refused (400 naming the field). Responses use only `…Fen`.',
    },
    servers: info.serverUrl ? [{ url: info.serverUrl }] : undefined,
  });
}
