/**
 * Command line of the embedded server, in both forms the Temporal tooling launches:
 *   temporal-dev server start-dev --port P [--ip IP] [--namespace NS]... [--db-filename F] [--http-port H] [--ui-port U | --headless] ...
 *   temporal-dev <port> [--enable-time-skipping] [--db-filename F]   (the Java test server's form: time skipping)
 * Flags of the Temporal CLI that do not apply here are accepted and ignored.
 */
import { startTemporalDevServer, TemporalDevServerOptions } from './server';

/** Flags of `temporal server start-dev` that take a value. */
const VALUE_FLAGS = new Set([
  '--port',
  '-p',
  '--ip',
  '--namespace',
  '-n',
  '--db-filename',
  '-f',
  '--ui-port',
  '--ui-ip',
  '--ui-asset-path',
  '--ui-codec-endpoint',
  '--log-level',
  '--log-format',
  '--dynamic-config-value',
  '--search-attribute',
  '--sqlite-pragma',
  '--http-port',
  '--metrics-port',
  '--config',
  '--env',
  '--tls-cert-path',
  '--tls-key-path',
  '--tls-ca-path',
]);

function portNumber(flag: string, v: string): number {
  const port = Number(v);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${flag} ${v}: expected a port number (0-65535)`);
  return port;
}

export function parseArgs(argv: string[]): TemporalDevServerOptions & { searchAttributes: string[] } {
  const opts: TemporalDevServerOptions & { searchAttributes: string[] } = { namespaces: [], searchAttributes: [] };
  if (argv[0] === 'server' && argv[1] === 'start-dev') {
    const args = argv.slice(2);
    for (let i = 0; i < args.length; i++) {
      const raw = args[i];
      const eq = raw.indexOf('=');
      const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
      const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
      const value = () => {
        if (inline !== undefined) return inline;
        const v = args[++i];
        if (v === undefined) throw new Error(`flag ${flag} needs a value`);
        return v;
      };
      if (!VALUE_FLAGS.has(flag)) continue; // boolean flags such as --headless
      const v = value();
      switch (flag) {
        case '--port':
        case '-p':
          opts.port = Number(v);
          break;
        case '--ip':
          opts.ip = v;
          break;
        case '--namespace':
        case '-n':
          opts.namespaces!.push(v);
          break;
        case '--db-filename':
        case '-f':
          opts.dbFilename = v;
          break;
        case '--log-level':
          opts.logLevel = v;
          break;
        case '--search-attribute':
          opts.searchAttributes.push(v);
          break;
        case '--http-port':
          opts.httpPort = portNumber(flag, v);
          break;
        case '--ui-port':
          opts.uiPort = portNumber(flag, v);
          break;
        case '--ui-ip':
          opts.uiIp = v;
          break;
        default:
          break;
      }
    }
    opts.port ??= 7233;
    // As the Temporal CLI: the web UI on the gRPC port + 1000 (8233 for 7233) unless --headless.
    if (args.includes('--headless')) opts.uiPort = undefined;
    else opts.uiPort ??= opts.port === 0 ? 0 : opts.port + 1000;
    return opts;
  }
  const port = Number(argv[0]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      'usage: temporal-dev server start-dev --port P [...] | temporal-dev <port> [--enable-time-skipping]',
    );
  }
  opts.port = port;
  opts.timeSkipping = true;
  // Not a Java test server flag: lets durability be tested with time skipping.
  const db = argv.indexOf('--db-filename');
  if (db > 0 && argv[db + 1]) opts.dbFilename = argv[db + 1];
  opts.ip = '0.0.0.0';
  return opts;
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const server = await startTemporalDevServer(opts);
  process.stderr.write(
    `temporal-dev: Temporal-compatible server on ${server.address}${opts.timeSkipping ? ' (time skipping)' : ''}\n`,
  );
  if (server.httpUrl) process.stderr.write(`temporal-dev: HTTP API on ${server.httpUrl}/api/v1\n`);
  if (server.uiUrl) process.stderr.write(`temporal-dev: Temporal UI on ${server.uiUrl}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
