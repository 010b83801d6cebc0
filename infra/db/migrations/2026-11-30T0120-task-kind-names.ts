/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';
import { RENAMED_TASK_KINDS } from '../../../domain/tasks/kind-names';

/**
 * Task kinds take one scheme, `<process>.<step-in-kebab-case>` (`quote-engineering-review` → `quote.engineering-review`,
 * `order.contract_signature` → `order.contract-signature`): the tasks that carry an old name, and audit entries whose
 * before / after names one, are rewritten. The map is frozen in domain/tasks/kind-names, which still maps a name
 * that arrives after this ran.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await rename(db, Object.entries(RENAMED_TASK_KINDS));
}

export async function down(db: Kysely<any>): Promise<void> {
  await rename(
    db,
    Object.entries(RENAMED_TASK_KINDS).map(([old, current]) => [current, old]),
  );
}

async function rename(db: Kysely<any>, pairs: [from: string, to: string][]): Promise<void> {
  const names = sql.join(pairs.map(([from, to]) => sql`(${from}::text, ${to}::text)`));
  await sql`update tasks t set kind = n.to_name from (values ${names}) as n(from_name, to_name)
            where t.kind = n.from_name`.execute(db);
  for (const column of ['before', 'after'] as const) {
    await sql`update audit_log a set ${sql.ref(column)} = jsonb_set(${sql.ref(column)}, '{kind}', to_jsonb(n.to_name))
              from (values ${names}) as n(from_name, to_name)
              where a.${sql.ref(column)} ->> 'kind' = n.from_name`.execute(db);
  }
}
