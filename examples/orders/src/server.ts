import { buildApp } from './app.js'
import { readEnv } from './env.js'

const env = readEnv()
const app = await buildApp()
await app.listen({ port: env.PORT, host: env.HOST })
