/**
 * Platform commands of `smt`:
 *   smt db migrate [--down]     apply pending migrations (or revert the last one)
 *   smt db seed                 create the demo customer and users (<role>@demo.local / demo)
 *   smt serve [services...]     run HTTP services (default: all) without workers
 *   smt worker [queues...]      run Temporal workers (default: all queues) and the mail outbox sender
 * Configuration comes from the environment (see README, Platform).
 */
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../../config';
import { createDb } from '../../db/database';
import { migrateDown, migrateToLatest } from '../../db/migrate';
import { seedDemo } from '../../db/seed';
import { startPlatform } from '../../launcher/platform';
import { banner } from '../../launcher/banner';
import { stopOnSignals } from '../../launcher/run-until-signal';
import { TASK_QUEUES, type TaskQueue } from '../../temporal/task-queues';

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

function queues(values: string[]): TaskQueue[] {
  for (const v of values) {
    if (!(TASK_QUEUES as readonly string[]).includes(v)) {
      throw new InvalidArgumentError(`unknown queue "${v}"; queues: ${TASK_QUEUES.join(', ')}`);
    }
  }
  return values as TaskQueue[];
}

export function register(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending migrations (DATABASE_URL, or PGlite in DATA_DIR)')
    .option('--down', 'revert the most recent migration instead')
    .action(async (flags: { down?: boolean }) => {
      const c = config();
      const database = createDb({ databaseUrl: c.databaseUrl, dataDir: c.dataDir });
      try {
        const done = flags.down ? await migrateDown(database) : await migrateToLatest(database);
        process.stdout.write(done.length ? `${done.join('\n')}\n` : 'database is up to date\n');
      } finally {
        await database.destroy();
      }
    });
  db.command('seed')
    .description('create the demo customer and one demo user per role (password "demo")')
    .action(async () => {
      const c = config();
      const database = createDb({ databaseUrl: c.databaseUrl, dataDir: c.dataDir });
      try {
        await migrateToLatest(database);
        const created = await seedDemo(database, c.business.currency);
        process.stdout.write(created.length ? `created ${created.join(', ')}\n` : 'demo users already present\n');
      } finally {
        await database.destroy();
      }
    });

  program
    .command('serve')
    .description('run HTTP services (names of services/<name>, default all) on PORT, without workers')
    .argument('[services...]', 'services to serve, e.g. auth tasks quote')
    .action(async (services: string[]) => {
      const c = config();
      const logger = pino({ level: c.logLevel });
      const platform = await startPlatform({
        config: c,
        logger,
        services: services.length ? services : undefined,
        workers: [],
        mailSender: false,
      });
      process.stdout.write(banner(platform) + '\n');
      stopOnSignals(platform, logger);
    });

  program
    .command('worker')
    .description(
      `run Temporal workers (queues: ${TASK_QUEUES.join(', ')}; default all) and the mail outbox sender; health on PORT`,
    )
    .argument('[queues...]', 'task queues to poll')
    .action(async (names: string[]) => {
      const c = config();
      const logger = pino({ level: c.logLevel });
      const platform = await startPlatform({
        config: c,
        logger,
        services: [],
        workers: names.length ? queues(names) : undefined,
      });
      process.stdout.write(banner(platform) + '\n');
      stopOnSignals(platform, logger);
    });
}
