// Every workflow the conformance suite runs; the worker's workflowsPath points here.
export * from './messaging';
export * from './activity-workflows';
export * from './workflow-tasks';
export * from './recurring';
