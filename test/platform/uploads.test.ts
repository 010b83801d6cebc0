/**
 * Uploads stream to disk under a per-request cap (413) and a process-wide budget of bytes in flight (429), on a
 * real listening platform (PGlite, the embedded Temporal test server) through the quote upload route. Refused
 * uploads leave nothing behind: no rows, no stored files, no temporary files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { Router } from 'express';
import { type TestDb } from '../../infra/db/testing';
import { type RunningPlatform } from '../../infra/launcher/platform';
import { receiveMultipart } from '../../infra/http/uploads';
import type { ServiceDeps } from '../../infra/http/service-deps';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import { apiClient, eventually, startTestPlatform, type TestPlatform } from './helpers';

const logger = pino({ level: 'silent' });
const FIXTURE_BOARD = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'boards', 'clockblock');
const BOUNDARY = 'upload-test-boundary';

/** A route with a small cap that a chunked body (no Content-Length) can pass only by its bytes. */
function smallUploadRouter(deps: ServiceDeps): Router {
  const router = Router();
  const receive = receiveMultipart(deps.uploads, {
    fileFields: { a: 1, b: 1 },
    maxFileBytes: 60_000,
    maxFields: 1,
    maxFieldBytes: 100,
    maxRequestBytes: 100_000,
  });
  router.post('/test/small-upload', receive, (req, res) => {
    res.json({ files: req.uploads?.map((f) => ({ field: f.field, bytes: f.bytes })) });
  });
  return router;
}

/** The head and tail of a multipart body carrying text `fields` and then one file of `field`. */
function filePart(field: string, name: string, fields: Record<string, string> = {}): { head: Buffer; tail: Buffer } {
  const text = Object.entries(fields).map(
    ([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  return {
    head: Buffer.from(
      `${text.join('')}--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  };
}

/** A request whose body is written by the caller: it can be held half-sent. */
function openUpload(url: string, path: string, token: string, headers: Record<string, string | number>) {
  const req = request(`${url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      ...headers,
    },
  });
  const answer = new Promise<{ status: number; body: { error?: { code: string; message: string } } }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      });
      // The server may stop reading a refused body; the answer already arrived by then.
      req.on('error', reject);
    },
  );
  return { req, answer };
}

describe('uploads: streamed to disk, capped per request, budgeted per process', () => {
  let running: TestPlatform;
  let t: TestDb;
  let platform: RunningPlatform;
  let dataDir: string;
  let api: ReturnType<typeof apiClient>;
  let buyer: string;
  const tmpUploads = () => readdirSync(join(dataDir, 'tmp', 'uploads'));
  const storedQuoteFiles = () =>
    existsSync(join(dataDir, 'uploads', 'quotes'))
      ? readdirSync(join(dataDir, 'uploads', 'quotes'), { recursive: true }).length
      : 0;
  const quoteCount = async () =>
    Number(
      (
        await t.db
          .selectFrom('quotes')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    // A 1 MB budget, so two modest uploads at once exhaust it.
    running = await startTestPlatform({
      dataDirPrefix: 'smt-uploads-',
      env: { UPLOAD_MAX_IN_FLIGHT_MB: '1' },
      services: ['auth', 'quote'],
      workers: [],
      taskKinds: [],
      extraRouters: [smallUploadRouter],
      mailSender: false,
      ui: false,
      logger,
      logins: ['buyer@demo.local'],
    });
    ({ t, platform, dataDir, api } = running);
    buyer = running.tokens.buyer;
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });

  test('a real board still uploads: stored under the quote by its hash, no temporary file left', async () => {
    const files = readdirSync(FIXTURE_BOARD).filter((f) => /\.(gbr|drl)$/.test(f));
    const zip = makeZip(files.map((name) => ({ name, data: readFileSync(join(FIXTURE_BOARD, name)) })));
    const form = new FormData();
    form.append('quantity', '20');
    form.append('gerber', new Blob([new Uint8Array(zip)]), 'clockblock.zip');
    const created = await fetch(`${platform.url}/api/quotes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer}` },
      body: form,
    });
    const body = (await created.json()) as { id: string; files: { gerber: { name: string; sha256: string } } };
    expect(created.status).toBe(201);
    expect(body.files.gerber).toEqual({
      name: 'clockblock.zip',
      sha256: createHash('sha256').update(zip).digest('hex'),
    });
    const [stored] = await t.db.selectFrom('quote_files').selectAll().where('quote_id', '=', body.id).execute();
    expect(readFileSync(stored.storage_path).equals(zip)).toBe(true);
    await eventually(() => expect(tmpUploads()).toEqual([]));
  });

  test('a body above the route cap is refused with 413 before it is read, and nothing is stored', async () => {
    const [quotesBefore, filesBefore] = [await quoteCount(), storedQuoteFiles()];
    const { head } = filePart('gerber', 'huge.zip');
    // Declares 130 MB (the quote cap is 121 MB) and sends only the first bytes: the answer comes first.
    const upload = openUpload(platform.url, '/api/quotes', buyer, { 'content-length': 130 * 1024 * 1024 });
    upload.req.write(head);
    const refused = await upload.answer;
    upload.req.destroy();
    expect(refused).toEqual({
      status: 413,
      body: {
        error: {
          code: 'payload_too_large',
          message: `the request is ${130 * 1024 * 1024} bytes; an upload here may be at most ${100 * 1024 * 1024 + 2 * 10 * 1024 * 1024 + 1024 * 1024} bytes`,
        },
      },
    });
    expect(await quoteCount()).toBe(quotesBefore);
    expect(storedQuoteFiles()).toBe(filesBefore);
    expect(tmpUploads()).toEqual([]);
  });

  test('a chunked body (no Content-Length) is cut off with 413 once its bytes pass the cap; its temporary files are removed', async () => {
    const upload = openUpload(platform.url, '/api/test/small-upload', buyer, { 'transfer-encoding': 'chunked' });
    const a = filePart('a', 'a.bin');
    upload.req.write(Buffer.concat([a.head, Buffer.alloc(55_000, 1), Buffer.from(`\r\n`)]));
    const b = filePart('b', 'b.bin');
    upload.req.write(Buffer.concat([b.head, Buffer.alloc(55_000, 2)]));
    const refused = await upload.answer;
    upload.req.destroy();
    expect(refused).toEqual({
      status: 413,
      body: {
        error: {
          code: 'payload_too_large',
          message: 'the request is more than 100000 bytes; an upload here may be at most 100000 bytes',
        },
      },
    });
    await eventually(() => expect(tmpUploads()).toEqual([]));

    const fits = await api.call('POST', '/api/test/small-upload', { token: buyer });
    expect(fits.status).toBe(400); // not multipart at all: a 400, and the budget was given back
  });

  test('uploads beyond the process budget in flight are refused with 429 until the budget frees up', async () => {
    const { head, tail } = filePart('gerber', 'slow.zip', { quantity: '5' });
    const size = 700 * 1024;
    const payload = Buffer.alloc(size - head.length - tail.length, 7);
    // The first upload declares 700 KB of the 1 MB budget and is held half-sent.
    const slow = openUpload(platform.url, '/api/quotes', buyer, { 'content-length': size });
    slow.req.write(Buffer.concat([head, payload.subarray(0, 1000)]));
    await eventually(() => expect(tmpUploads()).toHaveLength(1)); // its file part is being received

    const second = openUpload(platform.url, '/api/quotes', buyer, { 'content-length': size });
    second.req.end(Buffer.concat([head, payload, tail]));
    const refused = await second.answer;
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      code: 'rate_limited',
      message: 'the server is receiving too many uploads at once; try again in a few seconds',
    });

    slow.req.end(Buffer.concat([payload.subarray(1000), tail]));
    expect(await slow.answer).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          field: 'gerber',
          message: expect.stringContaining('gerber: not a readable zip archive'),
        },
      },
    });
    await eventually(() => expect(tmpUploads()).toEqual([]));

    // The budget is free again: the same upload is now read (and refused only for what it holds).
    const again = openUpload(platform.url, '/api/quotes', buyer, { 'content-length': size });
    again.req.end(Buffer.concat([head, payload, tail]));
    expect((await again.answer).status).toBe(400);
  });
});
