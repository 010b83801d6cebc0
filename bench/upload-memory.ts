/**
 * Memory of the upload path under concurrent large uploads: a child process serves the auth and quote routers
 * (PGlite in a temporary folder); the parent sends N concurrent multipart quote requests of SIZE MB each (a
 * Gerber "zip" that is not one, so every request is received in full, checked and refused with 400 — no
 * workflow is involved) and reads the child's resident memory before, at peak (VmHWM) and after.
 *
 *   npx tsx bench/upload-memory.ts [concurrent=4] [sizeMB=99]      (DATABASE_URL: PostgreSQL instead of PGlite)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import pino from 'pino';
import { loadConfig } from '../infra/config';
import { createDb } from '../infra/db/database';
import { migrateToLatest } from '../infra/db/migrate';
import { seedDemo } from '../infra/db/seed';
import { createAuthService } from '../infra/auth/sessions';
import { createApp } from '../infra/http/app';
import { createMetrics } from '../infra/http/metrics';
import { createOpenApiRegistry } from '../infra/http/openapi';
import { listen } from '../infra/http/server';
import * as uploadsModule from '../infra/http/uploads';
import { TaskKindRegistry } from '../domain/tasks/kinds';
import { createRouter as authRouter } from '../services/auth/router';
import { createRouter as quoteRouter } from '../services/quote/router';
import { processMemoryMiB } from './process-stats';

const BOUNDARY = 'bench-upload-boundary';

/** The child: one app with the auth and quote routers, printing its URL. */
async function serve(dataDir: string, schema: string | undefined): Promise<void> {
  const logger = pino({ level: 'silent' });
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
  const db = createDb({ dataDir, databaseUrl: schema ? process.env.DATABASE_URL : undefined, searchPath: schema });
  await migrateToLatest(db);
  await seedDemo(db);
  const auth = createAuthService({ db, secret: config.session.secret, ttlHours: 1 });
  const openapi = createOpenApiRegistry();
  // The quote request is refused before any workflow starts, so no Temporal client is needed.
  const deps = {
    config,
    db,
    logger,
    auth,
    openapi,
    temporal: {} as never,
    taskKinds: new TaskKindRegistry(),
    // Looked up by name so the same script measures the code before uploads were streamed (it had no upload place).
    uploads: (
      uploadsModule as { createUploadPlace?: (o: { dataDir: string; maxInFlightBytes: number }) => unknown }
    ).createUploadPlace?.({ dataDir, maxInFlightBytes: config.http.uploadMaxInFlightBytes }),
  } as Parameters<typeof quoteRouter>[0];
  const app = createApp({
    logger,
    auth,
    openapi,
    metrics: createMetrics(),
    routers: [authRouter(deps), quoteRouter(deps)],
    healthChecks: [],
    isReady: () => true,
  });
  const server = await listen(app, 0);
  // The parent asks for a collection before it reads the baseline.
  process.on('SIGUSR2', () => global.gc?.());
  console.log(`listening ${server.url}`);
}

function post(url: string, token: string, head: Buffer, payload: Buffer, tail: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/quotes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': head.length + payload.length + tail.length,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(head);
    req.write(payload);
    req.end(tail);
  });
}

async function withPg(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const concurrent = Number(process.argv[2] ?? 4);
  const sizeMb = Number(process.argv[3] ?? 99);
  const dataDir = mkdtempSync(join(tmpdir(), 'smt-upload-bench-'));
  // On PostgreSQL, a schema of its own, dropped at the end.
  const databaseUrl = process.env.DATABASE_URL;
  const schema = databaseUrl ? `bench_upload_${randomBytes(4).toString('hex')}` : '';
  if (databaseUrl) await withPg(databaseUrl, `create schema ${schema}`);
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', __filename, 'serve', dataDir, schema], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /^listening (\S+)/.exec(line);
        if (m) resolve(m[1]);
      });
    });
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'buyer@demo.local', password: 'demo' }),
    });
    const { token } = (await login.json()) as { token: string };

    const head = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="quantity"\r\n\r\n5\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="gerber"; filename="big.zip"\r\nContent-Type: application/zip\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    const payload = randomBytes(sizeMb * 1024 * 1024);

    // One small upload first, so the code paths are loaded before the baseline is read.
    await post(url, token, head, payload.subarray(0, 1024), tail);
    const settle = async () => {
      child.kill('SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return processMemoryMiB(child.pid!).rss;
    };
    const before = await settle();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, processMemoryMiB(child.pid!).rss)), 10);
    const t0 = performance.now();
    const statuses = await Promise.all(Array.from({ length: concurrent }, () => post(url, token, head, payload, tail)));
    const ms = performance.now() - t0;
    clearInterval(sampler);
    const after = await settle();

    console.log(
      `upload memory — Node ${process.version}, ${cpus().length} cores; ${concurrent} concurrent uploads of ${sizeMb} MB to POST /api/quotes`,
    );
    console.log(`answers: ${statuses.join(', ')} in ${(ms / 1000).toFixed(1)} s`);
    console.log(
      `server RSS before ${before.toFixed(0)} MiB, peak during ${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)}), after ${after.toFixed(0)} MiB (+${(after - before).toFixed(0)})`,
    );
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
    if (databaseUrl) await withPg(databaseUrl, `drop schema ${schema} cascade`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3], process.argv[4] || undefined).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
