import type { FastifyInstance } from 'fastify'
import { codes } from './errors.js'

/**
 * A typed, collision-free name under which one package offers something to the others. Its key is a
 * registered symbol, so two installed copies of this package agree on it, and no plugin outside the
 * suite can take it the way a decorator name such as `metrics` or `config` can be taken.
 */
export interface Capability<T> {
  readonly name: string
  readonly key: symbol
  /** Carries `T` for the type checker only; never set. */
  readonly type?: T
}

export function defineCapability<T> (name: string): Capability<T> {
  return { name, key: Symbol.for(`fastify-production.capability.${name}`) }
}

/** Offers `value` to the packages registered in this context and its children. */
export function provide<T> (fastify: FastifyInstance, capability: Capability<T>, value: T, owner: string): void {
  if (fastify.hasDecorator(capability.key as unknown as string)) {
    throw new codes.FP_ERR_CORE_CAPABILITY_TAKEN(owner, `capability ${capability.name}`)
  }
  fastify.decorate(capability.key as unknown as string, value as unknown as object)
}

/** What another package offers here, or undefined when it is not registered (each package works alone). */
export function find<T> (fastify: FastifyInstance, capability: Capability<T>): T | undefined {
  return (fastify as unknown as Record<symbol, T | undefined>)[capability.key]
}
