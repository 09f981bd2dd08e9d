import js from '@eslint/js';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';
import prettier from 'eslint-config-prettier/flat';
import tseslint from 'typescript-eslint';

// One lint for the whole tree (issue 12): ESLint's and typescript-eslint's
// recommended rules, Next's core-web-vitals and TypeScript presets (they bring
// react, react-hooks, jsx-a11y and import), and Prettier last so no rule fights
// the formatter.
export default tseslint.config(
  {
    ignores: ['node_modules/', '.next/', '.next-*/', '.data/', 'test-results/', 'playwright-report/', 'e2e/screenshots/', 'next-env.d.ts'],
  },
  js.configs.recommended,
  ...nextVitals,
  ...nextTypescript,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and benchmarks are not React: their use* helpers (useTestDatabase, useRestFixture) are Vitest hooks.
    files: ['test/**', 'bench/**', 'e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // Migrations are frozen in time and typed against Kysely<any>, as Kysely's docs write them.
    files: ['server/db/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
