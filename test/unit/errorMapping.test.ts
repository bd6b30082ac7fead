import express from 'express';
import request from 'supertest';
import { AppError } from '../../src/http/AppError';
import { errorMiddleware, isDatabaseUnavailable } from '../../src/http/errorMiddleware';

/** Errors from the database layer that mean "unreachable" become 503s; real bugs stay 500s. */
const prismaRawUnreachable = Object.assign(new Error("Raw query failed. Message: `Can't reach database server at 127.0.0.1:5432`"), {
  code: 'P2010',
  meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 } } },
});
const prismaRawSyntax = Object.assign(new Error('Raw query failed. Code: `42601`. Message: `syntax error`'), {
  code: 'P2010',
  meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '42601' } } },
});

test.each([
  ['pg pool timeout', new Error('timeout exceeded when trying to connect'), true],
  ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
  ['Postgres shutting down (57P01)', Object.assign(new Error('terminating connection'), { code: '57P01' }), true],
  ['Prisma transaction could not start (P2028)', Object.assign(new Error('Transaction API error'), { code: 'P2028' }), true],
  ['Prisma raw query on an unreachable database (P2010)', prismaRawUnreachable, true],
  ['wrapped in a cause', new Error('outer', { cause: prismaRawUnreachable }), true],
  ['Prisma raw query with a syntax error', prismaRawSyntax, false],
  ['a plain bug', new TypeError('x is undefined'), false],
])('%s -> unavailable: %s', (_name, err, expected) => {
  expect(isDatabaseUnavailable(err)).toBe(expected);
});

test('the error middleware answers 503 with Retry-After for an unreachable database, 500 for a bug', async () => {
  const app = express();
  app.get('/down', () => { throw prismaRawUnreachable; });
  app.get('/bug', () => { throw new TypeError('boom'); });
  app.get('/known', () => { throw new AppError('not_found', 'Comment not found.'); });
  app.use(errorMiddleware);
  const down = await request(app).get('/down').expect(503);
  expect(down.headers['retry-after']).toBe('5');
  expect(down.body.error.code).toBe('unavailable');
  const bug = await request(app).get('/bug').expect(500);
  expect(bug.body).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side.' } });
  await request(app).get('/known').expect(404);
});
