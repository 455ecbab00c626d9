import crypto from 'node:crypto'

const BEARER = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i

function digest (value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest()
}

/**
 * Whether an Authorization header carries the token. Both sides are hashed first, so
 * `timingSafeEqual` compares equal-length buffers and the time taken says nothing about the token,
 * not even its length. With no token configured, every request is allowed.
 */
export function bearerCheck (token: string | undefined): (authorization: string | undefined) => boolean {
  if (token === undefined) return () => true
  const expected = digest(token)
  return function hasToken (authorization) {
    const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null
    // A missing header still pays for one comparison, like a wrong one.
    const given = digest(match === null ? '' : match[1] as string)
    return crypto.timingSafeEqual(given, expected) && match !== null
  }
}
