import t from 'tap'
import { installProcessListeners, isSuiteListener } from '../src/index.js'

t.test('installs the listeners and removes exactly those, once', async (t) => {
  const before = process.listenerCount('SIGUSR2')
  const other = (): void => {}
  process.on('SIGUSR2', other)
  t.teardown(() => { process.removeListener('SIGUSR2', other) })
  const seen: string[] = []
  const a = (): void => { seen.push('a') }
  const uninstall = installProcessListeners([['SIGUSR2', a], ['SIGUSR2', () => { seen.push('b') }]])
  t.equal(isSuiteListener(a), true, 'noted as the suite\'s own')
  t.equal(isSuiteListener(other), false)
  t.equal(process.listenerCount('SIGUSR2'), before + 3)
  process.emit('SIGUSR2', 'SIGUSR2')
  t.same(seen, ['a', 'b'])
  uninstall()
  uninstall()
  t.equal(process.listenerCount('SIGUSR2'), before + 1, 'someone else\'s listener stays')
  t.equal(isSuiteListener(a), false, 'forgotten once removed')
})
