// A real Temporal dev server for one test file: free ports, in memory, no Web UI.
//   const temporal = await startTemporal();
//   after(() => temporal.stop());
import { startTemporalDevServer, type DevServerOptions } from '../../workers/dev-server.ts';

export interface TestTemporal {
  /** host:port for `Connection.connect({ address })` and `NativeConnection.connect({ address })`. */
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

/** `dbFile` keeps state across a stop and a new start on the same file (restart tests). */
export async function startTemporal(
  options: Pick<DevServerOptions, 'dbFile' | 'namespace'> = {},
): Promise<TestTemporal> {
  const server = await startTemporalDevServer({ ...options, port: 0, uiPort: false });
  return { address: server.address, namespace: server.namespace, stop: server.stop };
}
