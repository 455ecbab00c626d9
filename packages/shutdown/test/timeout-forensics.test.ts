import t from 'tap'
import { AppProcess, get, waitForIncoming } from './helpers/app-process.js'

t.test('a handler that never finishes: timeout, forensics line, exit 1', async (t) => {
  const app = await AppProcess.start({
    options: { delay: 0, timeout: 1500 },
    hooks: [{ name: 'flush-queue' }]
  })
  t.teardown(() => { app.stop() })

  const hung = get(app.port, '/hang').catch((err: NodeJS.ErrnoException) => err)
  await waitForIncoming(app, '/hang')
  const signalled = app.signal('SIGTERM')
  const exit = await app.exited
  const elapsed = exit.at - signalled

  t.equal(exit.code, 1)
  // The forensics line below is the proof that the timeout fired; the upper bound is generous for a busy machine.
  t.ok(elapsed >= 1400 && elapsed < 15_000, `exited ${Math.round(elapsed)} ms after SIGTERM, at the 1500 ms timeout`)
  const line = app.log(/^shutdown: timed out after 1500 ms/)
  t.match(line, {
    level: 50,
    state: 'closing',
    inFlight: [{ method: 'GET', route: '/hang', count: 1 }],
    pendingHooks: ['flush-queue'],
    handles: { TCPSocketWrap: Number }
  }, 'names the request in flight by method and route, the hook not run and the handle kinds')
  t.match(line?.msg, /1 request\(s\) in flight \(GET \/hang x1\); hooks not finished: flush-queue; handles: .*TCPSocketWrap/)
  t.match(await hung, { code: 'ECONNRESET' }, 'the stuck request was cut by the exit')
})
