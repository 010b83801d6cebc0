import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_ENV_VARS, loadConfig } from '../../infra/config';
import { buildProgram } from '../../infra/cli/main';
import { TASK_QUEUES } from '../../infra/temporal/task-queues';

// No Docker engine runs here, so the compose file and the Dockerfile are checked for structure: every part
// is there, the settings are ones the config understands, and every command is one the CLI has.

const ROOT = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      command?: string[];
      environment?: Record<string, string>;
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
    }
  >;
};
const services = compose.services;
const APP_SERVICES = ['api', 'quote', 'production', 'rma', 'worker-quote', 'worker-production', 'worker-rma'];

let program: ReturnType<typeof buildProgram>;
beforeAll(() => {
  program = buildProgram();
});

describe('docker-compose.yml', () => {
  test('holds PostgreSQL, a real Temporal on it, Temporal UI, a mail catcher, and every service and worker', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'mailpit', ...APP_SERVICES]),
    );
    expect(services.postgresql.image).toMatch(/^postgres:\d+/);
    expect(services.temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services.temporal.depends_on?.postgresql.condition).toBe('service_healthy');
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit/);
  });

  test.each(APP_SERVICES)(
    '%s is built from the Dockerfile, health-checked, and configured with known settings',
    (name) => {
      const s = services[name];
      expect(s.build).toBe('.');
      expect(s.healthcheck?.test.join(' ')).toContain('/readyz');
      const env = s.environment ?? {};
      for (const key of Object.keys(env)) expect(CONFIG_ENV_VARS).toContain(key);
      const config = loadConfig(env);
      expect(config.databaseUrl).toBeDefined();
      expect(config.temporal.address).toBeDefined();
      expect(config.mail.smtpUrl).toBeDefined();
      // Every address points at a container of this file.
      expect(Object.keys(services)).toContain(new URL(config.databaseUrl!).hostname);
      expect(Object.keys(services)).toContain(config.temporal.address!.split(':')[0]);
      expect(Object.keys(services)).toContain(new URL(config.mail.smtpUrl!).hostname);
      for (const dep of ['postgresql', 'temporal']) expect(s.depends_on?.[dep].condition).toBe('service_healthy');
    },
  );

  test.each(APP_SERVICES)('%s runs a command the smt CLI has', (name) => {
    const [verb, ...args] = services[name].command ?? [];
    expect(program.commands.map((c) => c.name())).toContain(verb);
    if (verb === 'worker') {
      for (const queue of args) expect(TASK_QUEUES).toContain(queue);
    } else {
      expect(verb).toBe('serve');
      for (const service of args) {
        expect(existsSync(join(ROOT, 'services', service, 'router.ts'))).toBe(true);
      }
    }
  });
});

describe('the browser app container', () => {
  const nginx = readFileSync(join(ROOT, 'ui', 'nginx.conf'), 'utf8');
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  test("is built from the Dockerfile's ui stage, health-checked, and waits for the API services", () => {
    const ui = services.ui as {
      build?: { context: string; target: string };
      depends_on?: Record<string, { condition: string }>;
      healthcheck?: { test: string[] };
    };
    expect(ui.build).toEqual({ context: '.', target: 'ui' });
    expect(dockerfile).toMatch(/^FROM \S+ AS ui$/m);
    expect(dockerfile).toMatch(/^RUN npm run ui:build$/m);
    expect(Object.keys(ui.depends_on ?? {}).sort()).toEqual(['api', 'production', 'quote', 'rma']);
    expect(ui.healthcheck?.test.join(' ')).toContain('8080');
    // The runtime image stays the default target: it is the last stage.
    expect(
      dockerfile
        .trim()
        .split(/^FROM /m)
        .pop(),
    ).toMatch(/AS runtime/);
  });

  test('routes every API path to a container that serves it', () => {
    const routes: Array<[RegExp, string]> = [
      ...nginx.matchAll(/location ~ (\S+)\s+\{ proxy_pass http:\/\/([a-z-]+):3000; \}/g),
    ].map((m) => [new RegExp(m[1]), m[2]]);
    const fallback = /location \/api\/\s+\{ proxy_pass http:\/\/([a-z-]+):3000; \}/.exec(nginx)?.[1];
    const target = (path: string) => routes.find(([re]) => re.test(path))?.[1] ?? fallback;
    const servedBy = (container: string) => (services[container].command ?? []).slice(1);
    expect(servedBy(target('/api/quotes/123')!)).toContain('quote');
    expect(servedBy(target('/api/orders')!)).toContain('production');
    expect(servedBy(target('/api/rmas/1/timeline')!)).toContain('rma');
    expect(servedBy(target('/api/rma-penalties')!)).toContain('rma');
    for (const path of ['/api/auth/login', '/api/tasks', '/api/customers', '/api/workflows/x/history']) {
      expect(servedBy(target(path)!)).toEqual(
        expect.arrayContaining([path.split('/')[2] === 'customers' ? 'customer' : path.split('/')[2]]),
      );
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');

  test('is multi-stage, runs as a non-root user, and starts the smt CLI', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    const user = /^USER (\S+)/m.exec(dockerfile)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/smt"]');
    expect(dockerfile).toContain('HEALTHCHECK');
    expect(existsSync(join(ROOT, 'bin', 'smt'))).toBe(true);
  });

  test('.dockerignore keeps local state and dependencies out of the image', () => {
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', '.git', '.data']));
  });
});
