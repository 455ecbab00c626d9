import t from 'tap'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assertPackageExports, assertErrorTable } from '@fastify-production/test-support'
import { codes } from '../src/index.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

t.test('default and named export, plugin metadata, import() and require() of the build', async (t) => {
  assertPackageExports(t, packageDir, 'dependencies')
})

t.test('the README errors table, the exported codes and their instances agree', async (t) => {
  assertErrorTable(t, packageDir, codes)
})
