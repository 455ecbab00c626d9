import t from 'tap'
import { bootError } from '../src/messages.js'

t.test('what a failed boot reports: the code (else the name), the message, a stack only when uncoded', async (t) => {
  t.match(bootError(Object.assign(new Error('Invalid configuration: PORT'), { code: 'FP_ERR_CONFIG_INVALID' })), { code: 'FP_ERR_CONFIG_INVALID', message: 'Invalid configuration: PORT', stack: undefined })
  t.match(bootError(new TypeError('boom')), { type: 'TypeError', code: 'TypeError', message: 'boom', stack: /TypeError: boom/ })
  t.match(bootError('a plugin threw a string'), { type: 'Error', code: 'Error', message: 'a plugin threw a string' }, 'a thrown non-Error too')
})
