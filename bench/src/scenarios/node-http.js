import http from 'node:http'
import { BODY, ROUTE, listenServer } from '../common.js'

const headers = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': Buffer.byteLength(BODY)
}

// The floor: no framework, one route, the same JSON body.
export default function start ({ port }) {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === ROUTE) {
      res.writeHead(200, headers)
      res.end(BODY)
      return
    }
    res.writeHead(404)
    res.end()
  })
  return listenServer(server, port)
}
