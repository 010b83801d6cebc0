import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

/** The server-feature workflows, bundled once per test file. */
export function bundleServerFeatureWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: quiet });
}
