import pino from 'pino';
import { ConfigError, loadConfig } from '../config';
import { startPlatform } from './platform';
import { banner } from './banner';
import { stopOnSignals } from './run-until-signal';

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
  process.stdout.write(banner(platform) + '\n');

  stopOnSignals(platform, logger);
}

main().catch((error: unknown) => {
  console.error(`smt: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
