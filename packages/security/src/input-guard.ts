import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import type { Problem, ProblemWriter } from '@fastify-production/core'
import type { ResolvedInputGuard } from './options.js'

/**
 * Which parts of a request part can carry keys the client chose, worked out once per route from its
 * schema: `NONE` where the schema fixes every key (or the value is a scalar), `ALL` where anything
 * goes (no schema, `{}`, `Type.Unknown()`, `Type.Record`, `patternProperties`, `$ref`...), and
 * object or array plans in between.
 */
const NONE = 0
const ALL = 1

interface ObjectPlan {
  kind: 'object'
  /** Declared properties whose values have free-form parts. */
  props: Array<[string, Plan]>
  /** Every declared name: the author chose them, so they are never refused. */
  declared: Set<string>
  /** Plan of the values of undeclared keys (whose names are checked); undefined when the schema allows none. */
  extra: Plan | undefined
}

interface ArrayPlan {
  kind: 'array'
  items: Plan
}

type Plan = typeof NONE | typeof ALL | ObjectPlan | ArrayPlan

const SCALAR = new Set(['string', 'number', 'integer', 'boolean', 'null'])
// Keywords this analysis does not follow: below them, everything is checked.
const OPAQUE = ['$ref', '$dynamicRef', 'not', 'if', 'then', 'else', 'dependentSchemas', 'dependencies', 'propertyNames', 'patternProperties', 'unevaluatedProperties', 'unevaluatedItems', 'contains']
const MAX_SCHEMA_DEPTH = 32

/** One plan for values matching any of `plans`: precise when only one has free-form parts. */
function combine (plans: Plan[]): Plan {
  const open = plans.filter((plan) => plan !== NONE)
  if (open.length === 0) return NONE
  return open.length === 1 ? open[0] as Plan : ALL
}

function isSchemaObject (schema: unknown): schema is Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false
  const proto = Object.getPrototypeOf(schema)
  // Anything else (a Zod or Joi schema with a custom validator compiler, fluent-json-schema) is not read.
  return proto === Object.prototype || proto === null
}

function objectPlan (schema: Record<string, unknown>, depth: number): Plan {
  const properties = isSchemaObject(schema.properties) ? schema.properties : {}
  const declared = new Set(Object.keys(properties))
  const props: Array<[string, Plan]> = []
  for (const name of declared) {
    const plan = planOf(properties[name], depth + 1)
    if (plan !== NONE) props.push([name, plan])
  }
  const additional = schema.additionalProperties
  const extra = additional === false ? undefined : additional === undefined || additional === true ? ALL : planOf(additional, depth + 1)
  if (props.length === 0 && extra === undefined) return NONE
  if (declared.size === 0 && extra === ALL) return ALL
  return { kind: 'object', props, declared, extra }
}

function arrayPlan (schema: Record<string, unknown>, depth: number): Plan {
  const { items, prefixItems } = schema
  if (items === undefined && prefixItems === undefined) return ALL
  const plans: Plan[] = []
  for (const tuple of [items, prefixItems]) {
    if (Array.isArray(tuple)) {
      for (const item of tuple) plans.push(planOf(item, depth + 1))
    }
  }
  // A tuple leaves the items past it free unless additionalItems / items says otherwise.
  if (Array.isArray(items)) plans.push(schema.additionalItems === undefined ? ALL : planOf(schema.additionalItems, depth + 1))
  else if (items !== undefined) plans.push(planOf(items, depth + 1))
  else plans.push(ALL)
  const merged = combine(plans)
  return merged === NONE ? NONE : { kind: 'array', items: merged }
}

function planOf (schema: unknown, depth = 0): Plan {
  if (schema === false) return NONE
  if (!isSchemaObject(schema) || depth > MAX_SCHEMA_DEPTH) return ALL
  if (schema.const !== undefined || schema.enum !== undefined) return NONE
  const type = schema.type
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type as unknown[] : undefined
  if (types !== undefined && types.every((t) => typeof t === 'string' && SCALAR.has(t))) return NONE
  if (OPAQUE.some((keyword) => schema[keyword] !== undefined)) return ALL
  const objectish = types?.includes('object') === true || schema.properties !== undefined || schema.additionalProperties !== undefined
  const arrayish = types?.includes('array') === true || schema.items !== undefined || schema.prefixItems !== undefined
  const branches = [schema.anyOf, schema.oneOf, schema.allOf].filter(Array.isArray) as unknown[][]
  if (objectish && arrayish) return ALL
  // No type and nothing that narrows it (`{}`, Type.Unknown(), Type.Any()): any value.
  if (types === undefined && !objectish && !arrayish && branches.length === 0) return ALL
  const own = objectish ? objectPlan(schema, depth) : arrayish ? arrayPlan(schema, depth) : NONE
  if (branches.length === 0) return own
  return combine([own, ...branches.map((branch) => combine(branch.map((item) => planOf(item, depth + 1))))])
}

type Why = 'operator' | 'dotted' | 'prototype' | 'repeated'

const MESSAGES: Record<Why, string> = {
  operator: 'keys starting with "$" act as database operators and are not accepted',
  dotted: 'keys containing "." act as database field paths and are not accepted',
  prototype: 'prototype keys (__proto__, constructor, prototype) are not accepted',
  repeated: 'must be sent once; this query parameter was repeated'
}

function keyProblem (key: string): Why | undefined {
  const first = key.charCodeAt(0)
  if (first === 36) return 'operator'
  if (key.includes('.')) return 'dotted'
  // First letters of __proto__, constructor, prototype: most keys are out after one comparison.
  if ((first === 95 && key === '__proto__') || (first === 99 && key === 'constructor') || (first === 112 && key === 'prototype')) return 'prototype'
  return undefined
}

/**
 * Arrays and plain objects: what parsers make of JSON, forms and nested query strings (fast-querystring's
 * objects have a prototype whose own prototype is null). Buffers, streams and class instances are not walked.
 */
function isContainer (value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) return true
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null
}

interface Frame {
  node: object
  keys: string[] | undefined
  size: number
  at: number
}

function frame (node: object): Frame {
  if (Array.isArray(node)) return { node, keys: undefined, size: node.length, at: 0 }
  const keys = Object.keys(node)
  return { node, keys, size: keys.length, at: 0 }
}

/**
 * Every key below `root`, depth first, without recursion: a parser accepts nesting deeper than the
 * stack (`[[[[...]]]]` within the body limit), and that must be a 400 or a pass, never a 500.
 * Pushes the path of a refused key onto `unwound` last segment first, like the recursive walk.
 */
function walkDeep (root: object): Why | undefined {
  const frames = [frame(root)]
  while (frames.length > 0) {
    const top = frames[frames.length - 1] as Frame
    if (top.at === top.size) {
      frames.pop()
      continue
    }
    const at = top.at++
    let child: unknown
    if (top.keys === undefined) {
      child = (top.node as unknown[])[at]
    } else {
      const key = top.keys[at] as string
      const why = keyProblem(key)
      if (why !== undefined) {
        for (let i = frames.length - 1; i >= 0; i--) {
          const f = frames[i] as Frame
          unwound.push(f.keys === undefined ? String(f.at - 1) : f.keys[f.at - 1] as string)
        }
        return why
      }
      child = (top.node as Record<string, unknown>)[key]
    }
    if (isContainer(child)) frames.push(frame(child))
  }
  return undefined
}

// Recursion is cheaper than frames for the shapes requests have; past this depth the walk goes on without it.
const MAX_RECURSION = 64
// The path of a refused key, last segment first, filled while the recursion unwinds.
const unwound: string[] = []

function walkRecursive (node: object, depth: number): Why | undefined {
  if (depth === MAX_RECURSION) return walkDeep(node)
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i]
      if (isContainer(child)) {
        const why = walkRecursive(child, depth + 1)
        if (why !== undefined) {
          unwound.push(String(i))
          return why
        }
      }
    }
    return undefined
  }
  const keys = Object.keys(node)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    let why = keyProblem(key)
    if (why === undefined) {
      const child = (node as Record<string, unknown>)[key]
      if (!isContainer(child)) continue
      why = walkRecursive(child, depth + 1)
      if (why === undefined) continue
    }
    unwound.push(key)
    return why
  }
  return undefined
}

/** Every key below `root`; on a refusal, its path is appended to `path`. */
function walkAll (root: object, path: string[]): Why | undefined {
  const why = walkRecursive(root, 0)
  if (why !== undefined) {
    for (let i = unwound.length - 1; i >= 0; i--) path.push(unwound[i] as string)
    unwound.length = 0
  }
  return why
}

function check (value: unknown, plan: Plan, path: string[]): Why | undefined {
  if (plan === NONE || !isContainer(value)) return undefined
  if (plan === ALL) return walkAll(value, path)
  if (plan.kind === 'array') {
    if (!Array.isArray(value)) return undefined
    for (let i = 0; i < value.length; i++) {
      path.push(String(i))
      const why = check(value[i], plan.items, path)
      if (why !== undefined) return why
      path.pop()
    }
    return undefined
  }
  if (Array.isArray(value)) return undefined
  return checkObject(value as Record<string, unknown>, plan, path, true, false)
}

function checkObject (value: Record<string, unknown>, plan: ObjectPlan, path: string[], keys: boolean, repeats: boolean): Why | undefined {
  if (keys) {
    const props = plan.props
    for (let i = 0; i < props.length; i++) {
      const [name, sub] = props[i] as [string, Plan]
      if (!Object.hasOwn(value, name)) continue
      path.push(name)
      const why = check(value[name], sub, path)
      if (why !== undefined) return why
      path.pop()
    }
  }
  const extra = plan.extra
  if (extra === undefined) return undefined
  const declared = plan.declared.size === 0 ? undefined : plan.declared
  const names = Object.keys(value)
  for (let i = 0; i < names.length; i++) {
    const key = names[i] as string
    if (declared?.has(key) === true) continue
    let why = keys ? keyProblem(key) : undefined
    const child = value[key]
    if (why === undefined && repeats && Array.isArray(child)) why = 'repeated'
    if (why !== undefined) {
      path.push(key)
      return why
    }
    if (keys && extra !== NONE) {
      path.push(key)
      why = check(child, extra, path)
      if (why !== undefined) return why
      path.pop()
    }
  }
  return undefined
}

const FREE_OBJECT: ObjectPlan = { kind: 'object', props: [], declared: new Set(), extra: ALL }
const MAX_SEGMENT = 64
const MAX_SEGMENTS = 32

function segment (key: string): string {
  const short = key.length > MAX_SEGMENT ? `${key.slice(0, MAX_SEGMENT)}…` : key
  return short.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** A JSON pointer to the refused key, like validation errors; bounded, since the client chose every segment. */
function pointer (part: string, path: string[]): string {
  const shown = path.length > MAX_SEGMENTS ? ['…', ...path.slice(-(MAX_SEGMENTS - 1))] : path
  return `/${part}${shown.map((key) => `/${segment(key)}`).join('')}`
}

/** What one route checks, decided when the route is added; undefined when it checks nothing. */
export interface GuardPlan {
  body: Plan
  query: ObjectPlan | undefined
  queryKeys: boolean
  repeats: boolean
}

const BODYLESS = new Set(['GET', 'HEAD', 'TRACE'])

function bodyPlanOf (schema: unknown): Plan {
  if (schema === undefined) return ALL
  // Fastify's per-content-type body schemas: `{ content: { 'application/json': { schema } } }`.
  const content = isSchemaObject(schema) && isSchemaObject(schema.content) ? schema.content : undefined
  if (content === undefined) return planOf(schema)
  // Object(): an entry Fastify will refuse at ready (null, no schema) reads as no schema here, not as a TypeError.
  return combine(Object.values(content).map((entry) => planOf((Object(entry) as { schema?: unknown }).schema)))
}

export function guardPlan (route: RouteOptions, guard: ResolvedInputGuard): GuardPlan | undefined {
  const schema = isSchemaObject(route.schema) ? route.schema as Record<string, unknown> : {}
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const body = guard.body && !methods.every((method) => BODYLESS.has(method)) ? bodyPlanOf(schema.body) : NONE
  const repeats = guard.repeatedQuery === 'refuse'
  let query: ObjectPlan | undefined
  if (guard.query || repeats) {
    const querySchema = schema.querystring ?? schema.query
    const plan = querySchema === undefined ? ALL : planOf(querySchema)
    query = plan === NONE ? undefined : typeof plan === 'object' && plan.kind === 'object' ? plan : FREE_OBJECT
    // Repeats only concern undeclared keys; with keys unchecked, a query without any has nothing to do.
    if (query !== undefined && !guard.query && query.extra === undefined) query = undefined
  }
  if (body === NONE && query === undefined) return undefined
  return { body, query, queryKeys: guard.query, repeats }
}

const UNSAFE_KEY = { status: 400, code: 'UNSAFE_KEY', detail: 'The request has a key this API does not accept: a database operator or a prototype key.' } as const
const REPEATED = { status: 400, code: 'REPEATED_PARAMETER', detail: 'A query parameter was sent more than once.' } as const

// The hook is synchronous: one scratch array serves every request. A walk that passes leaves it
// empty (every push is popped), so it is emptied only after a refusal: setting `length` is slow.
const scratch: string[] = []

/** The route's preValidation hook: refuses before the schema runs (and before it removes or coerces anything); never changes the request. */
export function buildInputGuard (plan: GuardPlan, writer: ProblemWriter) {
  const { body, query, queryKeys, repeats } = plan
  return function securityInputGuard (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let part = 'body'
    let why = body === NONE ? undefined : check(request.body, body, scratch)
    if (why === undefined && query !== undefined) {
      part = 'querystring'
      why = checkObject(request.query as Record<string, unknown>, query, scratch, queryKeys, repeats)
    }
    if (why === undefined) {
      done()
      return
    }
    const problem: Problem = { ...(why === 'repeated' ? REPEATED : UNSAFE_KEY), errors: [{ path: pointer(part, scratch), message: MESSAGES[why] }] }
    scratch.length = 0
    writer.send(request, reply, problem)
  }
}
