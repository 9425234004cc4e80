import { AppError } from '../errors/app-error.ts';

/** Opaque pagination cursors: the last row's sort key, base64url-encoded JSON. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through to the problem below
  }
  throw new AppError('invalid-cursor', 'The cursor is not one this endpoint issued', {
    errors: [{ pointer: '/cursor', detail: 'not a valid cursor', in: 'query' }],
  });
}
