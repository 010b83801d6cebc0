/** The launcher's UI module: serving ui/dist with the client-route fallback, and the staleness check of the build. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { uiBuildIsStale, uiStatic } from '../../infra/launcher/ui-static';

describe('uiStatic', () => {
  let dir: string;
  let server: ReturnType<express.Express['listen']>;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ui-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc.js.br'), brotliCompressSync('console.log(1)'));
    writeFileSync(join(dir, 'assets', 'index-abc.js.gz'), gzipSync('console.log(1)'));
    writeFileSync(join(dir, 'assets', 'index-abc.js.map'), '{"version":3}');
    const app = express();
    app.use(uiStatic(dir));
    app.get('/api/ping', (_req, res) => void res.json({ pong: true }));
    app.use((_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'no route' } }));
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers client routes with index.html, uncached', async () => {
    const res = await fetch(`${base}/quotes/123`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('serves hashed assets with long caching', async () => {
    const res = await fetch(`${base}/assets/index-abc.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1)');
  });

  /** A raw GET (no automatic decompression) with an Accept-Encoding. */
  function rawGet(
    path: string,
    acceptEncoding: string,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(`${base}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('sends the brotli or gzip twin to browsers that accept it, the plain file otherwise', async () => {
    const br = await rawGet('/assets/index-abc.js', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toContain('text/javascript');
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(br.body.equals(brotliCompressSync('console.log(1)'))).toBe(true);
    const gz = await rawGet('/assets/index-abc.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await rawGet('/assets/index-abc.js', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe('console.log(1)');
  });

  it('never serves source maps', async () => {
    expect((await fetch(`${base}/assets/index-abc.js.map`)).status).toBe(404);
  });

  it('leaves the API, JSON requests and missing assets alone', async () => {
    expect(await (await fetch(`${base}/api/ping`, { headers: { accept: 'text/html' } })).json()).toEqual({
      pong: true,
    });
    expect((await fetch(`${base}/api/nothing`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${base}/inbox`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });
});

describe('uiBuildIsStale', () => {
  it('is stale without a build, fresh after it, stale again when a source changes', () => {
    const root = mkdtempSync(join(tmpdir(), 'ui-root-'));
    try {
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src', 'main.tsx'), 'x');
      writeFileSync(join(root, 'index.html'), 'x');
      expect(uiBuildIsStale(root)).toBe(true);
      mkdirSync(join(root, 'dist'));
      writeFileSync(join(root, 'dist', 'index.html'), 'built');
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(root, 'src', 'main.tsx'), past, past);
      utimesSync(join(root, 'index.html'), past, past);
      expect(uiBuildIsStale(root)).toBe(false);
      writeFileSync(join(root, 'src', 'main.tsx'), 'changed');
      const future = new Date(Date.now() + 60_000);
      utimesSync(join(root, 'src', 'main.tsx'), future, future);
      expect(uiBuildIsStale(root)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
