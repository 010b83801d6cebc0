/** Visibility: search attributes and list/count queries over executions (filled in by the visibility module). */
import type { Handler } from './service';

export interface Visibility {
  workflowServiceHandlers(): Record<string, Handler>;
  operatorServiceHandlers(): Record<string, Handler>;
}
