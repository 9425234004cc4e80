import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/platform/http/database-unavailable.ts';

describe('database unavailable (503) versus a bug (500)', () => {
  it.each([
    ['connection refused', { code: 'ECONNREFUSED' }],
    ['server shutting down', { code: '57P01' }],
    ['too many connections', { code: '53300', message: 'sorry, too many clients already' }],
    ['pool connect timeout', { message: 'timeout exceeded when trying to connect' }],
    ['wrapped in an aggregate', { errors: [{ code: 'ECONNRESET' }] }],
    ['as a cause', { message: 'query failed', cause: { code: '08006' } }],
  ])('%s is a 503', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: '23505' }],
    ['a syntax error', { code: '42601' }],
    ['a plain error', new Error('boom')],
    ['nothing', undefined],
  ])('%s is not', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
