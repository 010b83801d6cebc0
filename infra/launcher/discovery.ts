import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RouterFactory } from '../http/service-deps';
import type { TaskKind } from '../../domain/tasks/kinds';

const ROOT = join(__dirname, '..', '..');

/** Every `services/<name>/router.ts` exporting `createRouter(deps)`, by service name. */
export function discoverServices(root = ROOT): Map<string, RouterFactory> {
  const dir = join(root, 'services');
  const found = new Map<string, RouterFactory>();
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, 'router.ts');
    if (!existsSync(file)) continue;
    const mod = require(file) as { createRouter?: RouterFactory };
    if (typeof mod.createRouter !== 'function') throw new Error(`${file} must export createRouter(deps)`);
    found.set(name, mod.createRouter);
  }
  return found;
}

/**
 * Every task kind the processes declare in `domain/<context>/task-kinds.ts`, exported as an array named
 * `<CONTEXT>_TASK_KINDS` (e.g. `QUOTE_TASK_KINDS`) or `taskKinds`.
 */
export function discoverTaskKinds(root = ROOT): TaskKind[] {
  const dir = join(root, 'domain');
  const kinds: TaskKind[] = [];
  if (!existsSync(dir)) return kinds;
  for (const context of readdirSync(dir).sort()) {
    const file = join(dir, context, 'task-kinds.ts');
    if (!existsSync(file)) continue;
    const mod = require(file) as Record<string, unknown>;
    const lists = Object.entries(mod).filter(
      ([name, value]) => (name === 'taskKinds' || name.endsWith('_TASK_KINDS')) && Array.isArray(value),
    );
    if (lists.length === 0) throw new Error(`${file} must export its task kinds as <CONTEXT>_TASK_KINDS: TaskKind[]`);
    for (const [, list] of lists) kinds.push(...(list as TaskKind[]));
  }
  return kinds;
}
