import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { codes } from './errors.js'

/**
 * The variables of a .env file, parsed by Node's own parser. A missing file is an error only when
 * `required` (an explicit path); with `dotenv: true` it is normal, e.g. in production.
 */
export function readDotenv (path: string, required: boolean): Map<string, string> {
  let content: string
  try {
    content = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !required) return new Map()
    // The errno code only: a message could quote the file.
    throw new codes.FP_ERR_CONFIG_DOTENV(path, String(code))
  }
  // parseEnv yields strings only; its Dict type merely allows undefined.
  return new Map(Object.entries(parseEnv(content)) as Array<[string, string]>)
}
