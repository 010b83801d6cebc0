/** The embedded server's HTTP listeners: Temporal's HTTP API (`--http-port`) and its web UI (`--ui-port`). */
import { createServer, Server } from 'node:http';
import { createHttpApi } from './http-api';
import type { Handler, ServiceOptions } from './service';
import { listen, startUiServer } from './ui-server';

export interface HttpSurfaceOptions {
  services: Map<string, Record<string, Handler>>;
  serviceOptions: ServiceOptions;
  ip: string;
  httpPort?: number;
  uiPort?: number;
  uiIp?: string;
  defaultNamespace: string;
}

/** The URL a browser or script on this machine uses for a listener bound to `ip`. */
function urlFor(ip: string, port: number): string {
  const host = ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '[::1]' : ip.includes(':') ? `[${ip}]` : ip;
  return `http://${host}:${port}`;
}

export async function startHttpSurfaces(
  opts: HttpSurfaceOptions,
): Promise<{ httpUrl?: string; uiUrl?: string; close(): Promise<void> }> {
  const servers: Server[] = [];
  const close = () =>
    Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    ).then(() => undefined);
  try {
    let httpUrl: string | undefined;
    let uiUrl: string | undefined;
    if (opts.httpPort !== undefined) {
      const api = createHttpApi({ services: opts.services, service: opts.serviceOptions, shorthandByDefault: true });
      const server = createServer((req, res) => {
        api(req, res).then(
          (handled) => {
            if (!handled) {
              res.writeHead(404, { 'content-type': 'application/json' });
              res.end(
                JSON.stringify({ code: 5, message: `no HTTP API route for ${req.method} ${req.url}`, details: [] }),
              );
            }
          },
          () => res.destroy(),
        );
      });
      const { port } = await listen(server, opts.ip, opts.httpPort);
      servers.push(server);
      httpUrl = urlFor(opts.ip, port);
    }
    if (opts.uiPort !== undefined) {
      const api = createHttpApi({ services: opts.services, service: opts.serviceOptions, shorthandByDefault: false });
      const uiIp = opts.uiIp ?? opts.ip;
      const { server, port } = await startUiServer({
        api,
        ip: uiIp,
        port: opts.uiPort,
        defaultNamespace: opts.defaultNamespace,
      });
      servers.push(server);
      uiUrl = urlFor(uiIp, port);
    }
    return { httpUrl, uiUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}
