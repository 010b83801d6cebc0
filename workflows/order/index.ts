/** Every workflow of the order context (the production queue's workflowsPath). */
export { orderWorkflow } from './order-workflow';
export { productionWorkflow, type ProductionWorkflowInput, type ProductionResult } from './production-workflow';
export { qcLotWorkflow, type QcLotWorkflowInput } from './qc-lot-workflow';
