import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { codes } from './errors.js'

const OptionsSchema = Type.Object({
  typeBaseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  exposeStack: Type.Optional(Type.Boolean()),
  notFound: Type.Optional(Type.Boolean()),
  genericDetail: Type.Optional(Type.String({ minLength: 1 }))
}, { additionalProperties: false })

export interface ErrorsOptions {
  /** Base URL of your error docs; `type` becomes `typeBaseUrl + code`. @default undefined (`type` is `about:blank`) */
  typeBaseUrl?: string
  /** Add `stack` to 5xx responses. Refused when NODE_ENV is `production`. @default false */
  exposeStack?: boolean
  /** Install the problem+json 404 handler. @default true */
  notFound?: boolean
  /** The `detail` clients get for 5xx and unknown errors. @default 'An unexpected error occurred.' */
  genericDetail?: string
}

export type ResolvedErrorsOptions = Required<Omit<ErrorsOptions, 'typeBaseUrl'>> & { typeBaseUrl: string | undefined }

export function resolveOptions (options: unknown): ResolvedErrorsOptions {
  const given = options
  const [first] = Value.Errors(OptionsSchema, given)
  if (first !== undefined) {
    const where = first.instancePath === '' ? '(root)' : first.instancePath.slice(1)
    const rule = first.schemaPath.endsWith('additionalProperties') ? 'is not a known option' : first.message
    throw new codes.FP_ERR_ERRORS_OPTIONS(where, `${rule}; accepted: typeBaseUrl (http(s) URL), exposeStack (boolean), notFound (boolean), genericDetail (non-empty string)`)
  }
  const opts = given as Static<typeof OptionsSchema>
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
