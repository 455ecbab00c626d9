import { Type, type Static } from 'typebox'
import { assertOptions } from '@fastify-production/core'
import { codes } from './errors.js'

const OptionsSchema = Type.Object({
  typeBaseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  exposeStack: Type.Optional(Type.Boolean()),
  notFound: Type.Optional(Type.Boolean()),
  genericDetail: Type.Optional(Type.String({ minLength: 1 }))
}, { additionalProperties: false })

const ACCEPTED = 'typeBaseUrl (http(s) URL), exposeStack (boolean), notFound (boolean), genericDetail (non-empty string)'

export interface ErrorsOptions {
  /** Base URL of your error docs; `type` becomes `typeBaseUrl + code` on every problem the suite sends (401/403/404/429/503 too). @default undefined (`type` is `about:blank`) */
  typeBaseUrl?: string
  /** Add `stack` to 5xx responses. Refused when NODE_ENV is `production`. @default false */
  exposeStack?: boolean
  /** Install the problem+json 404 handler (unless the app set its own before). @default true */
  notFound?: boolean
  /** The `detail` clients get for 5xx and unknown errors. @default 'An unexpected error occurred.' */
  genericDetail?: string
}

export type ResolvedErrorsOptions = Required<Omit<ErrorsOptions, 'typeBaseUrl'>> & { typeBaseUrl: string | undefined }

export function resolveOptions (options: unknown): ResolvedErrorsOptions {
  assertOptions(OptionsSchema, options, codes.FP_ERR_ERRORS_OPTIONS, ACCEPTED)
  const opts = options as Static<typeof OptionsSchema>
  const resolved: ResolvedErrorsOptions = {
    typeBaseUrl: opts.typeBaseUrl,
    exposeStack: opts.exposeStack ?? false,
    notFound: opts.notFound ?? true,
    genericDetail: opts.genericDetail ?? 'An unexpected error occurred.'
  }
  if (resolved.exposeStack && process.env.NODE_ENV === 'production') {
    throw new codes.FP_ERR_ERRORS_STACK_IN_PRODUCTION()
  }
  return resolved
}
