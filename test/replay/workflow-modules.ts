import { join } from 'node:path';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const HistoryType = temporal.api.history.v1.History;

/** Every workflows module the workers run (each task queue's entry); together they name every workflow type. */
export const WORKFLOW_MODULES = ['quote', 'order', 'rma'].map((context) =>
  join(__dirname, '..', '..', 'workflows', context),
);

/** The workflow types the project defines, read from the modules' exports. */
export function projectWorkflowTypes(): Set<string> {
  const types = new Set<string>();
  for (const path of WORKFLOW_MODULES) {
    for (const [name, value] of Object.entries(require(path) as Record<string, unknown>))
      if (typeof value === 'function') types.add(name);
  }
  return types;
}

/** Where recorded histories are kept: one folder per workflow type. */
export const HISTORIES_DIR = join(__dirname, 'histories');

/**
 * Histories are kept as the proto message in JSON (enums by name, 64-bit numbers and bytes as strings), readable
 * with any JSON tool. The SDK's `historyToJSON` cannot be used: it brings its own protobufjs copy, which does
 * not accept the messages of the copy `@temporalio/proto` uses.
 */
export function historyToText(history: History): string {
  const message = HistoryType.fromObject(history as Record<string, unknown>);
  return JSON.stringify(HistoryType.toObject(message, { enums: String, longs: String, bytes: String })) + '\n';
}

export function historyFromText(text: string): History {
  return HistoryType.fromObject(JSON.parse(text) as Record<string, unknown>);
}
