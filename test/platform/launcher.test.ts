import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../infra/config';
import { startPlatform, type RunningPlatform } from '../../infra/launcher/platform';
import { apiClient } from './helpers';

const logger = pino({ level: 'silent' });

describe('the embedded launcher on a fresh DATA_DIR', () => {
  let dataDir: string;
  let platform: RunningPlatform | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'smt-launcher-'));
  });
  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Everything on free ports; only the platform's own services, so the test does not depend on other contexts.
  const start = () =>
    startPlatform({
      config: loadConfig({
        DATA_DIR: dataDir,
        PORT: '0',
        TEMPORAL_DEV_PORT: '0',
        SMTP_CATCHER_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
      logger,
      services: ['auth', 'tasks'],
      workers: [],
    });

  test('starts Temporal, PGlite and the mail catcher itself, seeds the demo users, and keeps data across a restart', async () => {
    platform = await start();
    expect(platform.embeddedTemporal).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(platform.mailCatcher?.address).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    let api = apiClient(platform.url);
    expect((await api.get('/healthz')).body).toEqual({
      status: 'ok',
      checks: { database: 'ok', temporal: 'ok', mail: 'ok' },
    });
    const token = await api.login('engineer@demo.local');
    expect((await api.get('/api/auth/me', token)).body.role).toBe('engineer');
    const apiToken = (await api.post('/api/auth/tokens', { name: 'script' }, token)).body.token as string;
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    await platform.stop();
    platform = undefined;

    platform = await start();
    api = apiClient(platform.url);
    // The token made before the restart still works: the database lives in DATA_DIR.
    expect((await api.get('/api/auth/me', apiToken)).body.email).toBe('engineer@demo.local');
    expect(
      (
        await platform.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ).toBe(11);
  }, 120_000);
});
