/**
 * Benchmark of Temporal's HTTP API and web UI on the embedded server (server in this process, in memory):
 *   - HTTP list: 1,000 workflows started through the SDK client, then `GET /api/v1/namespaces/default/workflows`
 *     with pageSize=1000 on the HTTP API port (shorthand JSON), 7 runs after a warm-up, median and max ms;
 *   - UI first render: one workflow with a 2,000-event history (signals), then Temporal's UI history page opened
 *     in Debian's chromium, from navigation to the first event rows on screen, 5 runs after a warm-up.
 *
 *   npx tsx bench/temporal-ui.ts [--workflows N] [--events E]
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { startTemporalDevServer } from '../infra/temporal-dev';
import { launchChromium } from '../test/ui/browser';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer`);
  return v;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const workflows = option('--workflows', 1000);
  const events = option('--events', 2000);
  const server = await startTemporalDevServer({ port: 0, httpPort: 0, uiPort: 0 });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    // No worker: the workflows stay running with their first workflow task scheduled; the list reads visibility only.
    const taskQueue = `bench-ui-${randomUUID()}`;
    for (let i = 0; i < workflows; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, workflows - i) }, (_, j) =>
          client.workflow.start('benchWorkflow', { workflowId: `bench-list-${i + j}`, taskQueue, args: [i + j] }),
        ),
      );
    }
    const listUrl = `${server.httpUrl}/api/v1/namespaces/default/workflows?pageSize=${workflows}`;
    const listTimes: number[] = [];
    let bytes = 0;
    for (let run = 0; run < 8; run++) {
      const t0 = performance.now();
      const res = await fetch(listUrl);
      const body = await res.text();
      const ms = performance.now() - t0;
      const count = (JSON.parse(body) as { executions: unknown[] }).executions.length;
      if (count !== workflows) throw new Error(`listed ${count} of ${workflows} workflows`);
      bytes = body.length;
      if (run > 0) listTimes.push(ms);
    }

    // A history of `events` events: start, then signals (each one event while no worker takes the task).
    const workflowId = `bench-history-${randomUUID()}`;
    const handle = await client.workflow.start('benchWorkflow', { workflowId, taskQueue, args: [0] });
    for (let i = 0; i < events - 2; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, events - 2 - i) }, (_, j) => handle.signal('tick', i + j)));
    }
    const { historyLength } = await handle.describe();
    const browser = await launchChromium();
    const renderTimes: number[] = [];
    try {
      for (let run = 0; run < 6; run++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const t0 = performance.now();
        await page.goto(
          `${server.uiUrl}/namespaces/default/workflows/${workflowId}/${handle.firstExecutionRunId}/history`,
        );
        await page.getByText('Workflow Execution Signaled').first().waitFor({ timeout: 60_000 });
        const ms = performance.now() - t0;
        if (run > 0) renderTimes.push(ms);
        await page.close();
      }
    } finally {
      await browser.close();
    }
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}, node ${process.version}`);
    console.log(
      `HTTP list of ${workflows} workflows (${(bytes / 1024).toFixed(0)} KiB JSON): ${fmt(listTimes)} over ${listTimes.length} runs`,
    );
    console.log(
      `UI first render of a ${historyLength}-event history: ${fmt(renderTimes)} over ${renderTimes.length} runs`,
    );
  } finally {
    await connection.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
