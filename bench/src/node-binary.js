import { existsSync, mkdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const nodeRoot = fileURLToPath(new URL('../.node/', import.meta.url))

function versionOf (bin) {
  const out = spawnSync(bin, ['-v'], { encoding: 'utf8' })
  return out.status === 0 ? out.stdout.trim() : undefined
}

// `--node 24`: the npm registry's `node` package (it ships the official binary) installed with npm
// into bench/.node/node-24, reused on later runs.
export function resolveNode (wanted) {
  if (wanted === undefined) return { bin: process.execPath, version: process.version }
  if (!/^\d+(\.\d+){0,2}$/.test(wanted)) throw new Error(`--node takes a version like 24 or 24.1.0, got "${wanted}"`)
  const dir = path.join(nodeRoot, `node-${wanted}`)
  const bin = path.join(dir, 'node_modules', 'node', 'bin', 'node')
  const matches = (version) => version !== undefined && `${version.slice(1)}.`.startsWith(`${wanted}.`)
  let version = existsSync(bin) ? versionOf(bin) : undefined
  if (!matches(version)) {
    mkdirSync(dir, { recursive: true })
    console.log(`installing node@${wanted} from the npm registry into ${path.relative(process.cwd(), dir) || dir} ...`)
    const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=warn', `node@${wanted}`], { stdio: 'inherit' })
    if (npm.status !== 0) throw new Error(`npm install node@${wanted} failed (exit ${npm.status})`)
    version = existsSync(bin) ? versionOf(bin) : undefined
    if (!matches(version)) {
      throw new Error(`node@${wanted} installed but ${bin} does not run as Node ${wanted} (got ${version}); ` +
        'if npm refused the package\'s install script, allow it and retry')
    }
  }
  return { bin, version }
}
