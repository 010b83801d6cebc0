import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const { IndexedValueType } = temporal.api.enums.v1;

/** Custom search attributes the processes set, so staff can find a workflow by business id. */
export const SEARCH_ATTRIBUTES: Record<string, IndexedValueType> = {
  CustomerId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  QuoteId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  OrderId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  RmaId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Stage: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

/**
 * Registers the attributes the namespace lacks (idempotent: existing ones are left alone). Returns the names added.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Record<string, IndexedValueType> = SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  const missing = Object.fromEntries(Object.entries(attributes).filter(([name]) => !known.has(name)));
  if (Object.keys(missing).length === 0) return [];
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  return Object.keys(missing);
}
