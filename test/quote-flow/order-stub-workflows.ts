/** Stands in for the order engineer's workflow in the quote tests: it returns what the quote handed over. */
import type { OrderWorkflowInput } from '../../domain/order/contract';

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderWorkflowInput> {
  return input;
}
