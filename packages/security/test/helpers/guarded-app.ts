import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Test } from 'tap'
import security, { type SecurityOptions } from '../../src/index.js'
import { listening } from './listening.js'

/** An app with only the input guard on (no headers, no rate limit), its routes, listening on loopback. */
export async function guardedApp (t: Test, inputGuard: SecurityOptions['inputGuard'], routes: (app: FastifyInstance) => void, server: FastifyServerOptions = {}): Promise<{ app: FastifyInstance, url: string }> {
  const app = Fastify(server)
  await app.register(security, { headers: false, rateLimit: false, ...(inputGuard === undefined ? {} : { inputGuard }) })
  routes(app)
  return { app, url: await listening(t, app) }
}

export interface Answer {
  status: number
  body: { code?: string, errors?: Array<{ path: string, message: string }>, [key: string]: unknown }
}

/** POSTs `body` as JSON (a string is sent as is) and reads the JSON answer. */
export async function postJson (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, body: await res.json() as Answer['body'] }
}

export async function getJson (url: string): Promise<Answer> {
  const res = await fetch(url)
  return { status: res.status, body: await res.json() as Answer['body'] }
}
