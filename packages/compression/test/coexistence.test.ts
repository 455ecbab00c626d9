import t from 'tap'
import Fastify from 'fastify'
import fastifyCompress from '@fastify/compress'
import compression from '../src/index.js'

t.test('an app that registered @fastify/compress itself gets FP_ERR_COMPRESSION_TAKEN naming both ways out', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyCompress)
  await t.rejects(async () => { await app.register(compression) }, {
    code: 'FP_ERR_COMPRESSION_TAKEN',
    message: /@fastify\/compress is already registered.*Remove your @fastify\/compress registration.*compression: false/
  })
})

t.test('registered twice, the second registration is refused the same way', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  await t.rejects(async () => { await app.register(compression) }, { code: 'FP_ERR_COMPRESSION_TAKEN' })
})
