// Makes sure the servers the tests start for real (redis-server, PostgreSQL) and the tools they run
// (promtool, from Debian's `prometheus` package) are installed, so that `pnpm test` works on a fresh
// machine. Installs them with apt-get when missing and we are root on Debian/Ubuntu; otherwise says exactly what to install. The tests start their own throw-away servers.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'

function has (command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function hasPostgres () {
  const root = '/usr/lib/postgresql'
  return existsSync(root) && readdirSync(root).some((v) => existsSync(`${root}/${v}/bin/postgres`))
}

const missing = []
if (!has('redis-server')) missing.push('redis-server')
if (!hasPostgres()) missing.push('postgresql')
// promtool checks the metrics exposition and unit-tests the shipped alerts (packages/metrics).
if (!has('promtool')) missing.push('prometheus')

if (missing.length > 0) {
  const canInstall = process.getuid?.() === 0 && has('apt-get')
  if (!canInstall) {
    console.error(`The tests start real servers and need: ${missing.join(', ')}.\nInstall them (Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}) and run again.`)
    process.exit(1)
  }
  console.log(`Installing ${missing.join(', ')} for the tests (apt-get)...`)
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}
