import t from 'tap'
import http from 'node:http'
import http2 from 'node:http2'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { build } from './helpers/in-process.js'
import { get } from './helpers/app-process.js'

function arrivals (expected: number): { arrived: () => void, all: Promise<void> } {
  let count = 0
  let resolve: () => void = () => {}
  const all = new Promise<void>((_resolve) => { resolve = _resolve })
  return { arrived: () => { if (++count === expected) resolve() }, all }
}

t.test('the timeout names requests in flight by method and route template, and exits 1', async (t) => {
  const { arrived, all } = arrivals(3)
  const hang = (): Promise<never> => { arrived(); return new Promise(() => {}) }
  const { app, start, exited, log } = await build({ delay: 0, timeout: 300 }, {}, (app) => {
    app.get('/orders/:id', hang)
    app.setNotFoundHandler(hang)
  })
  const port = await start(true)
  t.teardown(() => app.close())
  const cut = [get(port, '/orders/1'), get(port, '/orders/2'), get(port, '/nowhere?token=secret')].map((p) => p.catch(() => 'cut'))
  await all
  app.shutdown?.addHook('never-reached', () => {})

  app.shutdown?.trigger('test')
  t.equal(await exited, 1)
  const line = log(/^shutdown: timed out after 300 ms/)
  t.match(line, {
    level: 50,
    state: 'closing',
    inFlight: [{ method: 'GET', route: '/orders/:id', count: 2 }, { method: 'GET', route: '(no route)', count: 1 }],
    pendingHooks: ['never-reached']
  })
  t.notMatch(line?.msg, /secret|orders\/1/, 'no raw URL in the line')
  app.server.closeAllConnections()
  t.same(await Promise.all(cut), ['cut', 'cut', 'cut'])
})

t.test('with nothing open but a stuck onClose hook, the forensics line says so', async (t) => {
  const { app, start, exited, log } = await build({ delay: 0, timeout: 200 }, {}, (app) => {
    app.addHook('onClose', () => new Promise(() => {}))
  })
  await start()
  app.shutdown?.trigger('test')
  t.equal(await exited, 1)
  t.match(log(/timed out/)?.msg, /0 request\(s\) in flight; hooks not finished: none; handles: /)
})

t.test('a response whose headers went out before the close: its socket is closed when it ends', async (t) => {
  let stream = new Readable({ read () {} })
  const { app, start, exited } = await build({ delay: 0, timeout: 20_000 }, {}, (app) => {
    app.get('/stream', (request, reply) => {
      stream.push('first ')
      reply.send(stream)
    })
    // The stream ends once the close has begun.
    app.addHook('preClose', (done) => {
      setImmediate(() => { stream.push('last'); stream.push(null) })
      done()
    })
  })
  const port = await start(true)
  t.teardown(() => app.close())
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { agent.destroy() })

  const res = await new Promise<http.IncomingMessage>((resolve) => { http.get({ port, host: '127.0.0.1', path: '/stream', agent }, resolve) })
  t.equal(res.headers.connection, 'keep-alive', 'headers were sent before the shutdown')
  let body = ''
  res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk })
  const ended = once(res, 'end')
  const socketClosed = once(res.socket, 'close')

  const triggered = performance.now()
  app.shutdown?.trigger('test')
  await ended
  await socketClosed
  // keepAliveTimeout is 72 s: the socket was closed as soon as the response ended.
  t.equal(await exited, 0)
  t.ok(performance.now() - triggered < 30_000, 'well before keepAliveTimeout (72 s)')
  t.equal(body, 'first last')
  stream = new Readable({ read () {} })
})

t.test('HTTP/2: in-flight requests complete without a Connection header', async (t) => {
  const { arrived, all } = arrivals(1)
  let finish: () => void = () => {}
  let closingBegan: () => void = () => {}
  const closing = new Promise<void>((resolve) => { closingBegan = resolve })
  const { app, start, exited } = await build({ delay: 0, timeout: 10_000 }, { http2: true } as never, (app) => {
    app.get('/slow', async () => {
      arrived()
      await new Promise<void>((resolve) => { finish = resolve })
      return { ok: true }
    })
    app.addHook('preClose', (done) => { setImmediate(closingBegan); done() })
  })
  const port = await start(true)
  t.teardown(() => app.close())
  const session = http2.connect(`http://127.0.0.1:${port}`)
  t.teardown(() => { session.destroy() })
  const req = session.request({ ':path': '/slow' })
  req.setEncoding('utf8')
  let body = ''
  req.on('data', (chunk: string) => { body += chunk })
  const response = once(req, 'response')
  await all

  app.shutdown?.trigger('test')
  await closing
  t.equal(app.shutdown?.state, 'closing')
  finish()
  const [headers] = await response as [http2.IncomingHttpHeaders]
  await once(req, 'end')
  t.equal(headers[':status'], 200)
  t.equal(headers.connection, undefined)
  t.same(JSON.parse(body), { ok: true })
  session.close()
  t.equal(await exited, 0)
})
