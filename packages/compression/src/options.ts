import { Type, type Static } from 'typebox'
import { firstViolation } from '@fastify-production/core'
import { codes } from './errors.js'

const Encoding = Type.Union([Type.Literal('br'), Type.Literal('gzip')])

const OptionsSchema = Type.Object({
  threshold: Type.Optional(Type.Integer({ minimum: 0 })),
  encodings: Type.Optional(Type.Array(Encoding, { minItems: 1, uniqueItems: true })),
  brotliQuality: Type.Optional(Type.Integer({ minimum: 0, maximum: 11 })),
  gzipLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
  credentialed: Type.Optional(Type.Union([Type.Literal('skip'), Type.Literal('compress')]))
}, { additionalProperties: false })

const ACCEPTED = 'threshold (bytes, integer >= 0), encodings (non-empty list of \'br\', \'gzip\'), ' +
  'brotliQuality (0-11), gzipLevel (1-9), credentialed (\'skip\' | \'compress\')'

/** An encoding this package negotiates. */
export type Encoding = Static<typeof Encoding>

export interface CompressionOptions {
  /** Smallest body, in bytes, worth compressing; smaller ones are sent as they are. @default 1024 */
  threshold?: number
  /** Encodings offered, in order of preference when the client accepts several. @default ['br', 'gzip'] */
  encodings?: Encoding[]
  /** Brotli quality: 4 compresses about as well as gzip 6 for a fraction of quality 11's CPU. @default 4 */
  brotliQuality?: number
  /** gzip level. @default 6 */
  gzipLevel?: number
  /**
   * BREACH: `'skip'` sends uncompressed every response to a request carrying a `Cookie` header and every
   * response setting one; `'compress'` compresses them too (only for apps whose cookie-authenticated
   * responses never reflect input next to a secret). A route opts in with `config.production.compress: 'always'`.
   * @default 'skip'
   */
  credentialed?: 'skip' | 'compress'
}

export interface ResolvedCompressionOptions {
  threshold: number
  encodings: Encoding[]
  brotliQuality: number
  gzipLevel: number
  credentialed: 'skip' | 'compress'
}

export function resolveOptions (options: unknown): ResolvedCompressionOptions {
  const bad = firstViolation(OptionsSchema, options)
  if (bad !== undefined) throw new codes.FP_ERR_COMPRESSION_OPTIONS(bad[0], `${bad[1]}; accepted: ${ACCEPTED}`)
  const opts = options as Static<typeof OptionsSchema>
  return {
    threshold: opts.threshold ?? 1024,
    encodings: opts.encodings === undefined ? ['br', 'gzip'] : [...opts.encodings],
    brotliQuality: opts.brotliQuality ?? 4,
    gzipLevel: opts.gzipLevel ?? 6,
    credentialed: opts.credentialed ?? 'skip'
  }
}
