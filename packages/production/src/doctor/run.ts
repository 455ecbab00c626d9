import { readRuntimeFacts } from '../risk.js'
import { httpChecks } from './http-checks.js'
import { localChecks, readOpenFilesLimit } from './local-checks.js'
import { formatText, summarize, type Report } from './report.js'

export interface DoctorOptions {
  url: string | undefined
  postPath: string | undefined
  healthPrefix: string
  healthUrl: string | undefined
  metricsPath: string
  timeout: number
  shutdownSeconds: number
  cwd: string
}

export async function runDoctor (o: DoctorOptions): Promise<Report & { text: string }> {
  const checks = o.url === undefined
    ? localChecks({ cwd: o.cwd, runtime: readRuntimeFacts(), openFilesLimit: readOpenFilesLimit(), threadpoolSize: process.env.UV_THREADPOOL_SIZE, shutdownSeconds: o.shutdownSeconds, healthPrefix: o.healthPrefix })
    : await httpChecks({ url: o.url, timeout: o.timeout, healthPrefix: o.healthPrefix, healthUrl: o.healthUrl, metricsPath: o.metricsPath, postPath: o.postPath })
  const report = summarize(checks)
  return { ...report, text: formatText(report) }
}
