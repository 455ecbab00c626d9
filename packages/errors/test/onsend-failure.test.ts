import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { httpGet, logCapture, type Answer, type LogLine } from '@fastify-production/test-support'
import errors, { PROBLEM_CONTENT_TYPE } from '../src/index.js'

// What a hook of the app may throw: internals the client must never see.
const HOOK_FAILURE = 'onSend failed: password=hunter2 host 10.4.4.4'
const SECRET = /password|hunter2|10\.4\.4\.4/

/** A real HTTP request to a listening app: what a client sees, with none of inject's shortcuts. */
async function get (app: FastifyInstance, path: string): Promise<Answer> {
  return await httpGet((app.server.address() as { port: number }).port, path)
}

async function listening (t: Test, setup: (app: FastifyInstance) => void | Promise<void>): Promise<{ app: FastifyInstance, lines: LogLine[] }> {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(errors)
  await setup(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, lines: logs.lines }
}

function assertGeneric500 (t: Test, res: Answer, instance: string): void {
  t.equal(res.status, 500)
  t.equal(res.headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.equal(res.headers['content-length'], String(Buffer.byteLength(res.body)))
  t.notMatch(res.body, SECRET)
  t.match(JSON.parse(res.body), { status: 500, code: 'INTERNAL_SERVER_ERROR', detail: 'An unexpected error occurred.', instance })
}

function errorLinesWith (lines: LogLine[], message: RegExp): LogLine[] {
  return lines.filter((l) => l.level === 50 && message.test(String((l.err as { message?: unknown } | undefined)?.message)))
}

t.test('an onSend hook that always throws: the client gets the generic 500 problem, the log the error', async (t) => {
  const { app, lines } = await listening(t, (app) => {
    app.get('/always', {
      onSend: async () => { throw new Error(HOOK_FAILURE) }
    }, async () => ({ ok: true }))
  })
  const res = await get(app, '/always?token=abc')
  assertGeneric500(t, res, '/always')
  t.ok(errorLinesWith(lines, /^onSend failed: password=hunter2 host 10\.4\.4\.4$/).length >= 2,
    'the hook\'s error is logged in full at error level, both when the handler\'s reply and when the problem ran into it')
  t.ok(lines.some((l) => l.level === 50 && l.msg === 'error response failed; sent the generic 500 without onSend hooks'))
})

t.test('an onSend hook that throws only on the error path: the handler\'s error and the hook\'s are logged, neither is sent', async (t) => {
  const { app, lines } = await listening(t, (app) => {
    app.addHook('onSend', function failsOnErrors (_request, reply, payload, done) {
      if (reply.statusCode >= 400) {
        done(new Error(HOOK_FAILURE))
        return
      }
      done(null, payload)
    })
    app.get('/ok', async () => ({ ok: true }))
    app.get('/fails', async () => { throw new Error('query failed on db 10.4.4.4') })
  })
  const ok = await get(app, '/ok')
  t.equal(ok.status, 200, 'answers that succeed are untouched')
  t.same(JSON.parse(ok.body), { ok: true })

  assertGeneric500(t, await get(app, '/fails'), '/fails')
  assertGeneric500(t, await get(app, '/nope'), '/nope')
  t.equal(errorLinesWith(lines, /^query failed on db 10\.4\.4\.4$/).length, 1)
  t.ok(errorLinesWith(lines, /^onSend failed/).length >= 2, 'for the 500 and for the 404 answer')
})

t.test('the last resort keeps the headers earlier hooks set (the security headers), drops what describes the old body or came from the error', async (t) => {
  const { app } = await listening(t, (app) => {
    // Stands in for @fastify-production/security: a root hook, so it runs before route hooks.
    app.addHook('onSend', async (_request, reply) => {
      reply.header('x-frame-options', 'DENY').header('cache-control', 'no-store').header('content-encoding', 'gzip')
      reply.raw.setHeader('content-language', 'de')
    })
    app.get('/', {
      onSend: async (_request, reply) => {
        reply.header('x-bad', 'line\nbreak')
        throw Object.assign(new Error(HOOK_FAILURE), { headers: { 'X-Leak': '10.4.4.4' } })
      }
    }, async () => 'fine')
  })
  const res = await get(app, '/')
  assertGeneric500(t, res, '/')
  t.equal(res.headers['x-frame-options'], 'DENY')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['content-encoding'], undefined, 'the body is not gzip')
  t.equal(res.headers['content-language'], undefined, 'also when set on the raw response')
  t.equal(res.headers['x-leak'], undefined, 'a foreign error never chooses headers')
  t.equal(res.headers['x-bad'], undefined, 'a value Node refuses is left out instead of failing the answer')
})

t.test('an error handler set after the suite whose answer fails too: its error reaches ours, the second failure the last resort', async (t) => {
  const { app, lines } = await listening(t, (app) => {
    app.setErrorHandler(function appErrors (err, _request, reply) {
      reply.code(502).send({ mine: (err as Error).message })
    })
    app.get('/', {
      onSend: async (_request, reply) => { if (reply.statusCode >= 400) throw new Error(HOOK_FAILURE) }
    }, async () => { throw new Error('upstream 10.4.4.4 down') })
  })
  assertGeneric500(t, await get(app, '/'), '/')
  t.ok(errorLinesWith(lines, /^onSend failed/).length >= 2)
})

t.test('a hook throwing a value whose headers cannot be read: still the generic 500 problem', async (t) => {
  const hostile = Object.defineProperty(new Error(HOOK_FAILURE), 'headers', { get () { throw new Error('getter headers at 10.4.4.4') } })
  const { app, lines } = await listening(t, (app) => {
    app.get('/', { onSend: async () => { throw hostile } }, async () => 'fine')
  })
  assertGeneric500(t, await get(app, '/'), '/')
  t.ok(lines.some((l) => l.level === 50 && l.msg === 'error response failed; sent the generic 500 without onSend hooks'))
})

t.test('a send after the problem went out keeps Fastify\'s handling: a warning, no second answer', async (t) => {
  let late: () => void = () => {}
  const sentLate = new Promise<void>((resolve) => { late = resolve })
  const { app, lines } = await listening(t, (app) => {
    app.get('/', (_request, reply) => {
      reply.raw.once('finish', () => { reply.send('late'); late() })
      throw new Error('boom')
    })
  })
  const res = await get(app, '/')
  t.equal(res.status, 500)
  await sentLate
  t.ok(lines.some((l) => l.level === 40 && (l.err as { code?: string } | undefined)?.code === 'FST_ERR_REP_ALREADY_SENT'))
})

t.test('a hook that started writing the failed answer: the connection is cut, nothing of the error follows', async (t) => {
  const { app, lines } = await listening(t, (app) => {
    app.get('/', {
      onSend: async (_request, reply) => {
        if (reply.statusCode < 400) throw new Error(HOOK_FAILURE)
        // Headers stored, not flushed: the client sees the connection end with nothing.
        reply.raw.writeHead(500, { 'content-type': 'text/plain' })
        throw new Error(HOOK_FAILURE)
      }
    }, async () => 'fine')
  })
  await t.rejects(get(app, '/'), { code: 'ECONNRESET' })
  t.ok(errorLinesWith(lines, /^onSend failed/).length >= 2)
})
