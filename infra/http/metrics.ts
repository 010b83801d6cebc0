import { timingSafeEqual } from 'node:crypto';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import express, { type Express, type RequestHandler } from 'express';

/** Prometheus metrics of one process. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  mailSent: Counter<'result'>;
  middleware: RequestHandler;
}

/** Creates a registry with Node's default metrics, HTTP request durations and mail delivery counts. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'smt_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const mailSent = new Counter({
    name: 'smt_mail_delivery_total',
    help: 'Outbox delivery attempts by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the URL, keeps label cardinality bounded. By 'finish' express has reset
      // req.baseUrl, so the /api mount point of every service router is restored from the URL.
      const route = (req.route as { path?: string } | undefined)?.path;
      const mount = req.baseUrl || (req.originalUrl.startsWith('/api/') && !route?.startsWith('/api') ? '/api' : '');
      end({ method: req.method, route: route ? `${mount}${route}` : 'unmatched', status: String(res.statusCode) });
    });
    next();
  };
  return { registry, httpDuration, mailSent, middleware };
}

/** Who may read /metrics on a listener: anyone who reaches it (the loopback port), or bearers of a token. */
export type MetricsAccess = 'open' | { token?: string };

/**
 * GET /metrics. On the public port only `Authorization: Bearer <METRICS_TOKEN>` reads it (401 otherwise), and
 * without a token configured it answers 404, so anonymous callers never see process internals.
 */
export function metricsHandler(metrics: Metrics, access: MetricsAccess): RequestHandler {
  const expected = access !== 'open' && access.token ? Buffer.from(`Bearer ${access.token}`) : undefined;
  return (req, res, next) => {
    if (access !== 'open') {
      if (!expected) {
        res.status(404).json({
          error: {
            code: 'not_found',
            message: 'metrics are served on METRICS_PORT (loopback) or with METRICS_TOKEN',
          },
        });
        return;
      }
      const given = Buffer.from(req.get('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="metrics"')
          .json({ error: { code: 'unauthenticated', message: 'metrics need Authorization: Bearer <METRICS_TOKEN>' } });
        return;
      }
    }
    metrics.registry
      .metrics()
      .then((text) => res.type(metrics.registry.contentType).send(text))
      .catch(next);
  };
}

/** The app of the loopback-only metrics listener (METRICS_PORT): /metrics and nothing else. */
export function createMetricsApp(metrics: Metrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(metrics, 'open'));
  return app;
}
