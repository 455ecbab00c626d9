import t from 'tap'
import Fastify from 'fastify'
import compression from '../src/index.js'
import { resolveOptions } from '../src/options.js'

const bad: Array<[string, unknown, RegExp]> = [
  ['a negative threshold', { threshold: -1 }, /threshold/],
  ['deflate', { encodings: ['deflate'] }, /encodings/],
  ['no encodings', { encodings: [] }, /encodings/],
  ['brotliQuality 12', { brotliQuality: 12 }, /brotliQuality/],
  ['gzipLevel 0', { gzipLevel: 0 }, /gzipLevel/],
  ['credentialed: true', { credentialed: true }, /credentialed/],
  ['an unknown option', { global: false }, /global: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_COMPRESSION_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(compression, options as object) }, { code: 'FP_ERR_COMPRESSION_OPTIONS', message: mentions })
  })
}

t.test('the message lists what is accepted', async (t) => {
  t.throws(() => resolveOptions({ threshold: 'big' }), { message: /accepted: threshold \(bytes, integer >= 0\), encodings/ })
})

t.test('defaults: 1 KiB threshold, br then gzip, brotli 4, gzip 6, credentialed responses skipped', async (t) => {
  t.same(resolveOptions({}), { threshold: 1024, encodings: ['br', 'gzip'], brotliQuality: 4, gzipLevel: 6, credentialed: 'skip' })
  const options = Object.freeze({ encodings: Object.freeze(['gzip' as const]) })
  const resolved = resolveOptions(options)
  t.not(resolved.encodings, options.encodings, 'the caller\'s list is copied, not kept')
})
