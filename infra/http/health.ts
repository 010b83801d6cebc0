import type { RequestHandler } from 'express';

/** One dependency /healthz checks; `check` rejects when it is unreachable. */
export interface HealthCheck {
  name: string;
  check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 3_000;

/** Runs `checks` concurrently, each bounded in time. */
export async function runHealthChecks(checks: HealthCheck[]): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
          }),
        ]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, `down: ${(error as Error).message}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: results.every(([, s]) => s === 'ok'), checks: Object.fromEntries(results) };
}

/** GET /healthz: 200 when every dependency answers, else 503 naming the ones that do not. */
export function healthHandler(checks: HealthCheck[]): RequestHandler {
  return (_req, res, next) => {
    runHealthChecks(checks)
      .then(({ ok, checks: results }) =>
        res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks: results }),
      )
      .catch(next);
  };
}

/** GET /readyz: 200 once start-up finished (migrations, workers), 503 before and while shutting down. */
export function readyHandler(isReady: () => boolean): RequestHandler {
  return (_req, res) => {
    const ready = isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting' });
  };
}
