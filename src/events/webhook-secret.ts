import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../platform/errors/app-error.ts';
import { activeKeyring, type SecretKeyring } from './webhook-secret-key.ts';

const PREFIX = 'whsec_';
/** A sealed secret: `og1.<key id>.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM. */
const SEALED = /^og1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]+)$/;

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

function keyringOrRefuse(): SecretKeyring {
  const keyring = activeKeyring();
  if (!keyring) {
    throw new AppError(
      'secret-key-missing',
      'Webhook secrets are stored encrypted and ORDERGRID_SECRET_KEY is not set on this instance',
    );
  }
  return keyring;
}

/**
 * Encrypts a signing secret for storage, bound to its subscription (the id is the associated data,
 * so a sealed value copied onto another subscription does not open).
 */
export function sealSecret(secret: string, webhookId: string, keyring = keyringOrRefuse()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, iv);
  cipher.setAAD(Buffer.from(webhookId));
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
  return `og1.${keyring.current.id}.${parts.join('.')}`;
}

/** The key id a stored secret is sealed with; null for a secret stored in clear (before sealing). */
export function sealedWith(stored: string): string | null {
  return SEALED.exec(stored)?.[1] ?? null;
}

/**
 * The signing secret of a stored value. Throws (an Error, not a client error: the delivery is
 * retried) when the key is missing or the value was tampered with.
 */
export function openSecret(stored: string, webhookId: string, keyring = activeKeyring()): string {
  if (stored.startsWith(PREFIX)) return stored;
  const m = SEALED.exec(stored);
  if (!m) throw new Error(`webhook ${webhookId}: the stored secret is not in a known format`);
  const key = keyring?.byId.get(m[1]!);
  if (!key)
    throw new Error(`webhook ${webhookId}: its secret is sealed with key ${m[1]}, which this instance lacks`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(m[2]!, 'base64url'));
  decipher.setAAD(Buffer.from(webhookId));
  decipher.setAuthTag(Buffer.from(m[3]!, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(m[4]!, 'base64url')), decipher.final()]).toString('utf8');
}
