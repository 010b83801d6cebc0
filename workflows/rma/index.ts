export { rmaWorkflow } from './rma-workflow';
export { productionRepairWorkflow } from './production-repair-workflow';
export {
  rmaDailyReportWorkflow,
  rmaPenaltyAssessmentWorkflow,
  rmaPmcAgendaWorkflow,
  rmaTripPlanWorkflow,
} from './routines';
