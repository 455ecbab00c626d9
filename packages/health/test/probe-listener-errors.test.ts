import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import { closeListener, listen, ProblemWriter } from '@fastify-production/core'
import { codes } from '../src/errors.js'
import { createProbeServer } from '../src/probe-listener.js'
import type { Probes } from '../src/probes.js'
import { get } from './probe-client.js'

t.test('a probe that throws answers 500 problem+json without the error text, and logs it', async (t) => {
  const logged: unknown[] = []
  const log = { error: (...args: unknown[]) => { logged.push(args) } } as unknown as FastifyBaseLogger
  const live = { statusCode: 200, body: { status: 'ok', checks: {} } } as const
  const probes: Probes = {
    live: () => live,
    ready: async () => { throw new Error('secret internals') },
    startup: () => live
  }
  const writer = new ProblemWriter()
  writer.typeBaseUrl = 'https://errors.example.com/'
  const server = createProbeServer('/health', probes, writer, log)
  const { port } = await listen(server, 0, '127.0.0.1', codes.FP_ERR_HEALTH_LISTEN)
  t.teardown(() => closeListener(server))

  const res = await get(port, '/health/ready?x=1')
  t.equal(res.status, 500)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  const body = JSON.parse(res.body)
  t.match(body, { type: 'https://errors.example.com/INTERNAL_SERVER_ERROR', status: 500, code: 'INTERNAL_SERVER_ERROR', detail: 'An unexpected error occurred.', instance: '/health/ready' })
  t.notMatch(res.body, /secret internals/)
  t.match(logged, [[{ err: { message: 'secret internals' }, requestId: body.requestId }, 'health probe failed']])
})
