import t from 'tap'
import { cp, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { AppError, NotFoundError, isAppError, createError } from '../src/index.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

t.test('instanceof holds between two installed copies of the package', async (t) => {
  // A second copy on disk, as a nested node_modules would hold it; it shares nothing with ours but Symbol.for.
  const dir = await mkdtemp(join(tmpdir(), 'fp-errors-copy-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const copy = join(dir, 'node_modules', '@fastify-production', 'errors')
  await cp(join(packageDir, 'dist'), join(copy, 'dist'), { recursive: true })
  await cp(join(packageDir, 'package.json'), join(copy, 'package.json'))
  for (const dep of ['fastify-plugin', 'typebox', '@fastify/error', '@fastify-production/core']) {
    await mkdir(dirname(join(copy, 'node_modules', dep)), { recursive: true })
    await symlink(await realpath(join(packageDir, 'node_modules', dep)), join(copy, 'node_modules', dep))
  }
  const other = await import(pathToFileURL(join(copy, 'dist', 'index.js')).href) as typeof import('../src/index.js')

  t.not(other.AppError, AppError, 'really a second copy')
  const foreign = new other.NotFoundError('from the other copy')
  t.ok(foreign instanceof AppError)
  t.ok(foreign instanceof NotFoundError)
  t.ok(isAppError(foreign))
  t.ok(new NotFoundError() instanceof other.NotFoundError)
  t.notOk(foreign instanceof (await import('../src/index.js')).ConflictError)
  const Mine = createError('PAYMENT_DECLINED', 402, 'declined')
  const Theirs = other.createError('PAYMENT_DECLINED', 402, 'declined')
  t.ok(new Theirs() instanceof Mine, 'catalog entries match by code')
})
