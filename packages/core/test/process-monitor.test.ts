import t, { type Test } from 'tap'
import { processMonitor, type ProcessSample } from '../src/index.js'

function nextSample (interval: number | undefined): { sample: Promise<ProcessSample>, stop: () => void } {
  let stop = (): void => {}
  const sample = new Promise<ProcessSample>((resolve) => {
    stop = processMonitor().subscribe(interval, (s) => {
      stop()
      resolve(s)
    })
  })
  return { sample, stop }
}

function blockFor (ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) { /* a blocked event loop, on purpose */ }
}

// The sampling timer is unref'd: keep the test's own loop alive while it waits.
function holdOpen (t: Test): void {
  const keep = setInterval(() => {}, 1000)
  t.teardown(() => { clearInterval(keep) })
}

t.test('one monitor for the process: every subscriber gets the same sample, at the shortest interval asked for', async (t) => {
  holdOpen(t)
  const monitor = processMonitor()
  t.equal(processMonitor(), monitor)
  const keep = monitor.subscribe(undefined, () => {})
  t.teardown(keep)
  const slow = nextSample(60_000)
  const fast = nextSample(50)
  // Both subscribe before the first tick; the tick at 50 ms reaches both.
  const [a, b] = await Promise.all([slow.sample, fast.sample])
  t.equal(a, b, 'both listeners saw the one sample taken at 50 ms')
  t.equal(monitor.last, a)
  t.ok(a.intervalMs > 0)
  t.ok(a.heapUsedBytes > 0 && a.rssBytes >= a.heapUsedBytes)
  t.ok(a.eventLoopUtilization >= 0 && a.eventLoopUtilization <= 1)
  t.equal(a.delay.count >= 0, true)
})

t.test('a blocked event loop shows in the sample; with nobody left the monitor stops and forgets', async (t) => {
  holdOpen(t)
  const { sample } = nextSample(20)
  blockFor(150)
  const s = await sample
  t.ok(Math.max(s.lateMs, s.delay.max) >= 100, `150 ms block seen (late ${s.lateMs}, max ${s.delay.max})`)
  t.equal(processMonitor().last, undefined, 'the last subscriber left: stopped')
})

t.test('unsubscribing twice is harmless; a subscriber with no interval gets the default', async (t) => {
  holdOpen(t)
  const stop = processMonitor().subscribe(undefined, () => {})
  stop()
  stop()
  t.equal(processMonitor().last, undefined)
})
