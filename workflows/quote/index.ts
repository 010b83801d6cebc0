/** Every workflow of the quote context (the worker's workflowsPath for the `quote` task queue). */
export { quoteWorkflow } from './quote-workflow';
