// Child entry: `node src/server.js <scenario> [port]`. Builds and listens one scenario, then answers
// the parent over IPC. Without IPC (run by hand) it prints one line and keeps serving.
import { bootable } from './scenarios.js'
import { mainThreadSched } from './cpu-contention.js'

const [name, portArg = process.env.PORT ?? '0'] = process.argv.slice(2)
const port = Number(portArg)

function report (message) {
  if (process.send) process.send(message)
  else console.error(JSON.stringify(message))
}

if (!bootable.has(name)) {
  report({ type: 'error', error: `unknown scenario "${name}"` })
  process.exit(2)
}

let start
try {
  ;({ default: start } = await import(`./scenarios/${name}.js`))
} catch (err) {
  // A package of ours that is not built yet fails here: the parent skips the scenario.
  report({ type: 'skip', reason: err.message.split('\n')[0] })
  process.exit(3)
}

let handle
try {
  handle = await start({ port })
} catch (err) {
  report({ type: 'error', error: err.stack ?? String(err) })
  process.exit(1)
}

process.on('message', (message) => {
  if (message.type === 'stats') {
    process.send({ type: 'stats', id: message.id, cpu: process.cpuUsage(), rss: process.memoryUsage().rss, sched: mainThreadSched() })
  } else if (message.type === 'close') {
    handle.close().then(() => process.exit(0), () => process.exit(1))
  }
})

// The harness is gone (killed, crashed): do not outlive it.
process.on('disconnect', () => process.exit(0))

// `probePort`: where the scenario's health probes answer when not on `port` (health's own listener).
report({ type: 'ready', port: handle.port, probePort: handle.probePort ?? handle.port, node: process.version, pid: process.pid })
