import { readFileSync } from 'node:fs'

// The bench machine may be shared. /proc/stat says how busy each CPU was; minus what our own
// process used there, that is CPU time something else took on the core while we measured.
const TICK_US = 1e6 / 100 // USER_HZ is 100 on Linux

export function cpuTicks () {
  let text
  try {
    text = readFileSync('/proc/stat', 'utf8')
  } catch {
    return undefined
  }
  const cpus = {}
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line)
    if (!m) continue
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2].trim().split(/\s+/).map(Number)
    // irq/softirq left out: on loopback that is mostly our own traffic, charged to no process.
    cpus[m[1]] = { busy: user + nice + system + steal, irq: irq + softirq, idle: idle + iowait }
  }
  return cpus
}

// Percentage of the window during which `cpu` ran something other than `ownCpuUs` of our process.
export function otherLoadPercent (before, after, cpu, ownCpuUs, wallUs) {
  const a = before?.[cpu]
  const b = after?.[cpu]
  if (!a || !b || wallUs <= 0) return undefined
  const busyUs = (b.busy - a.busy) * TICK_US
  return Math.max(0, (busyUs - ownCpuUs) / wallUs * 100)
}

// This process's main thread (the event loop: the server's, or autocannon's) from
// /proc/self/schedstat, Linux only: nanoseconds it ran and nanoseconds it was runnable but waiting
// for a CPU.
export function mainThreadSched () {
  try {
    const [runNs, waitNs] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number)
    return { runNs, waitNs }
  } catch {
    return undefined
  }
}

// Share of the window the event loop waited for its CPU because of other processes. The process's
// own threads (GC, JIT, workers) share the pinned CPU too; their CPU time is taken out, so a
// garbage-heavy stack is not mistaken for a busy machine.
export function foreignWaitPercent (before, after, processCpuUs, wallUs) {
  if (!before || !after || wallUs <= 0) return undefined
  const waitUs = (after.waitNs - before.waitNs) / 1000
  const ownThreadsUs = Math.max(0, processCpuUs - (after.runNs - before.runNs) / 1000)
  return Math.max(0, waitUs - ownThreadsUs) / wallUs * 100
}
