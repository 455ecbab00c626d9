import t from 'tap'
import { EventEmitter } from 'node:events'
import Fastify from 'fastify'
import dependencies, { pgDependency, redisDependency } from '../src/index.js'
import { logLines } from './log-lines.js'

// Stand-ins for the clients' surface only where a real server cannot show the path (the real clients are tested against real servers elsewhere).
function poolLike (options: Record<string, number>) {
  return Object.assign(new EventEmitter(), { options, query: async () => ({ rows: [], rowCount: 0 }), end: async () => {} })
}

t.test('pgDependency warns at registration about a pool without client-side timeouts, and keeps the app\'s own error listener', async (t) => {
  const log = logLines()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  t.teardown(() => app.close())
  const bare = poolLike({})
  const listened = poolLike({ query_timeout: 1000, connectionTimeoutMillis: 1000 })
  const own = (): void => {}
  listened.on('error', own)
  await app.register(dependencies, { bare: pgDependency(bare as never), listened: pgDependency(listened as never) })
  t.match(log.lines.find((l) => l.dependency === 'bare'), { level: 40, msg: /dependency bare: the pool has no client-side query_timeout or connectionTimeoutMillis.*query_timeout: 2000/ })
  t.notOk(log.lines.some((l) => l.dependency === 'listened' && l.level === 40))
  t.equal(bare.listenerCount('error'), 1, 'a listener added: an idle connection lost is no uncaught exception')
  t.same(listened.listeners('error'), [own])
  bare.emit('error', new Error('terminated'))
  t.match(log.lines.at(-1), { msg: 'dependency bare: idle connection lost; the pool replaces it' })
})

t.test('redisDependency: a client that is not ready is disconnected at close (QUIT would wait for a server that is gone); the app\'s error listener is kept', async (t) => {
  const client = Object.assign(new EventEmitter(), {
    status: 'reconnecting',
    connect: async () => {},
    ping: async () => 'PONG',
    quit: async () => { throw new Error('not called') },
    disconnected: false,
    disconnect () { this.disconnected = true }
  })
  const own = (): void => {}
  client.on('error', own)
  const app = Fastify()
  await app.register(dependencies, { cache: redisDependency(client as never, { critical: false }) })
  await app.ready()
  await app.close()
  t.equal(client.disconnected, true)
  t.same(client.listeners('error'), [own])
})
