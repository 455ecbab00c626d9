import t from 'tap'
import { readEnv, trustProxy } from '../src/env.js'

t.test('TRUST_PROXY: unset means no proxy is trusted', async (t) => {
  t.equal(trustProxy(readEnv({})), false)
  t.equal(trustProxy(readEnv({ TRUST_PROXY: 'false' })), false)
})

t.test('TRUST_PROXY: addresses, CIDRs and proxy-addr\'s named ranges, comma-separated', async (t) => {
  t.same(trustProxy(readEnv({ TRUST_PROXY: '10.0.0.0/8' })), ['10.0.0.0/8'])
  t.same(trustProxy(readEnv({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,loopback' })), ['10.0.0.0/8', '192.168.1.7', 'loopback'])
  t.same(trustProxy(readEnv({ TRUST_PROXY: 'fc00::/7,::1,linklocal,uniquelocal' })), ['fc00::/7', '::1', 'linklocal', 'uniquelocal'])
})

t.test('TRUST_PROXY refuses true, hop counts and malformed ranges at boot, naming the variable only', async (t) => {
  // true: any client picks its own address; a hop count: Fastify ignores it (it cannot tell the proxy from a direct client).
  for (const value of ['true', '1', '10.0.0.0/33', 'fc00::/129', '10.0.0.0/8/1', '10.0.0.0/x', 'ingress.internal', '10.0.0.0/8,', '']) {
    t.throws(() => readEnv({ TRUST_PROXY: value }), { code: 'FP_ERR_CONFIG_INVALID', message: /TRUST_PROXY/ }, JSON.stringify(value))
  }
})
