// Conformance: schedules survive a SIGKILL of a server started with --db-filename (the Java-test-server form, so
// that hours pass by time skipping): no run is lost or started twice, and the schedule goes on where it stopped.
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection, Worker } from '@temporalio/worker';
import { TEMPORAL_DEV_BIN, usingEmbeddedServer } from '../../../temporal/test-env';
import { bundleConformanceWorkflows, quietSdkLogs } from '../helpers';
import * as activities from '../activities';
import { recurringRun } from '../workflows';
import { freePort } from '../../free-port';

const describeEmbedded = usingEmbeddedServer() ? describe : describe.skip;
const HOUR_MS = 3600_000;

describeEmbedded('schedules across SIGKILL (--db-filename)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'temporal-dev-schedules-'));
  const dbFile = join(dir, 'state.db');
  let port: number;
  let server: ChildProcess | undefined;
  let connection: Connection | undefined;
  let client: Client;
  let stopWorker: () => Promise<void>;
  const taskQueue = `schedule-persistence-${randomUUID()}`;

  async function startServer(): Promise<void> {
    let stderr = '';
    server = spawn(TEMPORAL_DEV_BIN, [String(port), '--db-filename', dbFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = () => (stderr.includes('Temporal-compatible server on') ? resolve() : server!.exitCode !== null ? reject(new Error(stderr)) : setTimeout(check, 50));
      check();
    });
    // The SDK creates the TestService client only when asked to (as @temporalio/testing does).
    connection = await Connection.connect({ address: `127.0.0.1:${port}`, [InternalConnectionOptionsSymbol]: { supportsTestService: true } } as ConnectionOptions);
    client = new Client({ connection });
  }

  function kill(): Promise<void> {
    const p = server!;
    return new Promise((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  /** Lets server time pass to just after the n-th whole hour from now (the server starts locked). */
  async function passHours(n: number): Promise<void> {
    const now = Number((await connection!.testService!.getCurrentTime({})).time?.seconds) * 1000;
    const target = (Math.floor(now / HOUR_MS) + n) * HOUR_MS + 1000;
    await connection!.testService!.unlockTimeSkippingWithSleep({ duration: msToTs(target - now) });
  }

  beforeAll(async () => {
    quietSdkLogs();
    port = await freePort();
    await startServer();
    const native = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await bundleConformanceWorkflows(), activities, shutdownGraceTime: '1s' });
    let release!: () => void;
    const running = worker.runUntil(new Promise<void>((r) => (release = r)));
    stopWorker = async () => {
      release();
      await running;
      await native.close();
    };
  }, 120_000);

  afterAll(async () => {
    await stopWorker?.();
    await connection?.close();
    if (server && server.exitCode === null) await kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('neither loses nor doubles a run across a restart', async () => {
    const scheduleId = `persisted-${randomUUID()}`;
    const handle = await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: { type: 'startWorkflow', workflowType: recurringRun, taskQueue, workflowId: `persisted-run-${randomUUID()}` },
    });
    await passHours(2);
    const before = await handle.describe();
    expect(before.info.numActionsTaken).toBe(2);

    await connection!.close();
    await kill();
    await startServer();

    const restored = await client.schedule.getHandle(scheduleId).describe();
    expect(restored.info.numActionsTaken).toBe(2);
    expect(restored.info.recentActions.map((a) => a.action.workflow.workflowId)).toEqual(before.info.recentActions.map((a) => a.action.workflow.workflowId));
    expect(restored.info.nextActionTimes[0]).toEqual(before.info.nextActionTimes[0]);

    await passHours(2);
    const after = await client.schedule.getHandle(scheduleId).describe();
    expect(after.info.numActionsTaken).toBe(4);
    const times = after.info.recentActions.map((a) => a.scheduledAt.getTime());
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual([HOUR_MS, HOUR_MS, HOUR_MS]);
    // Each run handed its result to the next, across the restart too.
    const last = await client.workflow.getHandle(after.info.recentActions[3].action.workflow.workflowId).result();
    expect(last.count).toBe(4);
  }, 120_000);
});
