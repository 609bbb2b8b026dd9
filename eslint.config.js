// Lint rules that guard the design's invariants: workflow code stays deterministic
// (no Node built-ins, no value imports of activities), db/ owns every query, and no promise
// is left floating.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// db/ owns every query (docs/db.md): elsewhere, call a db/ module; never build SQL or reach
// for the tables. Types come from the db/ modules too (HostRow, ApplicationSnapshot, …).
const queriesStayInDb = {
  group: ['drizzle-orm', 'drizzle-orm/*', '**/db/schema.ts', '**/db/schema'],
  message: 'Queries live in db/: call (or add) a function of the db/ module of that aggregate.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'tmp/**',
      '.tools/**',
      'test-artifacts/**',
      'db/migrations/**',
      'web/static/vendor/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through config.ts only.' },
      ],
    },
  },
  {
    files: ['config.ts', 'scripts/**', 'bench/**', 'test/**', 'hosts/runner/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests may seed and inspect tables directly; drizzle.config.ts points drizzle-kit at the schema.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['db/**', 'test/**', 'drizzle.config.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [queriesStayInDb] }] },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflows must be deterministic: no Node built-ins.',
          })),
          patterns: [
            {
              group: ['**/activities/**', '**/activities'],
              allowTypeImports: true,
              message: 'Import activities in workflows with `import type` only.',
            },
            queriesStayInDb,
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
