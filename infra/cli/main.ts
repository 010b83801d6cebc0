import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Entry point of the `smt` command. Each bounded context adds its subcommands in
 * `infra/cli/commands/<name>.ts`, exporting `register(program)`; they are loaded here in name order.
 */
export function buildProgram(): Command {
  const program = new Command();
  program.name('smt').description('SMT Works command line').showHelpAfterError();
  const dir = join(__dirname, 'commands');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()) {
    const mod = require(join(dir, file)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  return program;
}

if (require.main === module || process.argv[1]?.endsWith('smt')) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
