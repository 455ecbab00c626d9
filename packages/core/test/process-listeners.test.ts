import t from 'tap'
import { installProcessListeners } from '../src/index.js'

t.test('installs the listeners and removes exactly those, once', async (t) => {
  const before = process.listenerCount('SIGUSR2')
  const other = (): void => {}
  process.on('SIGUSR2', other)
  t.teardown(() => { process.removeListener('SIGUSR2', other) })
  const seen: string[] = []
  const uninstall = installProcessListeners([['SIGUSR2', () => { seen.push('a') }], ['SIGUSR2', () => { seen.push('b') }]])
  t.equal(process.listenerCount('SIGUSR2'), before + 3)
  process.emit('SIGUSR2', 'SIGUSR2')
  t.same(seen, ['a', 'b'])
  uninstall()
  uninstall()
  t.equal(process.listenerCount('SIGUSR2'), before + 1, 'someone else\'s listener stays')
})
