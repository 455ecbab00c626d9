import t from 'tap'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { assertErrorTable } from '@fastify-production/test-support'
import { codes } from '../src/index.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(packageDir, 'dist', 'index.js')
const API = ['lifecycle', 'findLifecycle', 'provide', 'find', 'defineCapability', 'problems', 'optionsError', 'processMonitor', 'bearerCheck', 'drain', 'listen', 'closeListener', 'installProcessListeners', 'productionConfig', 'routeConfigReader']

t.test('import() and require() of the build give the same API', async (t) => {
  const esm = await import(pathToFileURL(entry).href) as Record<string, unknown>
  const cjs = createRequire(import.meta.url)(entry) as Record<string, unknown>
  for (const name of API) {
    t.equal(typeof esm[name], 'function', `import: ${name}`)
    t.equal(cjs[name], esm[name], `require: ${name}`)
  }
})

t.test('the README errors table, the exported codes and their instances agree', async (t) => {
  assertErrorTable(t, packageDir, codes)
})
