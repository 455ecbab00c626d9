import t from 'tap'
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assertErrorTable, userNodeEnv } from '@fastify-production/test-support'
import { codes } from '../src/index.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

// Not a plugin: the contract is `start` as the default and a named export, seen the same by import() and require().
function load (type: 'module' | 'commonjs'): Record<string, string> {
  const probe = '({ default: typeof m.default, named: typeof m.start, same: String(m.default === m.start), codes: Object.keys(m.codes).sort().join(",") })'
  const code = type === 'module'
    ? `const m = await import('@fastify-production/cluster'); console.log(JSON.stringify(${probe}))`
    : `const m = require('@fastify-production/cluster'); console.log(JSON.stringify(${probe}))`
  return JSON.parse(execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: packageDir, env: userNodeEnv(), encoding: 'utf8' })) as Record<string, string>
}

t.test('start is the default and a named export, through import() and require() of the build', async (t) => {
  const expected = { default: 'function', named: 'function', same: 'true', codes: Object.keys(codes).sort().join(',') }
  t.same(load('module'), expected, 'import()')
  t.same(load('commonjs'), expected, 'require()')
})

t.test('the README errors table, the exported codes and their instances agree', async (t) => {
  assertErrorTable(t, packageDir, codes)
})
