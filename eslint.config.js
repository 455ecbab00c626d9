import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['**/dist/**', '**/node_modules/**', '**/.tap/**', 'bench/.node/**', 'bench/results/**']
  }),
  {
    files: ['**/*.ts'],
    rules: {
      // TypeBox's idiom gives a schema and its static type one name; tsc itself rejects real redeclarations.
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
