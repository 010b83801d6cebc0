/**
 * `smt reconcile [--all] [--case-type quote ...] [--json]`: sets each open case's row to its workflow's state where
 * they differ, and prints what it changed and noted. The workflows must have workers running (their state queries
 * are answered by them): `npm start`, or `smt worker`. With DATABASE_URL the pass runs here against TEMPORAL_ADDRESS
 * (else the embedded server of a running `npm start` on 127.0.0.1:TEMPORAL_DEV_PORT). Without it the database is
 * the PGlite folder a running `npm start` holds open, which a second process must not open: the command then asks
 * that process (`--url`, default http://127.0.0.1:PORT) through POST /api/admin/reconcile with an admin's API token
 * (`--token` or SMT_TOKEN).
 */
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../../config';
import { createDb } from '../../db/database';
import { CASE_TYPES, type CaseType } from '../../db/repositories/projections';
import { connectTemporal } from '../../temporal/connection';
import { reconcileProjections, type ReconcileReport } from '../../temporal/reconcile';

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

function caseType(value: string, previous: CaseType[] = []): CaseType[] {
  if (!(CASE_TYPES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`unknown case type "${value}"; case types: ${CASE_TYPES.join(', ')}`);
  return [...previous, value as CaseType];
}

/** The report as a few lines a person reads. */
export function describeReport(report: ReconcileReport): string {
  const lines = [`checked ${report.checked} case(s) in ${report.ms} ms; corrected ${report.corrected.length}`];
  for (const c of report.corrected)
    lines.push(`corrected ${c.caseType} ${c.id} (${c.workflowId}): ${c.before} → ${c.after}`);
  for (const n of report.notes)
    lines.push(`note ${n.caseType} ${n.id} (${n.workflowId}): ${n.note}${n.detail ? ` — ${n.detail}` : ''}`);
  return lines.join('\n') + '\n';
}

interface ReconcileFlags {
  all?: boolean;
  caseType?: CaseType[];
  json?: boolean;
  url?: string;
  token?: string;
}

async function askServer(url: string, flags: ReconcileFlags): Promise<ReconcileReport> {
  const token = flags.token ?? process.env.SMT_TOKEN;
  if (!token) throw new Error("an admin's API token is needed to ask the running server: --token or SMT_TOKEN");
  const res = await fetch(`${url.replace(/\/$/, '')}/api/admin/reconcile`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ all: flags.all ?? false, ...(flags.caseType ? { caseTypes: flags.caseType } : {}) }),
  });
  const body = (await res.json().catch(() => undefined)) as
    (ReconcileReport & { error?: { message?: string } }) | undefined;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${body?.error?.message ?? 'no message'}`);
  return body as ReconcileReport;
}

export function register(program: Command): void {
  program
    .command('reconcile')
    .description("set each open case's database row to its workflow's state where they differ (idempotent)")
    .option('--all', 'every case with a workflow, not only the open ones')
    .option('--case-type <type>', `only this case type (${CASE_TYPES.join(', ')}); repeatable`, caseType)
    .option('--json', 'print the report as JSON')
    .option('--url <url>', 'ask this running server (PGlite mode; default http://127.0.0.1:PORT)')
    .option('--token <token>', "an admin's API token for --url (default SMT_TOKEN)")
    .action(async (flags: ReconcileFlags) => {
      const c = config();
      if (!c.databaseUrl || flags.url) {
        const report = await askServer(flags.url ?? `http://127.0.0.1:${c.port}`, flags);
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
        return;
      }
      const logger = pino({ level: c.logLevel === 'info' ? 'warn' : c.logLevel });
      const db = createDb({ databaseUrl: c.databaseUrl, dataDir: c.dataDir });
      const temporal = await connectTemporal(
        c.temporal.address ?? `127.0.0.1:${c.temporal.devServerPort}`,
        c.temporal.namespace,
      );
      try {
        const report = await reconcileProjections({
          db,
          client: temporal.client,
          logger,
          all: flags.all,
          caseTypes: flags.caseType,
        });
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
      } finally {
        await temporal.close();
        await db.destroy();
      }
    });
}
