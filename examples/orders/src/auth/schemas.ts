import { Type, type Static } from 'typebox'

export const Credentials = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 200 })
}, { additionalProperties: false })
export type Credentials = Static<typeof Credentials>

export const Session = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' })
})
export type Session = Static<typeof Session>
