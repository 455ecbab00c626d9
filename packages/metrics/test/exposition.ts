/** A small parser of the Prometheus text exposition format (0.0.4), enough to check what a scrape says. */

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Exposition {
  /** metric family name -> type, from the `# TYPE` lines */
  types: Map<string, string>
  samples: Sample[]
  /** samples of `name` whose labels include every pair of `where` */
  select: (name: string, where?: Record<string, string>) => Sample[]
  /** the sum of those samples' values */
  sum: (name: string, where?: Record<string, string>) => number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy

function unescape (value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => c === 'n' ? '\n' : c)
}

function number (text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

export function parseExposition (text: string): Exposition {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ')
      types.set(name as string, type as string)
      continue
    }
    if (line.startsWith('#')) continue
    const m = SAMPLE.exec(line)
    if (m === null) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    const body = m[2] ?? ''
    LABEL.lastIndex = 0
    let consumed = 0
    for (let l = LABEL.exec(body); l !== null; l = LABEL.exec(body)) {
      labels[l[1] as string] = unescape(l[2] as string)
      consumed = LABEL.lastIndex
    }
    if (consumed !== body.length) throw new Error(`bad labels in: ${line}`)
    samples.push({ name: m[1] as string, labels, value: number(m[3] as string) })
  }
  const select = (name: string, where: Record<string, string> = {}): Sample[] =>
    samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
  return {
    types,
    samples,
    select,
    sum: (name, where) => select(name, where).reduce((acc, s) => acc + s.value, 0)
  }
}

/** The metric family a sample belongs to: `x_bucket`/`x_sum`/`x_count` of a histogram belong to `x`. */
export function familyOf (exposition: Exposition, sampleName: string): string {
  if (exposition.types.has(sampleName)) return sampleName
  return sampleName.replace(/_(bucket|sum|count)$/, '')
}
