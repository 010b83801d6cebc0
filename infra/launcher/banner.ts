import type { RunningPlatform } from './platform';

/** Prints where everything is, for the person who just typed `npm start`. */
export function banner(p: RunningPlatform): string {
  const lines = [
    '',
    'SMT Works is running',
    `  API              ${p.url}/api`,
    `  API docs         ${p.url}/api/docs`,
    `  OpenAPI          ${p.url}/api/openapi.json`,
    `  health           ${p.url}/healthz   ready: ${p.url}/readyz   metrics: ${p.metricsUrl ?? 'set METRICS_PORT (loopback) or METRICS_TOKEN'}`,
    `  Temporal         ${p.temporal.address}${p.embeddedTemporal ? ' (embedded)' : ''} namespace ${p.temporal.namespace}`,
  ];
  if (p.temporalUiUrl) lines.push(`  Temporal UI      ${p.temporalUiUrl}`);
  if (p.mailCatcher)
    lines.push(`  mail catcher     ${p.mailCatcher.address}  (read it at ${p.url}/api/dev/mail as admin@demo.local)`);
  lines.push(`  services         ${p.services.join(', ')}`);
  lines.push(`  workers          ${p.workers.length ? p.workers.join(', ') : '(none in this process)'}`);
  lines.push('  demo logins      <role>@demo.local / demo, buyer@demo.local / demo', '');
  return lines.join('\n');
}
