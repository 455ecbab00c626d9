// Runs on the worker threads of @fastify-production/tasks, never on the event loop.
import { randomBytes, scryptSync } from 'node:crypto'

/**
 * OWASP's minimum cost for scrypt, in its 32 MiB form (N = 2^15, r = 8, p = 3, the same CPU as
 * N = 2^17 with p = 1): about 0.1-0.3 s of one core per hash, by design.
 */
const N = 2 ** 15
const R = 8
const P = 3
const MAXMEM = 64 * 1024 * 1024

/** The string a sign-up stores: `scrypt$N$r$p$salt$key` (salt and key in hex). */
export function hashPassword (password: string): string {
  const salt = randomBytes(16)
  const key = scryptSync(password, salt, 32, { N, r: R, p: P, maxmem: MAXMEM })
  return `scrypt$${N}$${R}$${P}$${salt.toString('hex')}$${key.toString('hex')}`
}
