// Lint: type-aware rules for promises, and the layers. Imports point down only:
//   domain (pure rules) ← workflows (deterministic) / activities (side effects) ← services (HTTP),
// with infra beside them (database, HTTP, files); infra/launcher, infra/temporal and infra/cli compose the rest.
// Workflow code may not reach Node built-ins, activities or infra (it runs in Temporal's sandbox and replays from
// history). Services and activities build no queries (no kysely values, no .selectFrom()/.insertInto()...): data
// access is infra/db/repositories. test/layers.test.ts proves that each violation fails `npm run lint`.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
// Formatting belongs to Prettier (`.prettierrc.json`, checked by `npm run lint`); this turns off style rules that disagree.
import prettierOff from 'eslint-config-prettier';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const tests = ['**/*.test.ts', 'test/**', '**/test-support/**'];
const layer = (name, why) => ({ group: [`**/${name}`, `**/${name}/**`], message: why });
// Data access lives in infra/db/repositories: services and activities call its functions and never build queries.
const noQueryBuilding = {
  name: 'kysely',
  allowTypeImports: true,
  message: 'Queries belong in infra/db/repositories; services and activities call repository functions.',
};
const queryMethods = 'selectFrom|updateTable|insertInto|deleteFrom|replaceInto|mergeInto|selectNoFrom';
const noQueryCalls = {
  selector: `CallExpression > MemberExpression.callee[property.name=/^(${queryMethods})$/]`,
  message: 'Queries belong in infra/db/repositories; services and activities call repository functions.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.scratch/**',
      'dist/**',
      'ui/dist/**',
      '.data/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      'bin/**',
      'infra/temporal-dev/bin/**',
      'infra/temporal-dev/ui/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins.',
          })),
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows use activities only through proxyActivities (import type).',
            },
            {
              group: ['**/infra', '**/infra/**', '**/services/**'],
              message: 'Workflows may import only @temporalio/workflow and pure domain/ code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    ignores: tests,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'domain/ is pure: workflows import it, so no Node built-ins.',
          })),
          patterns: ['infra', 'activities', 'workflows', 'services'].map((l) =>
            layer(l, `domain/ is the bottom layer: it may not import ${l}/.`),
          ),
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    ignores: tests,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noQueryBuilding],
          patterns: [
            layer('workflows', 'Activities are called by workflows, never the other way round.'),
            layer('services', 'Activities may not import services/ (move what both need to domain/ or infra/).'),
          ],
        },
      ],
    },
  },
  {
    files: ['services/**/*.ts'],
    ignores: tests,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noQueryBuilding],
          patterns: [
            layer(
              'activities',
              'Services may not import activities/: reach the database through infra/db/repositories, files through infra/files, rules through domain/.',
            ),
            // The one workflow module the API needs: the signal that completes a human task.
            {
              regex: '(^|/)workflows/(?!shared/task-signals$)',
              message: 'Services talk to workflows through their contracts in domain/ (signals, queries, ids).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/**/*.ts', 'activities/**/*.ts'],
    ignores: tests,
    rules: { 'no-restricted-syntax': ['error', noQueryCalls] },
  },
  {
    files: ['infra/**/*.ts'],
    ignores: [...tests, 'infra/launcher/**', 'infra/temporal/**', 'infra/cli/**', 'infra/temporal-dev/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: ['activities', 'workflows', 'services'].map((l) =>
            layer(
              l,
              `infra/ serves the layers above it; only infra/launcher, infra/temporal and infra/cli compose ${l}/.`,
            ),
          ),
        },
      ],
    },
  },
  prettierOff,
);
