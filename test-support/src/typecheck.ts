import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

/**
 * Type-checks a fixture project on its own (its module augmentations must not leak into the test
 * program) and returns what tsc printed: '' when it type-checks. A whole tsc run over Fastify's
 * types takes seconds, more on a busy machine: give the test a generous timeout.
 */
export async function typecheck (tsconfig: string): Promise<string> {
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', tsconfig])
    return ''
  } catch (err) {
    return String((err as { stdout?: string }).stdout)
  }
}
