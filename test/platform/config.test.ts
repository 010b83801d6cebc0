import { ConfigError, loadConfig } from '../../infra/config';

describe('loadConfig', () => {
  test('defaults describe the embedded mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toMatch(/\.data$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default' });
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config.seedDemo).toBe(true);
    expect(config.business).toMatchObject({
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      workingDays: [1, 2, 3, 4, 5, 6],
    });
    expect(config.business.workingHours).toEqual({ start: '08:00', end: '20:00' });
  });

  test('real services come from the environment and turn the demo seed off', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/smt',
      TEMPORAL_ADDRESS: 'temporal:7233',
      SMTP_URL: 'smtp://mail:1025',
      SESSION_SECRET: 'a-long-enough-secret',
      PORT: '8080',
    });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgres://u:p@db:5432/smt', seedDemo: false });
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.mail.smtpUrl).toBe('smtp://mail:1025');
  });

  test('every bad value is reported by variable name', () => {
    const attempt = () =>
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', TEMPORAL_ADDRESS: 'nohost' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const names = (e as ConfigError).problems.map((p) => p.variable).sort();
      expect(names).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'TEMPORAL_ADDRESS']);
      expect((e as Error).message).toMatch(
        /DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//,
      );
      expect((e as Error).message).toContain('PORT: must be a port number from 0 to 65535');
    }
  });

  test('a real database requires a session secret, and business hours must make sense', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/smt' })).toThrow(/SESSION_SECRET: is required/);
    expect(() => loadConfig({ WORKING_HOURS_START: '20:00', WORKING_HOURS_END: '08:00' })).toThrow(/WORKING_HOURS_END/);
    expect(() => loadConfig({ TIME_ZONE: 'Mars/Olympus' })).toThrow(/unknown IANA time zone/);
    expect(() => loadConfig({ CURRENCY: 'yuan' })).toThrow(/CURRENCY: must be an ISO 4217 code/);
  });
});
