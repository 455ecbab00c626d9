import t from 'tap'
import {
  AppError, isAppError, createError, codes,
  BadRequestError, UnauthorizedError, ForbiddenError, NotFoundError, ConflictError,
  UnprocessableEntityError, TooManyRequestsError, ServiceUnavailableError
} from '../src/index.js'

t.test('each subclass carries its status, a derived code and the expose default', async (t) => {
  const cases = [
    [BadRequestError, 400, 'BAD_REQUEST', true],
    [UnauthorizedError, 401, 'UNAUTHORIZED', true],
    [ForbiddenError, 403, 'FORBIDDEN', true],
    [NotFoundError, 404, 'NOT_FOUND', true],
    [ConflictError, 409, 'CONFLICT', true],
    [UnprocessableEntityError, 422, 'UNPROCESSABLE_ENTITY', true],
    [TooManyRequestsError, 429, 'TOO_MANY_REQUESTS', true],
    [ServiceUnavailableError, 503, 'SERVICE_UNAVAILABLE', false]
  ] as const
  for (const [Ctor, status, code, expose] of cases) {
    const err = new Ctor()
    t.equal(err.status, status, `${Ctor.name} status`)
    t.equal(err.statusCode, status, `${Ctor.name} statusCode`)
    t.equal(err.code, code, `${Ctor.name} code`)
    t.equal(err.expose, expose, `${Ctor.name} expose`)
    t.equal(err.name, Ctor.name)
    t.ok(err instanceof AppError && err instanceof Error && err instanceof Ctor)
    t.ok(isAppError(err))
  }
  t.notOk(new NotFoundError() instanceof ConflictError, 'siblings are not instances of each other')
})

t.test('options: message, code, expose, details, cause and headers are kept', async (t) => {
  const cause = new Error('db down')
  const err = new ServiceUnavailableError('try later', { code: 'DB_DOWN', expose: true, details: { retry: 5 }, cause, headers: { 'retry-after': '5' } })
  t.equal(err.message, 'try later')
  t.equal(err.code, 'DB_DOWN')
  t.equal(err.expose, true)
  t.same(err.details, { retry: 5 })
  t.equal(err.cause, cause)
  t.same(err.headers, { 'retry-after': '5' })
  t.equal(new AppError(418).message, "I'm a Teapot")
  t.equal(new AppError(599).message, 'Error', 'a status Node has no phrase for still gets a message')
  t.equal(new AppError(599).code, 'INTERNAL_SERVER_ERROR')
  t.equal(new AppError(499).code, 'BAD_REQUEST')
})

t.test('bad statuses and codes throw FP_ERR_ERRORS_CATALOG', async (t) => {
  for (const status of [200, 399, 600, 404.5, Number.NaN]) {
    t.throws(() => new AppError(status), { code: 'FP_ERR_ERRORS_CATALOG' }, `status ${status}`)
  }
  t.throws(() => new AppError(400, 'x', { code: 'lower-case' }), { code: 'FP_ERR_ERRORS_CATALOG' })
  t.throws(() => createError('bad code', 400, 'x'), { code: 'FP_ERR_ERRORS_CATALOG' })
  t.throws(() => createError('OK_CODE', 302, 'x'), { code: 'FP_ERR_ERRORS_CATALOG' })
  t.throws(() => createError('OK_CODE', 400, ''), { code: 'FP_ERR_ERRORS_CATALOG' })
  t.throws(() => createError(42 as unknown as string, 400, 'x'), { code: 'FP_ERR_ERRORS_CATALOG' })
  t.ok(codes.FP_ERR_ERRORS_CATALOG)
})

t.test('createError makes a typed catalog entry', async (t) => {
  const OrderNotFound = createError('ORDER_NOT_FOUND', 404, 'Order not found')
  const OutOfStock = createError('OUT_OF_STOCK', 409, 'Out of stock')
  const err = new OrderNotFound()
  const code: 'ORDER_NOT_FOUND' = err.code
  t.equal(code, 'ORDER_NOT_FOUND')
  t.equal(err.status, 404)
  t.equal(err.message, 'Order not found')
  t.equal(new OrderNotFound('Order 7 not found').message, 'Order 7 not found')
  t.equal(OrderNotFound.code, 'ORDER_NOT_FOUND')
  t.equal(OrderNotFound.status, 404)
  t.equal(OrderNotFound.name, 'ORDER_NOT_FOUND')
  t.ok(err instanceof OrderNotFound && err instanceof AppError)
  t.notOk(err instanceof OutOfStock)
  t.notOk(err instanceof NotFoundError, 'a catalog entry is not the generic subclass')
})

t.test('instanceof is false for look-alikes and primitives', async (t) => {
  t.notOk(({ status: 404, code: 'NOT_FOUND' }) instanceof AppError)
  t.notOk((null as unknown) instanceof AppError)
  t.notOk(('x' as unknown) instanceof AppError)
  t.notOk(Object.create(null) instanceof AppError)
  t.notOk(Object.create(Object.create(null)) instanceof AppError, 'a prototype without a constructor')
  t.notOk(new Proxy({}, { getPrototypeOf () { throw new Error('trap') } }) instanceof AppError)
  t.notOk(isAppError(new Proxy({}, { get () { throw new Error('trap') } })))
  t.notOk(isAppError(new Error('x')))
  t.notOk(isAppError(null))
})
