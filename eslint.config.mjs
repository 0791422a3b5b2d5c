import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only config/ reads process.env.',
        },
      ],
    },
  },
  {
    files: ['config/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/src/**'] }] },
  },
  // The module flow of ARCHITECTURE.md: decisions in routing/ and sla/, the tickets table behind tickets/.
  {
    files: ['src/actions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/ingestion/**'],
              message: 'After a decision, ask tickets/ case sync to re-read the case.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/routing/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sla/**'],
              message: 'routing/ and sla/ take facts and return decisions; they do not import each other.',
            },
            {
              group: ['**/tickets/*.service', '**/tickets/*.repository', '**/tickets/*.module'],
              message: 'routing/ decides; tickets/ stores.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sla/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/routing/**'],
              message: 'routing/ and sla/ take facts and return decisions; they do not import each other.',
            },
            {
              group: ['**/tickets/*.service'],
              message: 'sla/ decides; it may store through the ticket repository only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webhooks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/tickets/**'],
              message: 'webhooks/ carries events that others wrote to the outbox.',
            },
          ],
        },
      ],
    },
  },
);
