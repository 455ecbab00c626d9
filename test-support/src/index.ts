export { logCapture, type LogLine } from './log-capture.js'
export { assertPackageExports, assertErrorTable, loadBuiltPackage, readmeErrorCodes } from './package-contract.js'
export { userNodeEnv } from './user-node-env.js'
export { typecheck } from './typecheck.js'
