/**
 * Serves the built admin UI and customer portal (ui/dist) and answers client routes (/inbox, /quotes/…) with
 * index.html, and builds ui/dist on first start when it is missing or older than its sources.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import express, { Router, type Request, type RequestHandler } from 'express';

/** The repository's ui/ folder. */
export const UI_ROOT = join(__dirname, '..', '..', 'ui');
/** Where `npm run ui:build` writes the SPA. */
export const UI_DIST = join(UI_ROOT, 'dist');

// Paths the API and the platform own; never answered with the SPA.
const RESERVED = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/** Newest modification time (ms) among files under `path` (a file or a folder, recursively). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when ui/dist is missing or any UI source (src/, index.html, vite config) is newer than its index.html. */
export function uiBuildIsStale(uiRoot = UI_ROOT): boolean {
  const built = join(uiRoot, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(join(uiRoot, 'src')),
    newestMtime(join(uiRoot, 'index.html')),
    newestMtime(join(uiRoot, 'vite.config.ts')),
  );
  return sources > statSync(built).mtimeMs;
}

/** What {@link ensureUiBuilt} did. */
export interface UiBuildResult {
  built: boolean;
  ms: number;
}

let pending: Promise<UiBuildResult> | undefined;

/**
 * Builds ui/dist with Vite when it is missing or stale; a no-op otherwise. Runs Vite as a child process (it is
 * ESM and heavy; the launcher stays CommonJS and lean). Concurrent callers share one build. Rejects with Vite's
 * output when the build fails.
 */
export function ensureUiBuilt(
  options: { uiRoot?: string; log?: (message: string) => void } = {},
): Promise<UiBuildResult> {
  const uiRoot = options.uiRoot ?? UI_ROOT;
  if (!uiBuildIsStale(uiRoot)) return Promise.resolve({ built: false, ms: 0 });
  pending ??= new Promise<UiBuildResult>((resolve, reject) => {
    const started = Date.now();
    options.log?.('building the admin UI (ui/dist is missing or older than ui/src)…');
    // The bin is not in vite's exports map; its package.json is.
    const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    const child = spawn(
      process.execPath,
      [viteBin, 'build', '--config', join(uiRoot, 'vite.config.ts'), '--logLevel', 'warn'],
      {
        cwd: join(uiRoot, '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ built: true, ms: Date.now() - started });
      else reject(new Error(`building the UI failed (vite exited with ${code}):\n${output.slice(-4000)}`));
    });
  }).finally(() => {
    pending = undefined;
  });
  return pending;
}

/** A page navigation: GET/HEAD for HTML, outside the reserved paths, not a file (a missing asset stays a 404). */
function wantsHtml(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (RESERVED.test(req.path) || req.path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(req.path)) return false;
  return req.accepts(['html', 'json']) === 'html';
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The compressed twin of `file` the request accepts (brotli before gzip, whatever order the browser lists), if built. */
function twinFor(req: Request, file: string): { encoding: 'br' | 'gzip'; path: string } | null {
  for (const encoding of ['br', 'gzip'] as const) {
    const path = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
    if (req.acceptsEncodings(encoding) === encoding && existsSync(path)) return { encoding, path };
  }
  return null;
}

/**
 * Serves the build's pre-compressed twin (`x.js.br`, `x.js.gz`, written by ui/vite.config.ts) to a browser that
 * accepts it, with the original's type; anything else falls through to express.static.
 */
function precompressed(distDir: string, cacheControl: string): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const type = CONTENT_TYPES[extname(req.path)];
    if (!type) return next();
    const file = normalize(join(distDir, req.path));
    if (!file.startsWith(distDir + sep) || !existsSync(file)) return next();
    res.vary('Accept-Encoding');
    const twin = twinFor(req, file);
    if (!twin) return next();
    res.setHeader('Content-Encoding', twin.encoding);
    res.setHeader('Cache-Control', cacheControl);
    res.sendFile(twin.path, { headers: { 'Content-Type': type } });
  };
}

/**
 * Express router serving ui/dist: hashed assets with long caching (brotli or gzip when the browser accepts
 * it), never a source map, and index.html (never cached) for every other GET that asks for HTML outside /api,
 * /healthz, /readyz and /metrics. Mount it before the API routers (`createApp({ before: [uiStatic()] })`).
 */
export function uiStatic(distDir = UI_DIST): Router {
  const router = Router();
  const assets = join(distDir, 'assets');
  // Source maps stay private even when a build made them.
  router.use((req, res, next) =>
    /\.map$/i.test(req.path) ? res.status(404).json({ error: { code: 'not_found', message: 'no such file' } }) : next(),
  );
  router.use('/assets', precompressed(assets, 'public, max-age=31536000, immutable'));
  router.use('/assets', express.static(assets, { immutable: true, maxAge: '1y', index: false }));
  router.use(express.static(distDir, { index: false, maxAge: 0 }));
  router.use((req, res, next) => {
    if (!wantsHtml(req)) return next();
    const index = join(distDir, 'index.html');
    if (!existsSync(index)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.vary('Accept-Encoding');
    const twin = twinFor(req, index);
    if (twin) {
      res.setHeader('Content-Encoding', twin.encoding);
      res.sendFile(twin.path, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
      return;
    }
    res.sendFile(index);
  });
  return router;
}
