import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { userNodeEnv } from './user-node-env.js'

type Assert = Pick<Test, 'equal' | 'same'>

/**
 * Loads the built package the way users do, in a clean child process: `import()` and CommonJS
 * `require()` (Node >= 20.19), and reports what each sees.
 */
export function loadBuiltPackage (packageDir: string, namedExport: string): { esm: Record<string, string>, cjs: Record<string, string> } {
  const name = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string }).name
  const probe = (m: string): string => `({ default: typeof ${m}.default, named: typeof ${m}[${JSON.stringify(namedExport)}], same: String(${m}.default === ${m}[${JSON.stringify(namedExport)}]), meta: ${m}.default[Symbol.for('plugin-meta')]?.name ?? '', fastify: ${m}.default[Symbol.for('plugin-meta')]?.fastify ?? '' })`
  const env = userNodeEnv()
  const run = (code: string, type: 'module' | 'commonjs'): Record<string, string> =>
    JSON.parse(execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: packageDir, env, encoding: 'utf8' })) as Record<string, string>
  return {
    esm: run(`const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(${probe('m')}))`, 'module'),
    cjs: run(`const m = require(${JSON.stringify(name)}); console.log(JSON.stringify(${probe('m')}))`, 'commonjs')
  }
}

/** Asserts the DESIGN.md export contract: default + named plugin, fp metadata, ESM and CJS. */
export function assertPackageExports (t: Assert, packageDir: string, namedExport: string): void {
  const name = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string }).name
  const { esm, cjs } = loadBuiltPackage(packageDir, namedExport)
  for (const [how, seen] of [['import', esm], ['require', cjs]] as const) {
    t.same(seen, { default: 'function', named: 'function', same: 'true', meta: name, fastify: '5.x' }, `${how}() of ${name}`)
  }
}

/** The codes listed in the README's "Errors" table: every `FP_ERR_...` in a table row's first cell. */
export function readmeErrorCodes (packageDir: string): string[] {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8')
  return [...readme.matchAll(/^\|\s*`?(FP_ERR_[A-Z0-9_]+)`?\s*\|/gm)].map((m) => m[1] as string).sort()
}

/** Asserts that the README's error table and the exported `codes` map list the same codes. */
export function assertErrorTable (t: Assert, packageDir: string, codes: Record<string, new (...args: string[]) => Error & { code: string }>): void {
  t.same(readmeErrorCodes(packageDir), Object.keys(codes).sort(), 'README errors table lists exactly the exported codes')
  for (const [key, Ctor] of Object.entries(codes)) {
    t.equal(new Ctor('x', 'y').code, key, `${key} makes errors with that code`)
  }
}
