export { httpGet as get, type Answer, type GetOptions } from '@fastify-production/test-support'

/** A probe body with every `durationMs` set to 0: two apps' runs never take the same time. */
export function timeless (body: string): string {
  return body.replace(/"durationMs":[-+.e\d]+/g, '"durationMs":0')
}
