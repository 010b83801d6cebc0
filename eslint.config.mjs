// Lint: type-aware rules for promises; workflow code may not reach Node built-ins, activities or infra
// (determinism: workflows run in Temporal's sandbox and replay from history).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.scratch/**', 'dist/**', 'ui/dist/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs', 'bin/**', 'infra/temporal-dev/bin/**', 'infra/temporal-dev/ui/**'] },
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
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Workflows use activities only through proxyActivities (import type).' },
            { group: ['**/infra', '**/infra/**', '**/services/**'], message: 'Workflows may import only @temporalio/workflow and pure domain/ code.' },
          ],
        },
      ],
    },
  },
);
