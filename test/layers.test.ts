import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The layer rules of eslint.config.mjs, checked with the project's own ESLint and config: each probe is linted as if
// it were the named file, and an import across a layer must fail `npm run lint` with the rule's message. ESLint runs
// in a child process because its flat config is an ES module.

const ROOT = join(__dirname, '..');

interface Probe {
  /** The file the code is linted as (an existing file, so the typed rules find it in the project). */
  as: string;
  code: string;
}

const probes: Record<string, Probe> = {
  serviceImportsActivity: {
    as: 'services/production/router.ts',
    code: "export { createOrderActivities } from '../../activities/order';\n",
  },
  serviceImportsWorkflow: {
    as: 'services/production/router.ts',
    code: "export { orderWorkflow } from '../../workflows/order/order-workflow';\n",
  },
  serviceImportsTaskSignal: {
    as: 'services/tasks/complete-task.ts',
    code: "export { taskCompletedSignal } from '../../workflows/shared/task-signals';\n",
  },
  activityImportsService: {
    as: 'activities/order/billing.ts',
    code: "export { completeTask } from '../../services/tasks/complete-task';\n",
  },
  domainImportsInfra: {
    as: 'domain/order/payment.ts',
    code: "export { getOrder } from '../../infra/db/repositories/orders';\n",
  },
  domainImportsNode: { as: 'domain/order/payment.ts', code: "export { readFileSync } from 'node:fs';\n" },
  repositoryImportsActivity: {
    as: 'infra/db/repositories/orders.ts',
    code: "export { orderReference } from '../../../activities/order';\n",
  },
  serviceBuildsQuery: {
    as: 'services/production/router.ts',
    code: "import type { Db } from '../../infra/db/database';\nexport const ids = (db: Db) => db.selectFrom('orders').select('id').execute();\n",
  },
  activityBuildsQuery: {
    as: 'activities/order/billing.ts',
    code: "import type { DbOrTrx } from '../../infra/db/database';\nexport const drop = (trx: DbOrTrx, id: string) => trx.deleteFrom('orders').where('id', '=', id).execute();\n",
  },
  activityImportsSql: {
    as: 'activities/order/billing.ts',
    code: "export { sql } from 'kysely';\n",
  },
  activityImportsKyselyTypes: {
    as: 'activities/order/billing.ts',
    code: "export type { Selectable } from 'kysely';\n",
  },
  repositoryBuildsQuery: {
    as: 'infra/db/repositories/orders.ts',
    code: "import { sql } from 'kysely';\nimport type { Db } from '../database';\nexport const ids = (db: Db) => db.selectFrom('orders').select(sql<string>`id`.as('id')).execute();\n",
  },
  workflowImportsInfra: {
    as: 'workflows/order/order-workflow.ts',
    code: "export { getOrder } from '../../infra/db/repositories/orders';\n",
  },
};

const LINT_PROBES = `
import { ESLint } from 'eslint';
const probes = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = {};
for (const [name, p] of Object.entries(probes)) {
  const [result] = await eslint.lintText(p.code, { filePath: p.as });
  const layerRules = ['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax', null];
  out[name] = result.messages.filter((m) => layerRules.includes(m.ruleId)).map((m) => m.message);
}
process.stdout.write(JSON.stringify(out));
`;

describe('layer rules in eslint.config.mjs', () => {
  let found: Record<string, string[]>;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', LINT_PROBES, JSON.stringify(probes)],
      { cwd: ROOT, maxBuffer: 1 << 20 },
    );
    found = JSON.parse(stdout) as Record<string, string[]>;
  }, 300_000);

  test.each([
    ['serviceImportsActivity', /Services may not import activities/],
    ['serviceImportsWorkflow', /Services talk to workflows through their contracts/],
    ['activityImportsService', /Activities may not import services/],
    ['domainImportsInfra', /domain\/ is the bottom layer: it may not import infra/],
    ['domainImportsNode', /domain\/ is pure/],
    ['repositoryImportsActivity', /infra\/ serves the layers above it/],
    ['workflowImportsInfra', /Workflows may import only @temporalio\/workflow and pure domain/],
    ['serviceBuildsQuery', /Queries belong in infra\/db\/repositories/],
    ['activityBuildsQuery', /Queries belong in infra\/db\/repositories/],
    ['activityImportsSql', /Queries belong in infra\/db\/repositories/],
  ])('%s fails lint', (name, message) => {
    expect(found[name]).toEqual([expect.stringMatching(message)]);
  });

  test('the task signal contract is the one workflow module services may import', () => {
    expect(found.serviceImportsTaskSignal).toEqual([]);
  });

  test('repositories build queries; activities may still name kysely types', () => {
    expect(found.repositoryBuildsQuery).toEqual([]);
    expect(found.activityImportsKyselyTypes).toEqual([]);
  });
});
