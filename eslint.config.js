// ESLint with type information, so floating promises are reported (a dropped promise on the
// live path is a lost message or an unhandled rejection).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '**/out', '**/dist', 'data', 'test-results', '.tmp'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
);
