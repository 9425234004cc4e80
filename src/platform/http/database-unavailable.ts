const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections: the server is saturated, a retry soon succeeds
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** Whether an error means "the database is down or unreachable" (a 503), not a bug (a 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.message === 'string') {
    const m = e.message;
    if (
      m.includes('Connection terminated') ||
      m.includes('timeout exceeded when trying to connect') ||
      m.includes('Client has encountered a connection error') ||
      m.includes('the database system is')
    ) {
      return true;
    }
  }
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true;
  return e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause);
}
