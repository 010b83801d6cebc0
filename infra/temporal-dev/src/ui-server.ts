/**
 * Temporal's web UI on the embedded server, as `temporal server start-dev` serves it: the static build of the
 * official UI (@temporalio/ui, built by `npm run temporal-ui:build` into infra/temporal-dev/ui/build) plus, on
 * the same origin, what Temporal's UI server answers under /api/v1: its settings, and the HTTP API (without
 * payload shorthand, so the UI decodes payloads itself).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { HttpApiHandler } from './http-api';

/** Where the static UI is built (see infra/temporal-dev/ui). */
export const TEMPORAL_UI_BUILD = resolve(__dirname, '../ui/build');

/** The @temporalio/ui version the build uses; the UI compares it against features (e.g. route parameter encoding). */
export const TEMPORAL_UI_VERSION = '2.38.0';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the UI reads from /api/v1/settings (the names are the UI server's). */
function settings(defaultNamespace: string): object {
  return {
    Auth: { Enabled: false, Options: null },
    BannerText: '',
    DefaultNamespace: defaultNamespace,
    ShowTemporalSystemNamespace: false,
    FeedbackURL: '',
    NotifyOnNewVersion: false,
    Codec: {
      Endpoint: '',
      PassAccessToken: false,
      IncludeCredentials: false,
      DefaultErrorMessage: '',
      DefaultErrorLink: '',
    },
    Version: TEMPORAL_UI_VERSION,
    DisableWriteActions: false,
    WorkflowTerminateDisabled: false,
    WorkflowCancelDisabled: false,
    WorkflowSignalDisabled: false,
    WorkflowUpdateDisabled: false,
    WorkflowResetDisabled: false,
    BatchActionsDisabled: false,
    StartWorkflowDisabled: false,
    HideWorkflowQueryErrors: false,
    RefreshWorkflowCountsDisabled: false,
  };
}

export interface UiServerOptions {
  api: HttpApiHandler;
  defaultNamespace?: string;
  /** Directory of the static build; defaults to TEMPORAL_UI_BUILD. */
  buildDir?: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The page shown when the static build is missing: says how to build it instead of failing obscurely. */
const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Temporal UI not built</title>
<p>Temporal's web UI has not been built on this machine. Run <code>npm run temporal-ui:build</code> and reload.
The HTTP API answers under <a href="/api/v1/namespaces">/api/v1</a>.</p>`;

export function createUiRequestHandler(opts: UiServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const buildDir = opts.buildDir ?? TEMPORAL_UI_BUILD;
  const index = join(buildDir, 'index.html');
  const serveFile = (res: ServerResponse, file: string, immutable: boolean) => {
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/api/v1/settings') return sendJson(res, 200, settings(opts.defaultNamespace ?? 'default'));
    if (path === '/api/v1/me') return sendJson(res, 200, {});
    if (path === '/api/v1' || path.startsWith('/api/v1/')) {
      opts.api(req, res).then(
        (handled) => {
          if (!handled)
            sendJson(res, 404, { code: 5, message: `no HTTP API route for ${req.method} ${path}`, details: [] });
        },
        (err: unknown) =>
          sendJson(res, 500, { code: 13, message: err instanceof Error ? err.message : String(err), details: [] }),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { code: 12, message: `${req.method} is not allowed here`, details: [] });
    if (!existsSync(index)) {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
      res.end(NOT_BUILT);
      return;
    }
    let file: string;
    try {
      file = normalize(join(buildDir, decodeURIComponent(path)));
    } catch {
      file = index;
    }
    const isAsset = file.startsWith(buildDir + '/') && existsSync(file) && statSync(file).isFile();
    // Any other path is a client-side route of the single-page app.
    serveFile(res, isAsset ? file : index, isAsset && path.includes('/_app/immutable/'));
  };
}

/** Listens for the UI on ip:port (0 picks a free port); resolves with the server and its port. */
export async function startUiServer(
  opts: UiServerOptions & { ip: string; port: number },
): Promise<{ server: Server; port: number }> {
  const server = createServer(createUiRequestHandler(opts));
  return listen(server, opts.ip, opts.port);
}

/** Binds a node:http server and resolves with the port it got. */
export function listen(server: Server, ip: string, port: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => {
      server.off('error', reject);
      const addr = server.address();
      resolvePort({ server, port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}
