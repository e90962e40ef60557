// ESLint (flat config) with typescript-eslint: `npm run lint`, in CI (.ci/run). CONTRIBUTING.md, Lint and format, says why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's globals, for the few plain JavaScript files (jest config, test set-up, scripts). */
const node = Object.fromEntries(
  ['require', 'module', 'exports', 'process', '__dirname', '__filename', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'fetch'].map((name) => [
    name,
    'readonly',
  ]),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.local/**', '.ci/tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Deliberate here: pg rows, JSON bodies in tests, decorators' metadata. Types at the edges are checked by
      // validation (class-validator, the decoders), not by banning the word.
      '@typescript-eslint/no-explicit-any': 'off',
      // A leading underscore says "unused on purpose" (a destructured field left out, an interface's parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Lazy `require()` keeps heavy or optional modules (mail parsing, the CLI's commands) out of start-up.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: node } },
);
