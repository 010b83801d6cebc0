import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** Custom search attributes the processes set, so staff can list "all open RMAs of customer X". */
export const PROJECT_SEARCH_ATTRIBUTES = {
  CustomerId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  QuoteId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  OrderId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  RmaId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Stage: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
} as const;

/**
 * Registers the project's search attributes on a namespace (OperatorService.AddSearchAttributes), skipping
 * those already there: a real Temporal server rejects upserts of unregistered attributes, and so does ours.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.fromEntries(
    Object.entries(PROJECT_SEARCH_ATTRIBUTES).filter(([name]) => !(customAttributes && name in customAttributes)),
  );
  if (Object.keys(missing).length) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}
