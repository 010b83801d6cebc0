import { Command } from 'commander';

/** Entry point of the `smt` command; each bounded context registers its subcommands here. */
export function buildProgram(): Command {
  const program = new Command();
  program.name('smt').description('SMT Works command line').showHelpAfterError();
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
