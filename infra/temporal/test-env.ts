import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { join } from 'node:path';
import { registerSearchAttributes } from './search-attribute-registry';

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
    : await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: TEMPORAL_DEV_BIN } },
      });
  // The project's search attributes (CustomerId, Stage, ...) exist on every server the tests use.
  await registerSearchAttributes(env.connection, address ? namespace : 'default');
  return env;
}

/** True when the tests run against the embedded server (time skipping available). */
export function usingEmbeddedServer(): boolean {
  return !process.env.TEMPORAL_ADDRESS;
}

export { Connection, NativeConnection };
