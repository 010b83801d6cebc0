import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/** One process's connections to Temporal: the client side (API) and the worker side (native). */
export interface TemporalConnections {
  address: string;
  namespace: string;
  connection: Connection;
  client: Client;
  /** Opened lazily: processes that only serve HTTP never need it. */
  nativeConnection(): Promise<NativeConnection>;
  close(): Promise<void>;
}

/** Connects to the Temporal server at `address` (host:port) for `namespace`. */
export async function connectTemporal(address: string, namespace: string): Promise<TemporalConnections> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  let native: Promise<NativeConnection> | undefined;
  return {
    address,
    namespace,
    connection,
    client,
    nativeConnection: () => (native ??= NativeConnection.connect({ address })),
    async close() {
      if (native) await (await native).close();
      await connection.close();
    },
  };
}

/** Resolves when the server answers (used by /healthz). */
export async function checkTemporal(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.describeNamespace({ namespace });
}
