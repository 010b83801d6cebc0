import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TemporalConnections } from '../../infra/temporal/connection';

/** Retries `check` until it stops throwing, or fails with its last error after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** The test environment's connections in the shape the platform takes (closing stays with the environment). */
export function connectionsOf(env: TestWorkflowEnvironment): TemporalConnections {
  return {
    address: 'test-environment',
    namespace: env.namespace ?? 'default',
    connection: env.connection,
    client: env.client,
    nativeConnection: async () => env.nativeConnection,
    close: async () => undefined,
  };
}

/** A small JSON client for the API under test. */
export function apiClient(baseUrl: string) {
  async function call(method: string, path: string, options: { token?: string; body?: unknown; cookie?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json };
  }
  return {
    call,
    get: (path: string, token?: string) => call('GET', path, { token }),
    post: (path: string, body: unknown, token?: string) => call('POST', path, { body, token }),
    async login(email: string, password = 'demo'): Promise<string> {
      const r = await call('POST', '/api/auth/login', { body: { email, password } });
      if (r.status !== 200) throw new Error(`login ${email} answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
  };
}
