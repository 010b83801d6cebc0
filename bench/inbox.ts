/**
 * Benchmark of the inbox at scale: 10,000 open tasks in PostgreSQL (TEST_DATABASE_URL, a schema of its own,
 * dropped at the end), the real API (auth + tasks services, `startPlatform`), and `GET /api/tasks` pages asked
 * at a steady 100 requests per second (open loop: a request leaves on its tick whether or not the last one
 * answered), as the inbox asks them: the first page by due date, later pages, a search, sorts by amount and
 * customer, only overdue, one role's inbox. Prints the rate answered, p50 / p95 / p99 / max latency, errors, the
 * load average beside them (the machine is shared), and the CPU spent per request by this process (the API and the
 * load generator) and by the PostgreSQL backends serving it (read from /proc when the server is local).
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/inbox.ts [--tasks N] [--rate R] [--seconds S]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../infra/config';
import { openTestDb } from '../infra/db/testing';
import { seedDemo } from '../infra/db/seed';
import { customersRepo } from '../infra/db';
import { startPlatform } from '../infra/launcher/platform';
import { ROLES } from '../domain/tasks/roles';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** CPU time (user + system, ms) of local processes by pid, from /proc; undefined where it cannot be read. */
function cpuMsOf(pids: number[]): number | undefined {
  try {
    let ticks = 0;
    for (const pid of pids) {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

const loadNow = () => loadavg()[0].toFixed(1);

const KINDS = [
  'quote.engineering-review',
  'order.kitting',
  'order.inspection',
  'order.payment',
  'rma.quality-report',
  'rma.receive-units',
  'order.line-slot',
  'order.shipment-booking',
];

async function main(): Promise<void> {
  const taskCount = option('--tasks', 10_000);
  const rate = option('--rate', 100);
  const seconds = option('--seconds', 30);
  const t = await openTestDb('postgres');
  const dataDir = mkdtempSync(join(tmpdir(), 'smt-bench-inbox-'));
  try {
    await seedDemo(t.db);
    // 50 customers, so the customer join and sort have something to do.
    const customers = [];
    for (let i = 0; i < 50; i++)
      customers.push(
        await customersRepo.createCustomer(t.db, { code: `BENCH${i}`, name: `Bench Customer ${i}`, currency: 'CNY' }),
      );
    const staffRoles = ROLES.filter((r) => r !== 'customer' && r !== 'admin' && r !== 'manager');
    const now = Date.now();
    const started = Date.now();
    for (let offset = 0; offset < taskCount; offset += 500) {
      const rows = [];
      for (let i = offset; i < Math.min(taskCount, offset + 500); i++) {
        const kind = KINDS[i % KINDS.length];
        rows.push({
          workflow_id: `bench:${i}`,
          step: 'step',
          kind,
          title: `Bench task ${i} for case BENCH-${String(i).padStart(5, '0')}`,
          role: staffRoles[i % staffRoles.length],
          case_type: kind.startsWith('rma') ? 'rma' : kind.startsWith('order') ? 'order' : 'quote',
          case_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          customer_id: customers[i % customers.length].id,
          payload: JSON.stringify(kind === 'order.payment' ? { outstandingFen: 1000 + i } : {}),
          // What openTask reads from the case (these tasks have none to read from).
          case_reference: `BENCH-${String(i).padStart(5, '0')}`,
          customer_name: customers[i % customers.length].name,
          amount_fen:
            kind === 'order.payment' ? 1000 + i : kind.startsWith('rma') ? null : 100_000 + ((i * 7919) % 900_000),
          // Due dates spread from 5 days ago to 10 days ahead: about a third overdue.
          due_at: new Date(now + ((i % 15) - 5) * 86_400_000),
        });
      }
      await t.db
        .insertInto('tasks')
        .values(rows as never)
        .execute();
    }
    // Fresh statistics and visibility map, as autovacuum would have them on a database that grew to this size.
    await sql`vacuum analyze tasks`.execute(t.db);
    console.log(
      `${taskCount.toLocaleString('en')} open tasks inserted in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      SMTP_CATCHER_PORT: '0',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
    });
    const platform = await startPlatform({
      config,
      logger: pino({ level: 'silent' }),
      db: t.db,
      services: ['auth', 'tasks'],
      workers: [],
      taskKinds: [],
      mailSender: false,
      ui: false,
    });
    try {
      const login = async (email: string) => {
        const res = await fetch(`${platform.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'demo' }),
        });
        return ((await res.json()) as { token: string }).token;
      };
      const manager = await login('manager@demo.local');
      const production = await login('production@demo.local');
      const queries: { token: string; path: string }[] = [
        { token: manager, path: '/api/tasks?limit=50' },
        { token: manager, path: '/api/tasks?limit=50&offset=2500' },
        { token: manager, path: '/api/tasks?limit=50&offset=9900' },
        { token: manager, path: '/api/tasks?limit=50&q=BENCH-0042' },
        { token: manager, path: '/api/tasks?limit=50&sort=amount&dir=desc' },
        { token: manager, path: '/api/tasks?limit=50&sort=customer' },
        { token: manager, path: '/api/tasks?limit=50&overdue=true' },
        { token: production, path: '/api/tasks?limit=50' },
      ];
      const ask = async (q: { token: string; path: string }) => {
        const t0 = performance.now();
        const res = await fetch(`${platform.url}${q.path}`, { headers: { authorization: `Bearer ${q.token}` } });
        const body = await res.text();
        if (!res.ok) throw new Error(`${q.path}: ${res.status} ${body.slice(0, 200)}`);
        return { ms: performance.now() - t0, bytes: body.length };
      };
      // Warm-up: each query once, and its size.
      for (const q of queries) {
        const r = await ask(q);
        console.log(`  ${q.path.padEnd(52)} ${(r.bytes / 1024).toFixed(1)} KiB, ${r.ms.toFixed(1)} ms`);
      }
      // The PostgreSQL backends of the pool (as many as it holds), to read their CPU time.
      const backends = await Promise.all(
        [0, 1, 2, 3].map(() =>
          sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.1)`.execute(t.db).then((r) => r.rows[0].pid),
        ),
      );
      const pgPids = [...new Set(backends)];
      const total = Math.round(rate * seconds);
      const loadBefore = loadNow();
      const cpu0 = process.cpuUsage();
      const pgCpu0 = cpuMsOf(pgPids);
      const latencies: number[] = [];
      let errors = 0;
      const errorKinds = new Map<string, number>();
      const pending: Promise<void>[] = [];
      const t0 = performance.now();
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(
          ask(queries[i % queries.length]).then(
            (r) => void latencies.push(r.ms),
            (error: unknown) => {
              errors++;
              const cause = (error as { cause?: { code?: string } }).cause?.code;
              const what = cause ?? String((error as Error).message).slice(0, 80);
              errorKinds.set(what, (errorKinds.get(what) ?? 0) + 1);
            },
          ),
        );
      }
      await Promise.all(pending);
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const pgCpu1 = cpuMsOf(pgPids);
      const sorted = [...latencies].sort((a, b) => a - b);
      const ms = (p: number) => (sorted.length ? `${percentile(sorted, p).toFixed(1)} ms` : '-');
      const perRequest = (cpuMs: number) => `${(cpuMs / Math.max(1, latencies.length)).toFixed(2)} ms`;
      console.log(
        `\nGET /api/tasks, ${total} requests sent at ${rate} req/s for ${seconds} s over ${taskCount.toLocaleString('en')} open tasks`,
      );
      console.log(`  machine: ${cpus().length} cores, load average ${loadBefore} before, ${loadNow()} after`);
      console.log(
        `  answered ${latencies.length} (${(latencies.length / elapsed).toFixed(1)} req/s over ${elapsed.toFixed(1)} s), errors ${errors}` +
          (errors ? ` (${[...errorKinds].map(([what, n]) => `${n} × ${what}`).join(', ')})` : ''),
      );
      console.log(`  latency  p50 ${ms(50)} · p95 ${ms(95)} · p99 ${ms(99)} · max ${ms(100)}`);
      console.log(
        `  CPU per answered request: API + load generator ${perRequest((cpu.user + cpu.system) / 1000)}` +
          (pgCpu0 !== undefined && pgCpu1 !== undefined ? `, PostgreSQL ${perRequest(pgCpu1 - pgCpu0)}` : ''),
      );
    } finally {
      await platform.stop();
    }
  } finally {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
