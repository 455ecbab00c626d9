import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runtimeFindings, type RuntimeFacts } from '../risk.js'
import { result, type CheckResult } from './check.js'

export interface LocalCheckOptions {
  /** The project folder. */
  cwd: string
  runtime: RuntimeFacts
  /** `ulimit -n` of this shell; undefined when it cannot be read. */
  openFilesLimit: number | undefined
  threadpoolSize: string | undefined
  /** Shutdown delay + timeout the manifests must leave room for, in seconds. */
  shutdownSeconds: number
  healthPrefix: string
}

export function readOpenFilesLimit (shell = 'sh'): number | undefined {
  try {
    const text = execFileSync(shell, ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()
    return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text)
  } catch {
    return undefined
  }
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage', '.tap'])

/** Files below `dir` (three levels at most, no node_modules) whose name passes `match`. */
function findFiles (dir: string, match: (name: string) => boolean, depth = 3): string[] {
  const found: string[] = []
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return found
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (depth > 0 && !SKIP_DIRS.has(entry.name)) found.push(...findFiles(path, match, depth - 1))
    } else if (match(entry.name)) {
      found.push(path)
    }
  }
  return found
}

// Only asked inside a repository, so a failing `git ls-files --error-unmatch` means "not tracked".
function gitTracks (cwd: string, file: string): boolean {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', file], { cwd, stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function isRepository (cwd: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd, stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function localChecks (o: LocalCheckOptions): CheckResult[] {
  const out: CheckResult[] = []
  const findings = runtimeFindings(o.runtime)
  const codes = new Set(findings.map((f) => f.code))
  for (const f of findings) {
    out.push(result(f.group, f.code, f.code, f.severe ? 'fail' : 'warn', f.message, f.fix))
  }
  if (!codes.has('FP_WARN_NODE_EOL')) out.push(result('process', 'node-version', 'Node.js is a supported release', 'pass', `Node.js ${o.runtime.nodeVersion}`))
  if (!codes.has('FP_WARN_NODE_ENV')) out.push(result('config', 'node-env', 'NODE_ENV=production', 'pass', 'NODE_ENV=production'))
  if (!codes.has('FP_WARN_ROOT_USER')) out.push(result('deployment', 'user', 'not running as root', 'pass', `uid ${String(o.runtime.uid)}`))

  out.push(o.threadpoolSize === undefined
    ? result('performance', 'uv-threadpool', 'UV_THREADPOOL_SIZE sized for I/O', 'warn', 'not set: libuv uses 4 threads for fs, dns.lookup, crypto and zlib', 'set UV_THREADPOOL_SIZE (e.g. 8–16 for I/O-heavy services)')
    : result('performance', 'uv-threadpool', 'UV_THREADPOOL_SIZE sized for I/O', 'pass', `UV_THREADPOOL_SIZE=${o.threadpoolSize}`))

  out.push(o.openFilesLimit === undefined
    ? result('performance', 'ulimit', 'open files limit', 'skip', 'ulimit -n could not be read')
    : result('performance', 'ulimit', 'open files limit', o.openFilesLimit >= 4096 ? 'pass' : 'warn', `ulimit -n = ${o.openFilesLimit}`, 'raise the open files limit to 65536 (systemd LimitNOFILE, docker --ulimit nofile)'))

  const pkgPath = join(o.cwd, 'package.json')
  const pkg = existsSync(pkgPath) ? JSON.parse(readFileSync(pkgPath, 'utf8')) as { engines?: { node?: string } } : undefined
  const lockfiles = ['pnpm-lock.yaml', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock'].filter((f) => existsSync(join(o.cwd, f)))
  out.push(result('deployment', 'lockfile', 'a lockfile for reproducible installs', lockfiles.length > 0 ? 'pass' : 'fail',
    lockfiles.length > 0 ? `${lockfiles.join(', ')}: deploy with ${lockfiles[0] === 'pnpm-lock.yaml' ? 'pnpm install --frozen-lockfile' : lockfiles[0] === 'yarn.lock' ? 'yarn install --immutable' : 'npm ci'}` : 'no lockfile',
    'commit the lockfile and install with npm ci / pnpm install --frozen-lockfile'))

  const pinned = existsSync(join(o.cwd, '.nvmrc')) || existsSync(join(o.cwd, '.node-version')) || pkg?.engines?.node !== undefined
  out.push(result('deployment', 'node-pinned', 'Node.js version pinned', pinned ? 'pass' : 'warn', pinned ? '.nvmrc, .node-version or engines.node present' : 'no .nvmrc, .node-version or engines.node', 'add .nvmrc and engines.node'))

  if (!isRepository(o.cwd)) {
    out.push(result('config', 'env-untracked', '.env not committed', 'skip', 'not a git repository'))
  } else {
    const tracked = findFiles(o.cwd, (n) => n === '.env').filter((f) => gitTracks(o.cwd, f))
    out.push(result('config', 'env-untracked', '.env not committed', tracked.length === 0 ? 'pass' : 'fail',
      tracked.length === 0 ? 'no tracked .env file' : `tracked: ${tracked.map((f) => f.slice(o.cwd.length + 1)).join(', ')}`, 'git rm --cached .env, add it to .gitignore, and rotate the secrets it held'))
  }

  const dockerfiles = findFiles(o.cwd, (n) => n === 'Dockerfile' || n.endsWith('.Dockerfile'))
  if (dockerfiles.length === 0) {
    out.push(result('deployment', 'docker-user', 'Dockerfile runs as a non-root user', 'skip', 'no Dockerfile found'))
  } else {
    for (const file of dockerfiles) {
      const users = [...readFileSync(file, 'utf8').matchAll(/^\s*USER\s+(\S+)/gim)].map((m) => m[1] as string)
      const last = users.at(-1)
      const ok = last !== undefined && !/^(root|0)(:|$)/.test(last)
      out.push(result('deployment', 'docker-user', 'Dockerfile runs as a non-root user', ok ? 'pass' : 'fail',
        `${file.slice(o.cwd.length + 1)}: ${last === undefined ? 'no USER instruction' : `USER ${last}`}`, 'add USER node (or another unprivileged user) before CMD'))
    }
  }

  const manifests = findFiles(o.cwd, (n) => /\.ya?ml$/.test(n)).filter((f) => /^kind:\s*Deployment\b/m.test(readFileSync(f, 'utf8')))
  for (const file of manifests) {
    const text = readFileSync(file, 'utf8')
    const name = file.slice(o.cwd.length + 1)
    const grace = /terminationGracePeriodSeconds:\s*(\d+)/.exec(text)
    const seconds = grace === null ? 30 : Number(grace[1])
    out.push(result('deployment', 'k8s-grace', 'terminationGracePeriodSeconds above the shutdown budget', seconds > o.shutdownSeconds ? 'pass' : 'fail',
      `${name}: ${seconds} s${grace === null ? ' (Kubernetes default)' : ''} vs shutdown delay + timeout ${o.shutdownSeconds} s`, `set terminationGracePeriodSeconds to at least ${o.shutdownSeconds + 5}`))
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const path = new RegExp(`${probe}:[\\s\\S]*?path:\\s*(\\S+)`).exec(text)?.[1]
      const expected = `${o.healthPrefix}/${probe.replace('Probe', '').replace('liveness', 'live').replace('readiness', 'ready')}`
      out.push(path === undefined
        ? result('deployment', `k8s-${probe}`, `${probe} configured`, 'warn', `${name}: no ${probe} with an httpGet path`, `add a ${probe} on ${expected}`)
        : result('deployment', `k8s-${probe}`, `${probe} points at the service's probe`, path === expected ? 'pass' : 'fail', `${name}: ${probe} path ${path}`, `point it at ${expected}`))
    }
  }
  return out
}
