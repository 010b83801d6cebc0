// Search attributes of the namespace feed the workflow list's filters and columns.
import { fetchSearchAttributesForNamespace } from '@temporalio/ui/services/search-attributes-service';
import { allSearchAttributes } from '@temporalio/ui/stores/search-attributes';

export async function load({ params, fetch }) {
  allSearchAttributes.set(await fetchSearchAttributesForNamespace(params.namespace, fetch));
  return {};
}
