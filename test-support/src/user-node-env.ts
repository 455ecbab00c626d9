/**
 * The environment for a child process that must see exactly what a user's Node sees: this
 * process's variables plus `extra`, without the test runner's coverage or loader flags.
 */
export function userNodeEnv (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, NODE_OPTIONS: '' }
  delete env.NODE_V8_COVERAGE
  return env
}
