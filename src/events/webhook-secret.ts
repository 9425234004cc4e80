import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret as the Standard Webhooks spec describes it: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** Why a provided secret is not usable, or undefined when it is (the spec asks for 24–64 random bytes). */
export function secretProblem(secret: string): string | undefined {
  if (!secret.startsWith(PREFIX)) return 'must start with "whsec_"';
  const body = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) return 'must be whsec_ + base64';
  const bytes = Buffer.from(body, 'base64').length;
  if (bytes < 24 || bytes > 64) return `must encode 24 to 64 bytes (got ${bytes})`;
  return undefined;
}
