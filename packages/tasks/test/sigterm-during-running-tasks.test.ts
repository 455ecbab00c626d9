import t from 'tap'
import { AppProcess } from './helpers/app-process.js'
import { get } from './helpers/http.js'

t.test('SIGTERM while tasks run: new tasks get 503, the running ones finish and answer, the process exits 0', async (t) => {
  const app = new AppProcess('app.mjs')
  t.teardown(() => { app.stop() })
  const port = await app.port()

  const answers = [get(port, '/hold'), get(port, '/hold')]
  await app.waitForLog(/^tasks: 2 running$/)
  app.child.kill('SIGTERM')
  await app.waitForLog(/^shutdown: closing/)
  const refused = await app.waitForLog(/^new task (refused|accepted)$/)
  t.match(refused, { msg: 'new task refused', code: 'FP_ERR_TASKS_CLOSED', statusCode: 503 }, 'from the close on, a new task is refused')

  app.release()
  for (const res of await Promise.all(answers)) {
    t.equal(res.status, 200)
    t.same(JSON.parse(res.body), { result: 'released' })
  }
  const exit = await app.exited
  t.same(exit, { code: 0, signal: null }, app.stderr)
  t.match(app.lines.find((line) => /exiting with code/.test(line.msg)), { exitCode: 0 })
})
