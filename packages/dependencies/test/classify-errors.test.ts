import t from 'tap'
import { classifyHttpError, classifyPgError, classifyRedisError, HttpStatusError } from '../src/index.js'

const coded = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code })
const named = (name: string, message = 'x'): Error => Object.assign(new Error(message), { name })

t.test('PostgreSQL errors: could not connect is refused, a lost connection or a timeout failed, any other SQLSTATE an answer', async (t) => {
  const cases: Array<[unknown, string]> = [
    [coded('ECONNREFUSED'), 'refused'],
    [coded('57P03'), 'refused'],
    [coded('53300'), 'refused'],
    [new Error('timeout exceeded when trying to connect'), 'refused'],
    [coded('ECONNRESET'), 'failed'],
    [coded('57014'), 'failed'],
    [coded('08006'), 'failed'],
    [new Error('Query read timeout'), 'failed'],
    ['a string', 'failed'],
    [coded('23505'), 'answer'],
    [coded('42P01'), 'answer'],
    [coded('40001'), 'answer']
  ]
  for (const [error, kind] of cases) t.equal(classifyPgError(error), kind, String((error as { code?: string }).code ?? error))
})

t.test('Redis errors: not sent is refused, timed out or lost failed, an error reply an answer', async (t) => {
  const cases: Array<[unknown, string]> = [
    [named('MaxRetriesPerRequestError'), 'refused'],
    [coded('ECONNREFUSED'), 'refused'],
    [new Error('Connection is closed.'), 'refused'],
    [new Error('Stream isn\'t writeable and enableOfflineQueue options is false'), 'refused'],
    [named('ReplyError', 'LOADING Redis is loading the dataset in memory'), 'refused'],
    [named('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'), 'answer'],
    [new Error('Command timed out'), 'failed'],
    [null, 'failed']
  ]
  for (const [error, kind] of cases) t.equal(classifyRedisError(error), kind, String((error as Error | null)?.message))
})

t.test('HTTP errors: 503/429 and no connection are refused; other 5xx, 408 and resets failed; Retry-After in seconds or as a date', async (t) => {
  t.equal(classifyHttpError(new HttpStatusError(503, null)), 'refused')
  t.equal(classifyHttpError(new HttpStatusError(429, null)), 'refused')
  t.equal(classifyHttpError(new HttpStatusError(502, null)), 'failed')
  t.equal(classifyHttpError(Object.assign(new TypeError('fetch failed'), { cause: coded('ECONNREFUSED') })), 'refused')
  t.equal(classifyHttpError(coded('UND_ERR_CONNECT_TIMEOUT')), 'refused')
  t.equal(classifyHttpError(Object.assign(new TypeError('fetch failed'), { cause: coded('ECONNRESET') })), 'failed')
  t.equal(classifyHttpError(null), 'failed')
  t.equal(new HttpStatusError(503, '7').retryAfterMs, 7000)
  const inTenSeconds = new Date(Date.now() + 10_000).toUTCString()
  const ms = new HttpStatusError(503, inTenSeconds).retryAfterMs ?? 0
  t.ok(ms > 8000 && ms <= 10_000, `a date: ${ms} ms`)
  t.equal(new HttpStatusError(503, new Date(0).toUTCString()).retryAfterMs, 0, 'a date past is no wait')
  t.equal(new HttpStatusError(503, 'soon').retryAfterMs, undefined)
  t.equal(new HttpStatusError(503, null).retryAfterMs, undefined)
})
