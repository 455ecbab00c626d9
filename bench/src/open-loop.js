// An open-loop load generator: requests are due at a fixed rate whether or not the server keeps up,
// as when many independent clients (or a proxy in front) send them. autocannon cannot do this: its
// `overallRate` caps each connection's requests per second, and a connection sends its next request
// only after the previous answer, so a slow server slows the load down (closed loop) and the offered
// rate is never more than connections ÷ latency.
//
// Each request has an intended start time (start + i / rate); its latency is counted from then, so the
// time spent waiting for a free connection counts (no coordinated omission, as wrk2). A request not
// answered within `timeoutMs` of its intended start is given up, like a client or proxy would: its
// connection is closed. GET only, HTTP/1.1 keep-alive, one request in flight per connection.
import net from 'node:net'
import http from 'node:http'
import { performance } from 'node:perf_hooks'

const HEAD_END = '\r\n\r\n'

/** One response parsed from the front of `buf` (latin1), or undefined when it is not complete yet. */
function parseResponse (buf) {
  const end = buf.indexOf(HEAD_END)
  if (end === -1) return undefined
  const head = buf.slice(0, end)
  const status = Number(head.slice(9, 12))
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)
  let total
  if (length) {
    total = end + 4 + Number(length[1])
  } else if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
    const last = buf.indexOf('\r\n0\r\n\r\n', end + 2)
    if (last === -1) return undefined
    total = last + 7
  } else {
    total = end + 4
  }
  if (buf.length < total) return undefined
  return {
    status,
    retryAfter: /\r\nretry-after:/i.test(head),
    close: /\r\nconnection:[ \t]*close/i.test(head),
    total
  }
}

export function openLoop ({ host, port, path, rate, seconds, timeoutMs = 2_000, maxConnections = 1_000 }) {
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`, 'latin1')
  const total = Math.round(rate * seconds)
  const result = {
    rate,
    seconds,
    timeoutMs,
    offered: total,
    statusCodes: {},
    served: 0, // 2xx within the timeout
    shedWithRetryAfter: 0,
    shedWithout: 0,
    otherNon2xx: 0,
    timeouts: 0, // sent, not answered in time
    expiredUnsent: 0, // no connection came free in time
    connectionErrors: 0, // the server closed or reset a connection with a request in flight
    latencies: [], // ms, 2xx only, from the intended start
    maxConnections: 0
  }
  const idle = []
  const busy = new Set()
  const pending = []
  let head = 0
  let open = 0
  let issued = 0
  let start = 0

  function count (status) {
    result.statusCodes[status] = (result.statusCodes[status] ?? 0) + 1
  }

  function connect () {
    open++
    result.maxConnections = Math.max(result.maxConnections, open)
    const socket = net.connect(port, host)
    socket.setNoDelay(true)
    const c = { socket, intended: undefined, buf: '' }
    socket.on('connect', () => next(c))
    socket.on('data', (chunk) => onData(c, chunk))
    socket.on('error', () => {}) // 'close' follows and does the accounting
    socket.on('close', () => {
      open--
      const at = idle.indexOf(c)
      if (at !== -1) idle.splice(at, 1)
      if (c.intended !== undefined) {
        result.connectionErrors++
        busy.delete(c)
        c.intended = undefined
      }
      if (head < pending.length && open < maxConnections) connect()
    })
  }

  function send (c, intended) {
    c.intended = intended
    busy.add(c)
    c.socket.write(request)
  }

  // A connection came free: the oldest waiting request that has not expired goes out on it.
  function next (c) {
    const now = performance.now()
    while (head < pending.length) {
      const intended = pending[head++]
      if (now - intended > timeoutMs) {
        result.expiredUnsent++
        continue
      }
      send(c, intended)
      return
    }
    idle.push(c)
  }

  function dispatch (intended) {
    const c = idle.pop()
    if (c !== undefined) {
      send(c, intended)
      return
    }
    pending.push(intended)
    if (open < maxConnections) connect()
  }

  function onData (c, chunk) {
    c.buf += chunk.toString('latin1')
    for (;;) {
      const res = parseResponse(c.buf)
      if (res === undefined) return
      c.buf = c.buf.slice(res.total)
      if (c.intended === undefined) continue // answer to a request already given up
      const latency = performance.now() - c.intended
      busy.delete(c)
      c.intended = undefined
      count(res.status)
      if (res.status >= 200 && res.status < 300) {
        result.served++
        result.latencies.push(latency)
      } else if (res.status === 503) {
        if (res.retryAfter) result.shedWithRetryAfter++
        else result.shedWithout++
      } else {
        result.otherNon2xx++
      }
      if (res.close) {
        c.socket.end()
        return
      }
      next(c)
    }
  }

  return new Promise((resolve) => {
    start = performance.now()
    const ticker = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - start) * rate / 1000))
      while (issued < due) dispatch(start + (issued++ * 1000) / rate)
    }, 1)
    const sweeper = setInterval(() => {
      const now = performance.now()
      for (const c of busy) {
        if (now - c.intended > timeoutMs) {
          result.timeouts++
          busy.delete(c)
          c.intended = undefined
          c.socket.destroy()
        }
      }
      while (head < pending.length && now - pending[head] > timeoutMs) {
        result.expiredUnsent++
        head++
      }
      if (issued === total && busy.size === 0 && head >= pending.length) {
        clearInterval(ticker)
        clearInterval(sweeper)
        for (const c of idle) c.socket.destroy()
        result.latencies.sort((a, b) => a - b)
        resolve(result)
      }
    }, 10)
  })
}

/**
 * Polls `path` every `everyMs` on a fresh connection each time (as the kubelet does), each poll given
 * `timeoutMs` (the kubelet's default timeoutSeconds is 1). `stop()` resolves with the counts.
 */
export function pollLiveness ({ host, port, path, everyMs = 250, timeoutMs = 1_000 }) {
  const counts = { sent: 0, ok: 0, non2xx: 0, timeouts: 0, errors: 0, maxMs: 0, timeoutMs }
  const inflight = new Set()
  const poll = () => {
    counts.sent++
    const started = performance.now()
    const done = new Promise((resolve) => {
      let settled = false
      const finish = (kind) => {
        if (settled) return
        settled = true
        counts[kind]++
        counts.maxMs = Math.max(counts.maxMs, performance.now() - started)
        resolve()
      }
      const req = http.get({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
        res.resume()
        res.on('end', () => finish(res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : 'non2xx'))
      })
      req.on('timeout', () => {
        finish('timeouts')
        req.destroy()
      })
      req.on('error', () => finish('errors'))
    })
    inflight.add(done)
    done.then(() => inflight.delete(done))
  }
  poll()
  const timer = setInterval(poll, everyMs)
  return {
    async stop () {
      clearInterval(timer)
      await Promise.all(inflight)
      return counts
    }
  }
}
