import { request, type Agent, type IncomingHttpHeaders } from 'node:http'

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export interface GetOptions {
  method?: string
  headers?: Record<string, string>
  /** A fresh connection per request unless an agent is given (as the kubelet probes). */
  agent?: Agent
}

/** One request over a real socket to 127.0.0.1: what a client sees, with none of inject's shortcuts. */
export function httpGet (port: number, path: string, options: GetOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode as number, headers: res.headers, body }) })
    })
    req.on('error', reject)
    req.end()
  })
}
