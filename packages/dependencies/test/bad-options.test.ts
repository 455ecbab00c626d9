import t from 'tap'
import Fastify from 'fastify'
import dependencies, { dependency, type DependenciesOptions } from '../src/index.js'

async function register (options: unknown) {
  const app = Fastify()
  try {
    await app.register(dependencies, options as DependenciesOptions)
    await app.ready()
  } finally {
    await app.close()
  }
}

t.test('bad options fail at registration with FP_ERR_DEPENDENCIES_OPTIONS naming the option and what it accepts', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /\(root\): must be an object/],
    ['a bad name', { 'no spaces': {} }, /"no spaces": a dependency name must match/],
    ['not a definition', { db: 42 }, /db: must be a dependency/],
    ['an unknown key', { db: { conect: () => {} } }, /db\.conect: is not a known option; accepted: \{ connect\?/],
    ['a bad number', { db: { timeout: 0 } }, /db\.timeout: /],
    ['a deadline below the timeout', { db: { timeout: 3000, deadline: 1000 } }, /db\.deadline: must be at least timeout \(3000 ms\)/],
    ['minimumCalls above the window', { db: { breaker: { window: 3, minimumCalls: 5 } } }, /db\.breaker\.minimumCalls: must be at most window \(3\)/]
  ]
  for (const [what, options, message] of cases) {
    await t.rejects(register(options), { code: 'FP_ERR_DEPENDENCIES_OPTIONS', message }, what)
  }
  t.throws(() => dependency({ retry: { retries: 11 } }), { code: 'FP_ERR_DEPENDENCIES_OPTIONS', message: /dependency\.retry/ }, 'dependency() checks too')
  t.throws(() => dependency(null as never), { message: /option dependency: / }, 'not an object')
})

t.test('fastify.dependencies: add before ready, one name once, get by name; one dependency per app at a time', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const shared = dependency({ critical: false })
  await app.register(dependencies, { first: shared })
  const second = app.dependencies.add('second', { critical: false })
  t.equal(app.dependencies.get('second'), second)
  t.same(app.dependencies.names(), ['first', 'second'])
  t.throws(() => app.dependencies.add('second', {}), { code: 'FP_ERR_DEPENDENCIES_OPTIONS', message: /second: a dependency with this name exists already/ })
  t.throws(() => app.dependencies.get('third'), { message: /third: no dependency of that name; registered: first, second/ })
  const other = Fastify()
  await t.rejects(register({ again: shared }), { message: /again: this dependency is registered already, as first/ })
  await other.close()
  await app.ready()
  t.throws(() => app.dependencies.add('late', {}), { message: /late: dependencies are added before the app is ready/ })
  await app.close()
  const next = Fastify()
  t.teardown(() => next.close())
  await next.register(dependencies, { reused: shared })
  t.equal(shared.name, 'reused', 'after its app closed, a dependency may join another')
  const empty = Fastify()
  await empty.register(dependencies, {})
  t.throws(() => empty.dependencies.get('x'), { message: /registered: none/ })
  await empty.close()
})
