// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@xmldom/xmldom',
              message: 'Only src/harness/xml/ and src/reference-idp/ may import the XML libraries.',
            },
            {
              name: 'xml-crypto',
              message: 'Only src/harness/xml/ and src/reference-idp/ may import the XML libraries.',
            },
            {
              name: 'xpath',
              message: 'Only src/harness/xml/ and src/reference-idp/ may import the XML libraries.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/harness/xml/**', 'src/reference-idp/**', 'test/hostile/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
