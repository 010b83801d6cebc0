import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { Logger } from 'pino';
import { authenticate } from '../auth/middleware';
import type { AuthService } from '../auth/sessions';
import { errorMiddleware, notFoundHandler } from './error-middleware';
import { buildOpenApiDocument, type OpenAPIRegistry } from './openapi';
import { metricsHandler, type Metrics } from './metrics';
import { requireSameOrigin } from './same-origin';
import { healthHandler, readyHandler, type HealthCheck } from './health';
import { acceptOldMoneyNames, refuseNulCharacters } from './validate';

/** Everything the app factory needs; routers are already built with their deps. */
export interface AppOptions {
  logger: Logger;
  auth: AuthService;
  openapi: OpenAPIRegistry;
  metrics: Metrics;
  /** Routers mounted at /api, in order. */
  routers: express.Router[];
  /** What /healthz checks (database, Temporal, mail). */
  healthChecks: HealthCheck[];
  /** /readyz answers 200 once this returns true. */
  isReady: () => boolean;
  title?: string;
  version?: string;
  publicUrl?: string;
  /** Extra handlers served before the API (the admin UI's static files, for instance). */
  before?: RequestHandler[];
  /** Peers allowed to set X-Forwarded-* (express `trust proxy`); none by default, so clients cannot pick their address. */
  trustedProxies?: string[];
  /** Origins, besides the server's own, that cookie-authenticated state changes may come from. */
  allowedOrigins?: string[];
  /** Serve /metrics on this app only to `Authorization: Bearer <metricsToken>`; without one it is not served here. */
  metricsToken?: string;
}

/**
 * Builds the express app every process serves: security headers, request logs, metrics, authentication,
 * the routers under /api, health and readiness, the OpenAPI document and Swagger UI, and one error handler.
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Rate limits key on req.ip: only configured proxies may tell us the client's address.
  app.set('trust proxy', options.trustedProxies?.length ? options.trustedProxies : false);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: options.logger,
      // Health probes every few seconds would drown the log.
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      // Only what identifies the request: headers carry bearer tokens and session cookies.
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );
  app.use(options.metrics.middleware);
  app.use(express.json({ limit: '1mb' }));
  app.use(refuseNulCharacters);
  app.use(acceptOldMoneyNames);
  app.use(cookieParser());
  app.use(authenticate(options.auth));
  app.use(
    requireSameOrigin([
      ...(options.allowedOrigins ?? []),
      ...(options.publicUrl ? [new URL(options.publicUrl).origin] : []),
    ]),
  );

  app.get('/healthz', healthHandler(options.healthChecks));
  app.get('/readyz', readyHandler(options.isReady));
  app.get('/metrics', metricsHandler(options.metrics, { token: options.metricsToken }));

  for (const handler of options.before ?? []) app.use(handler);
  for (const router of options.routers) app.use('/api', router);

  // The document is built on first request, after every router registered its paths.
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  const getDocument = () =>
    (document ??= buildOpenApiDocument(options.openapi, {
      title: options.title ?? 'SMT Works API',
      version: options.version ?? '0.1.0',
      serverUrl: options.publicUrl,
    }));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(getDocument());
  });
  app.use('/api/docs', swaggerUi.serve, (req: express.Request, res: express.Response, next: express.NextFunction) => {
    swaggerUi.setup(getDocument(), { customSiteTitle: 'SMT Works API' })(req, res, next);
  });

  app.use('/api', notFoundHandler);
  app.use(errorMiddleware(options.logger));
  return app;
}
