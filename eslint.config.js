// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * House rule 2: each SDK lives in one folder. The map below is enforced by lint so that a stray
 * import of a vendor SDK outside its home fails the test command instead of a code review.
 */
const sdkHomes = [
  { name: '@slack/bolt', home: 'src/chat/slack/' },
  { name: '@slack/web-api', home: 'src/chat/slack/' },
  { name: 'botbuilder', home: 'src/chat/teams/' },
  { name: 'bullmq', home: 'jobs/' },
  { name: 'ioredis', home: 'src/redis/' },
  { name: 'prom-client', home: 'src/metrics/' },
  { name: '@resvg/resvg-js', home: 'src/chart/' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { paths: sdkHomes.map((s) => ({ name: s.name, message: `Import ${s.name} only inside ${s.home}` })) },
      ],
    },
  },
  // Lift the restriction inside each SDK's own folder.
  ...sdkHomes.map((s) => ({
    files: [`${s.home}**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: sdkHomes
            .filter((o) => o.home !== s.home)
            .map((o) => ({ name: o.name, message: `Import ${o.name} only inside ${o.home}` })),
        },
      ],
    },
  })),
  // tsconfig.build.json compiles src, handlers and jobs into the image, and tsc follows imports: one
  // import of test/ or of the test framework would ship test code. What the demo and the tests share
  // lives in src/simulator/.
  {
    files: ['src/**/*.ts', 'handlers/**/*.ts', 'jobs/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'ImportDeclaration',
          'ExportNamedDeclaration',
          'ExportAllDeclaration',
          'ImportExpression',
        ].flatMap((node) => [
          {
            selector: `${node}[source.value=/(^|\\/)test\\//]`,
            message: 'Product code must not import test/ (move shared fakes to src/simulator/)',
          },
          {
            selector: `${node}[source.value=/^(vitest|fast-check)($|\\/)/]`,
            message: 'Product code must not import a test framework',
          },
        ]),
      ],
    },
  },
);
