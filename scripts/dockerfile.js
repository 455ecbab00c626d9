// Reads a Dockerfile and its .dockerignore the way BuildKit does, for the subset our Dockerfiles use
// (ARG, FROM ... AS, ENV, WORKDIR, COPY [--from] [--chown], RUN [--mount], USER, EXPOSE, HEALTHCHECK,
// CMD in exec form). Anything else throws: a replay that silently skipped an instruction would test
// something other than the image.

const KNOWN = new Set(['ARG', 'FROM', 'ENV', 'WORKDIR', 'COPY', 'RUN', 'USER', 'EXPOSE', 'HEALTHCHECK', 'CMD', 'LABEL'])

/** Lines joined across `\` continuations, comments and blank lines dropped. */
function logicalLines (text) {
  const lines = []
  let current = ''
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (current === '' && /^\s*(#|$)/.test(line)) continue
    // A comment inside a continued instruction is skipped, as BuildKit does.
    if (current !== '' && /^\s*#/.test(line)) continue
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' '
      continue
    }
    lines.push((current + line).trim())
    current = ''
  }
  if (current.trim() !== '') lines.push(current.trim())
  return lines
}

/** `$NAME` and `${NAME}` from `vars`; unknown names expand to the empty string, as in Docker. */
export function expand (value, vars) {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a, b) => vars[a ?? b] ?? '')
}

/** `--name=value` flags at the start of an instruction's arguments, and the rest. */
function flags (args) {
  const found = {}
  let rest = args
  for (let m = /^--([a-z-]+)=(\S+)\s+/.exec(rest); m !== null; m = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
    found[m[1]] = m[2]
    rest = rest.slice(m[0].length)
  }
  return { flags: found, rest }
}

/** `ENV a=b c="d e"` (and the legacy `ENV a b`) as [name, raw value] pairs. */
function envPairs (args) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [name, ...value] = args.split(/\s+/)
    return [[name, value.join(' ')]]
  }
  const pairs = []
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g
  for (let m = re.exec(args); m !== null; m = re.exec(args)) {
    pairs.push([m[1], m[2].startsWith('"') ? m[2].slice(1, -1).replace(/\\(.)/g, '$1') : m[2]])
  }
  return pairs
}

/**
 * The stages of a Dockerfile: `{ name, from, steps: [{ op, ... }] }`, ENV values expanded in order
 * (ARG defaults given before the first FROM are visible to FROM only, as in Docker).
 */
export function parseDockerfile (text) {
  const args = {}
  const stages = []
  let stage
  for (const line of logicalLines(text)) {
    const m = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line)
    if (m === null) throw new Error(`cannot read the Dockerfile line: ${line}`)
    const op = m[1].toUpperCase()
    const rest = m[2]
    if (!KNOWN.has(op)) throw new Error(`the replay does not know the ${op} instruction: teach scripts/dockerfile.js before using it`)
    if (op === 'ARG') {
      const [name, value = ''] = rest.split('=')
      if (stage === undefined) args[name] = value
      continue
    }
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)
      stage = { name: f?.[2] ?? String(stages.length), from: expand(f?.[1] ?? rest, args), steps: [] }
      stages.push(stage)
      continue
    }
    if (stage === undefined) throw new Error(`${op} before the first FROM`)
    if (op === 'ENV') {
      for (const [name, value] of envPairs(rest)) stage.steps.push({ op, name, value })
    } else if (op === 'COPY') {
      const { flags: f, rest: paths } = flags(rest)
      const parts = paths.split(/\s+/)
      stage.steps.push({ op, from: f.from, sources: parts.slice(0, -1), dest: parts.at(-1) })
    } else if (op === 'RUN') {
      const { flags: f, rest: command } = flags(rest)
      const mount = f.mount === undefined ? undefined : Object.fromEntries(f.mount.split(',').map((kv) => kv.split('=')))
      stage.steps.push({ op, command, mount })
    } else if (op === 'CMD') {
      stage.steps.push({ op, argv: JSON.parse(rest) })
    } else {
      stage.steps.push({ op, value: rest })
    }
  }
  return stages
}

function globToRegExp (pattern) {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of folders, none included.
      if (pattern[i + 2] === '/') { re += '(?:.*/)?'; i += 2 } else { re += '.*'; i += 1 }
    } else if (c === '*') {
      re += '[^/]*'
    } else if (c === '?') {
      re += '[^/]'
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${re}$`)
}

/** A `(path) => boolean` that says whether a context path is excluded by .dockerignore `text`. */
export function dockerignore (text) {
  const rules = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const negate = line.startsWith('!')
    const pattern = (negate ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '')
    rules.push({ negate, re: globToRegExp(pattern) })
  }
  return (path) => {
    // A pattern that excludes a folder excludes what is inside it: test the path and each parent.
    const prefixes = path.split('/').map((_p, i, all) => all.slice(0, i + 1).join('/'))
    let excluded = false
    for (const rule of rules) {
      if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.negate
    }
    return excluded
  }
}
