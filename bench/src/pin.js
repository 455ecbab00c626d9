// The A/B tools' load generator on CPU 0 and their servers on CPU 1 (as src/run.js does): the script
// re-runs itself under taskset and this process only waits for it. Resolves with whether servers
// should be pinned (taskset works and there is a second CPU); in the re-run, at once.
import { spawn, spawnSync } from 'node:child_process'
import os from 'node:os'

export async function pinLoadGenerator (script, argv) {
  const taskset = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0 && os.availableParallelism() >= 2
  if (taskset && !process.env.BENCH_PINNED) {
    const child = spawn('taskset', ['-c', '0', process.execPath, script, ...argv], { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } })
    child.on('exit', (code) => process.exit(code ?? 1))
    await new Promise(() => {})
  }
  return taskset
}
