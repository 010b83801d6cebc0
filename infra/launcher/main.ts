import pino from 'pino';
import { ConfigError, loadConfig } from '../config';
import { startPlatform, type RunningPlatform } from './platform';

/** Prints where everything is, for the person who just typed `npm start`. */
function banner(p: RunningPlatform, temporalUiUrl?: string): string {
  const lines = [
    '',
    'SMT Works is running',
    `  API              ${p.url}/api`,
    `  API docs         ${p.url}/api/docs`,
    `  OpenAPI          ${p.url}/api/openapi.json`,
    `  health           ${p.url}/healthz   ready: ${p.url}/readyz   metrics: ${p.url}/metrics`,
    `  Temporal         ${p.temporal.address}${p.embeddedTemporal ? ' (embedded)' : ''} namespace ${p.temporal.namespace}`,
  ];
  if (temporalUiUrl) lines.push(`  Temporal UI      ${temporalUiUrl}`);
  if (p.mailCatcher) lines.push(`  mail catcher     ${p.mailCatcher.url}  (read it at ${p.url}/api/dev/mail as admin@demo.local)`);
  lines.push(`  services         ${p.services.join(', ')}`);
  lines.push(`  workers          ${p.workers.length ? p.workers.join(', ') : '(no workflows registered yet)'}`);
  lines.push('  demo logins      <role>@demo.local / demo, buyer@demo.local / demo', '');
  return lines.join('\n');
}

/** `npm start`: the whole system in one process; Ctrl-C stops it cleanly. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel });
  const platform = await startPlatform({ config, logger });
  process.stdout.write(banner(platform, config.temporal.uiUrl) + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining workers, closing connections');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    platform
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`smt: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
