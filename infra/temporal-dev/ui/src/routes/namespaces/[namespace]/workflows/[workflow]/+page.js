// A workflow id without a run id opens its latest run, as Temporal's UI does.
import { redirect } from '@sveltejs/kit';
import { fetchWorkflow } from '@temporalio/ui/services/workflow-service';
import { routeForEventHistory } from '@temporalio/ui/utilities/route-for';

export async function load({ params, fetch }) {
  const { workflow, error } = await fetchWorkflow({ namespace: params.namespace, workflowId: params.workflow }, fetch);
  if (error || !workflow) throw redirect(307, `/namespaces/${params.namespace}/workflows`);
  throw redirect(307, routeForEventHistory({ namespace: params.namespace, workflow: params.workflow, run: workflow.runId }));
}
