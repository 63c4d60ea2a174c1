// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Names of helpers the platform owns; a context that declares its own has copied one (docs/dev/contexts.md). */
const PLATFORM_HELPERS = '/^(canTransition|canMove[A-Z]\\w*|assertNever\\w*|encodeCursor|decodeCursor)$/';

/** The context kit's rules: one lifecycle helper, one never-check, one cursor codec, jobs instead of timers. */
export const kitRules = {
  files: ['src/contexts/**/*.ts'],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-syntax': ['error',
      { selector: `FunctionDeclaration[id.name=${PLATFORM_HELPERS}]`, message: 'Use the platform helper: defineLifecycle (platform/lifecycle.ts), assertNever (platform/errors.ts) or the cursor codec (platform/http/paging.ts).' },
      { selector: `VariableDeclarator[id.name=${PLATFORM_HELPERS}]`, message: 'Use the platform helper: defineLifecycle (platform/lifecycle.ts), assertNever (platform/errors.ts) or the cursor codec (platform/http/paging.ts).' },
      { selector: "Literal[value='base64url']", message: 'Cursors are encoded by the one codec in platform/http/paging.ts.' },
      { selector: 'CallExpression[callee.name=/^(setInterval|setTimeout)$/]', message: 'Background work is a job declared in the context (defineContext jobs, platform/jobs.ts), not a private timer.' },
    ],
  },
};

export default tseslint.config(
  // src/rpc/generated/ is written by `npm run proto:gen` (proto-loader's generator), not by hand. The fault tests'
  // standby launcher is plain JavaScript like bin/ (it must load without a TypeScript loader) and outside the TS project.
  { ignores: ['eslint.config.js', 'node_modules/', 'data/', 'bench/results/', 'bin/', 'test/support/standby-start.js', 'test/support/cpu-profile.js', 'bench/profile-on-signal.js', '.dependency-cruiser.cjs', 'ui/dist/', 'dist/', 'test-results/', 'src/rpc/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  kitRules,
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
