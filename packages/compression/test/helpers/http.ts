import http from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  /** The bytes on the wire. */
  raw: Buffer
  /** The body after undoing Content-Encoding. */
  text: string
}

/** A request over a real socket; the body is decoded here, so the test sees what was on the wire. */
export function request (port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      res.on('end', () => {
        const raw = Buffer.concat(chunks)
        const encoding = res.headers['content-encoding']
        const decoded = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text: decoded.toString('utf8') })
      })
    }).on('error', reject).end()
  })
}

export async function listen (app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** A JSON document of about `bytes` bytes that compresses well. */
export function document (bytes: number): { items: string[] } {
  return { items: Array.from({ length: Math.ceil(bytes / 30) }, (_, i) => `order-${i.toString().padStart(8, '0')}-pending`) }
}
