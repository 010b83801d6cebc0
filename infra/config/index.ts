import { z } from 'zod';
import { resolve } from 'node:path';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses an env flag written as true/false/1/0/yes/no. */
const envFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be one of true, false, 1, 0, yes, no' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number from 0 to 65535' })
    .int('must be a port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65535, 'must be a port number from 0 to 65535')
    .default(fallback);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM');

const urlWithProtocols = (protocols: string[]) =>
  z
    .url({ error: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` })
    .refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
      error: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

/**
 * Every setting the system reads from the environment, each with its default. The keys are the
 * environment variable names, so docs, docker-compose.yml and the checks stay in step.
 */
export const configEnvSchema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: urlWithProtocols(['postgres', 'postgresql']).optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_URL: z.url().optional(),
  SMTP_URL: urlWithProtocols(['smtp', 'smtps']).optional(),
  SMTP_CATCHER_PORT: port(1025),
  MAIL_FROM: z.string().min(3).default('SMT Works <noreply@smt-works.local>'),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SESSION_TTL_HOURS: z.coerce
    .number({ error: 'must be a number of hours' })
    .positive('must be a positive number of hours')
    .default(12),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  SEED_DEMO: envFlag.optional(),
  PUBLIC_URL: z.url().optional(),
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
    .default('CNY'),
  TIME_ZONE: z.string().min(1).default('Asia/Shanghai'),
  WORKING_DAYS: z
    .string()
    .regex(/^[1-7](,[1-7])*$/, 'must be ISO weekday numbers separated by commas, e.g. 1,2,3,4,5,6')
    .default('1,2,3,4,5,6'),
  WORKING_HOURS_START: hhmm.default('08:00'),
  WORKING_HOURS_END: hhmm.default('20:00'),
  HOLIDAY_CALENDAR_FILE: z.string().min(1).optional(),
  TRUSTED_PROXIES: z
    .string()
    .regex(
      /^[\w.:/-]+(,[\w.:/-]+)*$/,
      'must be addresses, CIDR ranges or loopback / linklocal / uniquelocal, separated by commas',
    )
    .optional(),
  ALLOWED_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()))
    .pipe(z.array(urlWithProtocols(['http', 'https']).transform((u) => new URL(u).origin)))
    .optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: port(0).optional(),
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(1, 'must be at least 1')
    .default(20),
  LOGIN_FAILURES_PER_ACCOUNT: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(1, 'must be at least 1')
    .default(10),
  UPLOAD_MAX_IN_FLIGHT_MB: z.coerce
    .number({ error: 'must be a number of megabytes' })
    .int()
    .min(1, 'must be at least 1 MB')
    .default(512),
});

/** The environment variables the system understands. */
export const CONFIG_ENV_VARS = Object.keys(configEnvSchema.shape) as (keyof typeof configEnvSchema.shape)[];

/** The validated configuration of one process. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL URL; absent means the embedded PGlite database in `dataDir`. */
  databaseUrl?: string;
  temporal: {
    /** Real cluster address; absent means the launcher starts the embedded server. */
    address?: string;
    namespace: string;
    devServerPort: number;
    uiUrl?: string;
  };
  mail: {
    /** Real SMTP server; absent means the in-process catcher. */
    smtpUrl?: string;
    catcherPort: number;
    from: string;
  };
  /** `secret` keys the stored token hashes. */
  session: { secret: string; ttlHours: number };
  logLevel: (typeof logLevels)[number];
  http: {
    /** Express `trust proxy`: only these peers may set X-Forwarded-For / -Proto; none by default. */
    trustedProxies: string[];
    /** Origins a cookie-authenticated state change may come from (PUBLIC_URL's and ALLOWED_ORIGINS). */
    allowedOrigins: string[];
    /** With a token, /metrics on the main port wants `Authorization: Bearer <token>`. */
    metricsToken?: string;
    /** With a port, /metrics is also served on 127.0.0.1 at this port, without a token. */
    metricsPort?: number;
    /** Login attempts per client address per minute; failed logins per account per 15 minutes. */
    loginLimits: { attemptsPerMinute: number; failuresPerAccount: number };
    /** Bytes of uploads all requests may have in flight at once (429 beyond). */
    uploadMaxInFlightBytes: number;
  };
  /** Whether the demo users are created at start (default: only in embedded mode). */
  seedDemo: boolean;
  publicUrl: string;
  business: {
    currency: string;
    timeZone: string;
    /** ISO weekday numbers, Monday = 1. */
    workingDays: number[];
    workingHours: { start: string; end: string };
    holidayCalendarFile?: string;
  };
}

/** Used only in embedded mode, where nothing leaves the machine; a real deployment must set SESSION_SECRET. */
const EMBEDDED_SESSION_SECRET = 'embedded-development-secret';

/** Raised when the environment holds invalid settings; the message lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration from the environment (empty strings count as unset). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known: Record<string, string> = {};
  for (const name of CONFIG_ENV_VARS) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') known[name] = value.trim();
  }
  const parsed = configEnvSchema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '?'), message: issue.message })),
    );
  }
  const e = parsed.data;
  if (e.WORKING_HOURS_START >= e.WORKING_HOURS_END) {
    throw new ConfigError([{ variable: 'WORKING_HOURS_END', message: 'must be later than WORKING_HOURS_START' }]);
  }
  if (!isValidTimeZone(e.TIME_ZONE)) {
    throw new ConfigError([{ variable: 'TIME_ZONE', message: `unknown IANA time zone "${e.TIME_ZONE}"` }]);
  }
  const embeddedDb = !e.DATABASE_URL;
  const publicUrl = e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`;
  if (!embeddedDb && !e.SESSION_SECRET) {
    throw new ConfigError([{ variable: 'SESSION_SECRET', message: 'is required when DATABASE_URL is set' }]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      devServerPort: e.TEMPORAL_DEV_PORT,
      uiUrl: e.TEMPORAL_UI_URL,
    },
    mail: { smtpUrl: e.SMTP_URL, catcherPort: e.SMTP_CATCHER_PORT, from: e.MAIL_FROM },
    session: { secret: e.SESSION_SECRET ?? EMBEDDED_SESSION_SECRET, ttlHours: e.SESSION_TTL_HOURS },
    logLevel: e.LOG_LEVEL,
    http: {
      trustedProxies: e.TRUSTED_PROXIES ? e.TRUSTED_PROXIES.split(',') : [],
      allowedOrigins: [...new Set([new URL(publicUrl).origin, ...(e.ALLOWED_ORIGINS ?? [])])],
      metricsToken: e.METRICS_TOKEN,
      metricsPort: e.METRICS_PORT,
      loginLimits: { attemptsPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE, failuresPerAccount: e.LOGIN_FAILURES_PER_ACCOUNT },
      uploadMaxInFlightBytes: e.UPLOAD_MAX_IN_FLIGHT_MB * 1024 * 1024,
    },
    seedDemo: e.SEED_DEMO ?? embeddedDb,
    publicUrl,
    business: {
      currency: e.CURRENCY,
      timeZone: e.TIME_ZONE,
      workingDays: [...new Set(e.WORKING_DAYS.split(',').map(Number))].sort(),
      workingHours: { start: e.WORKING_HOURS_START, end: e.WORKING_HOURS_END },
      holidayCalendarFile: e.HOLIDAY_CALENDAR_FILE,
    },
  };
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
