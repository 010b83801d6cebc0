import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { join } from 'node:path';
import { registerSearchAttributes } from './search-attributes';

/** Path of the embedded server's executable (runs TypeScript through tsx, no build step). */
export const TEMPORAL_DEV_BIN = join(__dirname, '..', 'temporal-dev', 'bin', 'temporal-dev');

/**
 * The Temporal environment every workflow test uses: the real server named by `TEMPORAL_ADDRESS` when set,
 * otherwise the embedded server started as an `existing-path` executable with time skipping.
 */
export async function createTestEnv(): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_ADDRESS;
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const env = address
    ? await TestWorkflowEnvironment.createFromExistingServer({ address, namespace })
    : await startEmbeddedTimeSkipping();
  // The project's search attributes (CustomerId, Stage, ...) exist on every server the tests use.
  await registerSearchAttributes(env.connection, address ? namespace : 'default');
  return env;
}

/**
 * Starts the embedded server through @temporalio/testing. The SDK allows a server 5 s to answer; on a machine
 * saturated by parallel test files a start can miss that, so a start that timed out is tried again (twice).
 */
async function startEmbeddedTimeSkipping(): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: TEMPORAL_DEV_BIN } },
      });
    } catch (err) {
      if (attempt >= 3 || !/did not start within/.test(String((err as Error)?.message))) throw err;
    }
  }
}

/** True when the tests run against the embedded server (time skipping available). */
export function usingEmbeddedServer(): boolean {
  return !process.env.TEMPORAL_ADDRESS;
}

export { Connection, NativeConnection };
