import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';

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
