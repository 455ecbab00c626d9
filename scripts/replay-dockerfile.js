// Builds a Dockerfile's file tree without Docker, then starts it and checks that it serves.
//
//   node scripts/replay-dockerfile.js examples/orders/Dockerfile [--env NAME=VALUE]... [--ready PATH]
//     [--doctor [--readme FILE]...] [--keep]
//
// The instructions are read from the Dockerfile itself (scripts/dockerfile.js), so CI runs exactly
// the commands the image build runs: every RUN of every stage, in order, with the stage's ENV and
// WORKDIR, the context filtered by the Dockerfile's .dockerignore, cache mounts as one empty folder
// per id, and an empty pnpm/npm cache. Each stage gets its own root folder in a temp dir; absolute
// image paths (/repo, /out, /pnpm, /app...) are mapped into it. The last stage's CMD is then started
// with its ENV (NODE_ENV=production...) plus --env values, on a free loopback port, and must answer
// --ready (default /health/ready) with 200, then exit 0 on SIGTERM.
// With --doctor, the doctor commands the READMEs show (--readme, default README.md and
// examples/orders/README.md) are run as written, from the replayed clone
// (installed before it was built, as a fresh clone is) against that server: each must exit 0.
// What it does not reproduce: the base image (this machine's Node and shell run the commands) and
// file ownership (--chown); it checks instead that no symlink of the final tree leaves it.
import { spawn, execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { dockerignore, expand, parseDockerfile } from './dockerfile.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    env: { type: 'string', multiple: true, default: [] },
    ready: { type: 'string', default: '/health/ready' },
    doctor: { type: 'boolean', default: false },
    readme: { type: 'string', multiple: true, default: ['README.md', 'examples/orders/README.md'] },
    keep: { type: 'boolean', default: false }
  }
})
const dockerfile = resolve(root, positionals[0] ?? 'examples/orders/Dockerfile')
const stages = parseDockerfile(readFileSync(dockerfile, 'utf8'))
const work = mkdtempSync(join(tmpdir(), 'replay-dockerfile-'))
const started = Date.now()
const say = (text) => { process.stdout.write(`[replay ${((Date.now() - started) / 1000).toFixed(1)}s] ${text}\n`) }

// Folders of a Debian image that are the system's, not the Dockerfile's: never mapped.
const SYSTEM = /^\/(?:bin|boot|dev|etc|home|lib|lib64|media|mnt|opt|proc|root|run|sbin|srv|sys|tmp|usr|var)(?:\/|$)/

/** An image path in the folder that stands for the stage's root. */
function inStage (stageRoot, path, workdir) {
  return isAbsolute(path) ? join(stageRoot, path) : join(stageRoot, workdir, path)
}

/** Absolute image paths inside a command or an ENV value, mapped into the stage's root. */
function mapPaths (stageRoot, text) {
  return text.replace(/(^|[\s=:'"(,])(\/[A-Za-z0-9._-][^\s:'",)]*)/g, (m, before, path) => SYSTEM.test(path) ? m : before + join(stageRoot, path))
}

/** The build context: what git has (tracked, or new and not ignored) minus the .dockerignore. */
function contextFiles () {
  const ignoreFile = existsSync(`${dockerfile}.dockerignore`) ? `${dockerfile}.dockerignore` : join(root, '.dockerignore')
  const ignored = dockerignore(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '')
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  return [...new Set(listed.split('\0'))].filter((f) => f !== '' && !ignored(f) && existsSync(join(root, f)))
}

function copyFromContext (files, sources, dest) {
  const isDir = dest.endsWith('/') || sources.length > 1
  for (const source of sources) {
    const prefix = source === '.' ? '' : source.replace(/^\.\//, '').replace(/\/$/, '')
    const matched = files.filter((f) => prefix === '' || f === prefix || f.startsWith(`${prefix}/`))
    if (matched.length === 0) throw new Error(`COPY ${source}: not in the build context`)
    for (const file of matched) {
      const single = matched.length === 1 && file === prefix
      const target = single ? (isDir ? join(dest, basename(file)) : dest) : join(dest, relative(prefix, file))
      mkdirSync(dirname(target), { recursive: true })
      try {
        cpSync(join(root, file), target)
      } catch (err) {
        // An untracked file deleted since it was listed (a test's scratch file): it is not in the context.
        if (err.code !== 'ENOENT') throw err
      }
    }
  }
}

/** Symlinks under `dir` whose target is outside `top`: they would dangle in the image. */
function escapingLinks (dir, top) {
  const bad = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isSymbolicLink()) {
      const target = readlinkSync(path)
      if (isAbsolute(target) || relative(top, resolve(dirname(path), target)).startsWith('..')) bad.push(`${relative(top, path)} -> ${target}`)
    } else if (entry.isDirectory()) {
      bad.push(...escapingLinks(path, top))
    }
  }
  return bad
}

function freePort () {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function run (command, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('error', reject)
    child.once('exit', (code, signal) => code === 0 ? resolve() : reject(new Error(`exit ${code ?? signal}: ${command}`)))
  })
}

// This shell's environment without what a package manager or test runner put in it, plus empty
// caches: the image build starts from none.
function baseEnv (stageRoot) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|NODE_OPTIONS$|NODE_V8_COVERAGE$|PNPM_|TAP)/i.test(k)) continue
    env[k] = v
  }
  // The node image's global npm prefix is /usr/local, on its PATH: `npm install -g` lands there.
  env.npm_config_prefix = join(stageRoot, 'usr/local')
  env.PATH = `${join(stageRoot, 'usr/local/bin')}:${process.env.PATH}`
  env.npm_config_cache = join(work, 'cache/npm')
  // pnpm's metadata cache (cache-dir) defaults to $XDG_CACHE_HOME/pnpm.
  env.XDG_CACHE_HOME = join(work, 'cache/xdg')
  env.npm_config_update_notifier = 'false'
  return env
}

async function build () {
  const files = contextFiles()
  const roots = {}
  for (const stage of stages) {
    const stageRoot = join(work, 'stages', stage.name)
    roots[stage.name] = stageRoot
    mkdirSync(stageRoot, { recursive: true })
    const env = baseEnv(stageRoot)
    const declared = {}
    let workdir = '/'
    say(`stage ${stage.name} (FROM ${stage.from})`)
    for (const step of stage.steps) {
      if (step.op === 'ENV') {
        // Mapped before expansion: values taken from this machine's environment ($PATH) stay as they are.
        env[step.name] = expand(mapPaths(stageRoot, step.value), env)
        declared[step.name] = env[step.name]
      } else if (step.op === 'WORKDIR') {
        workdir = isAbsolute(step.value) ? step.value : join(workdir, step.value)
        mkdirSync(join(stageRoot, workdir), { recursive: true })
      } else if (step.op === 'COPY' && step.from === undefined) {
        copyFromContext(files, step.sources, inStage(stageRoot, step.dest, workdir))
      } else if (step.op === 'COPY') {
        const from = roots[step.from]
        if (from === undefined) throw new Error(`COPY --from=${step.from}: no such stage`)
        for (const source of step.sources) {
          const target = inStage(stageRoot, step.dest, workdir)
          mkdirSync(dirname(target), { recursive: true })
          cpSync(inStage(from, source, '/'), target, { recursive: true, verbatimSymlinks: true })
        }
      } else if (step.op === 'RUN') {
        // One folder per cache id, empty at the start of the replay, shared by the RUNs that mount it.
        if (step.mount?.type === 'cache') mkdirSync(join(stageRoot, step.mount.target), { recursive: true })
        const command = mapPaths(stageRoot, step.command)
        say(`RUN ${step.command}`)
        await run(command, join(stageRoot, workdir), env)
      }
    }
    stage.env = env
    stage.declared = declared
    stage.workdir = workdir
    stage.root = stageRoot
  }
}

async function serve () {
  const last = stages.at(-1)
  const cmd = last.steps.findLast((s) => s.op === 'CMD')
  if (cmd === undefined) throw new Error('the last stage has no CMD')
  const escaping = escapingLinks(join(last.root, last.workdir), last.root)
  if (escaping.length > 0) throw new Error(`symlinks that leave the image's tree:\n  ${escaping.join('\n  ')}`)
  const port = await freePort()
  // What the container sees: the image's ENV, nothing from this machine but PATH and HOME.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...last.declared, HOST: '127.0.0.1', PORT: String(port) }
  for (const pair of values.env) {
    const at = pair.indexOf('=')
    env[pair.slice(0, at)] = pair.slice(at + 1)
  }
  const [program, ...args] = cmd.argv
  say(`CMD ${cmd.argv.join(' ')} (NODE_ENV=${env.NODE_ENV}, port ${port})`)
  const child = spawn(program === 'node' ? process.execPath : program, args, { cwd: join(last.root, last.workdir), env, stdio: ['ignore', 'pipe', 'inherit'] })
  let log = ''
  child.stdout.on('data', (chunk) => { log += chunk })
  const exited = once(child, 'exit')
  const url = `http://127.0.0.1:${port}`
  try {
    // Ready within 60 s or never: the process exiting ends the wait at once.
    let status = 0
    const running = () => child.exitCode === null && child.signalCode === null
    for (const deadline = Date.now() + 60_000; status !== 200 && running() && Date.now() < deadline;) {
      status = await fetch(`${url}${values.ready}`).then((r) => r.status, () => 0)
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
    }
    if (status !== 200) throw new Error(`GET ${values.ready} never answered 200 (last: ${status || 'no answer'})\n${log}`)
    say(`GET ${values.ready} → 200`)
    if (values.doctor) await doctor(url, join(stages[0].root, stages[0].workdir), stages[0].env)
  } finally {
    child.kill('SIGTERM')
  }
  const [code, signal] = await exited
  if (code !== 0) throw new Error(`after SIGTERM the server exited with ${code ?? signal}, not 0\n${log}`)
  say('SIGTERM → exit 0')
}

/** The doctor commands the READMEs show (`... fastify-production doctor --url ...`), run as written. */
async function doctor (url, clone, env) {
  const commands = []
  for (const readme of values.readme) {
    for (const m of readFileSync(join(root, readme), 'utf8').matchAll(/(?:^|`)((?:pnpm|npx)[^`\n]*fastify-production doctor --url http:\/\/127\.0\.0\.1:3000[^`\n#]*)/gm)) {
      commands.push({ readme, command: m[1].trim() })
    }
  }
  if (commands.length === 0) throw new Error(`no doctor command found in ${values.readme.join(', ')}`)
  for (const { readme, command } of commands) {
    say(`${readme}: ${command}`)
    // Never run it: at the root of this repository npx asks the npm registry for a package of that name.
    if (command.startsWith('npx')) throw new Error(`${readme} shows \`${command}\`: npx finds no such bin at the repository root; show \`pnpm --filter orders exec fastify-production doctor ...\``)
    await run(command.replace('http://127.0.0.1:3000', url), clone, { ...env, CI: 'true' })
  }
}

try {
  await build()
  await serve()
  say('done')
} finally {
  if (values.keep) say(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
}
