import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { UnauthorizedError } from 'fastify-production'
import type { Credentials, Session } from './schemas.js'

export interface AuthSettings {
  username: string
  password: string
  /** Key that signs tokens. */
  tokenSecret: string
  /** Token lifetime in seconds. */
  tokenTtl: number
}

// Hash both sides first: timingSafeEqual needs equal lengths, and the hash hides the real length.
function sameSecret (given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export function authService (settings: AuthSettings, now: () => number = Date.now) {
  return {
    login (credentials: Credentials): Session {
      // Evaluate both comparisons every time, so timing does not tell which one failed.
      const userOk = sameSecret(credentials.username, settings.username)
      const passwordOk = sameSecret(credentials.password, settings.password)
      if (!(userOk && passwordOk)) throw new UnauthorizedError('Wrong username or password.', { code: 'INVALID_CREDENTIALS' })
      const expires = now() + settings.tokenTtl * 1000
      const payload = Buffer.from(JSON.stringify({ sub: credentials.username, exp: expires })).toString('base64url')
      const signature = createHmac('sha256', settings.tokenSecret).update(payload).digest('base64url')
      return { token: `${payload}.${signature}`, expiresAt: new Date(expires).toISOString() }
    }
  }
}

export type AuthService = ReturnType<typeof authService>
