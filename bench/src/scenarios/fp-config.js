import Fastify from 'fastify'
import { Type } from 'typebox'
import config from '@fastify-production/config'
import { listenFastify } from '../common.js'

const schema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Number({ default: 3000 })
})

// Config is read once at boot: the success path should cost nothing.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(config, { schema, source: { PORT: '3000' } })
  return listenFastify(app, port)
}
