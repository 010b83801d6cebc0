/**
 * The embedded Temporal-compatible server, in-process. The launcher and the test helpers start it;
 * `bin/temporal-dev` wraps it with the Temporal CLI's and the Java test server's command lines.
 */
export { startTemporalDevServer } from './src/server';
export type { TemporalDevServer, TemporalDevServerOptions } from './src/server';
