#!/usr/bin/env node
// The committed bin. package.json points here, not into dist/, because pnpm and npm link a bin only
// when its file exists at install time: in a fresh clone `pnpm install` runs before the build, and a
// bin aimed at dist/bin.js would never be linked ("Command not found"). This file is always there.
import { fileURLToPath } from 'node:url'

const built = new URL('../dist/bin.js', import.meta.url)
try {
  await import(built.href)
/* c8 ignore start */ // Tested on a copy of this file beside no dist/ (test/bin-before-build.test.ts): coverage cannot attribute the copy's lines here.
} catch (err) {
  // Only dist/bin.js itself missing means "not built"; a module missing further in is a broken install, shown as it is.
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).startsWith(`Cannot find module '${fileURLToPath(built)}'`)) throw err
  process.stderr.write('fastify-production: the package is not built (no dist/bin.js): run `pnpm build` first\n')
  process.exitCode = 1
}
/* c8 ignore stop */
