export { rmaWorkflow } from './rma-workflow';
export { productionRepairWorkflow } from './production-repair-workflow';
