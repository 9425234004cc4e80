import { createHash, randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../platform/config/config.ts';

/** The keys webhook secrets are sealed with: the current one seals, any of them opens. */
export interface SecretKeyring {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
  /** Where the current key came from (for the start-up log). */
  source: 'environment' | 'key file' | 'process';
}

/** The file `serve` keeps a generated key in, on the embedded default. */
export const KEY_FILE = 'ordergrid-secret.key';

/** 32 bytes as base64 (44 characters) or hex (64); anything else is refused, naming the variable. */
export function parseKey(text: string, name: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t)
    ? Buffer.from(t, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(t)
      ? Buffer.from(t, 'base64')
      : Buffer.alloc(0);
  if (key.length !== 32)
    throw new Error(`${name} must be 32 bytes as base64 or hex (e.g. openssl rand -base64 32)`);
  return key;
}

/** A key's id: the first 8 hex digits of its SHA-256, stored beside each sealed secret. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function buildKeyring(
  current: Buffer,
  previous: readonly Buffer[],
  source: SecretKeyring['source'],
): SecretKeyring {
  const byId = new Map<string, Buffer>();
  for (const k of [current, ...previous]) byId.set(keyId(k), k);
  return { current: { id: keyId(current), key: current }, byId, source };
}

export type KeyringResolution =
  | { keyring: SecretKeyring; warning?: string }
  | { keyring: null; warning: string };

/**
 * Finds the key for this process: ORDERGRID_SECRET_KEY (+ _PREVIOUS) when set. Otherwise, on the
 * embedded database, a key generated once into the data directory (mode 0600), since that
 * installation is one process on one machine. With DATABASE_URL and no key there is no safe place
 * for one (every instance must share it, and a key stored in the same database protects nothing),
 * so none is used: creating or rotating webhooks is refused until the key is set.
 */
export async function resolveKeyring(
  config: Pick<Config, 'secretKey' | 'secretKeyPrevious' | 'databaseUrl' | 'dataDir'>,
): Promise<KeyringResolution> {
  const previous = config.secretKeyPrevious.map((k, i) => parseKey(k, `ORDERGRID_SECRET_KEY_PREVIOUS[${i}]`));
  if (config.secretKey)
    return {
      keyring: buildKeyring(parseKey(config.secretKey, 'ORDERGRID_SECRET_KEY'), previous, 'environment'),
    };
  if (config.databaseUrl) {
    return {
      keyring: null,
      warning:
        'ORDERGRID_SECRET_KEY is not set: webhooks cannot be created or given a new secret, and sealed secrets cannot be opened. Set the same key on every instance (docs/webhooks.md).',
    };
  }
  const file = join(config.dataDir, KEY_FILE);
  let text: string;
  let warning: string | undefined;
  try {
    text = await readFile(file, 'utf8');
    if (((await stat(file)).mode & 0o077) !== 0) {
      await chmod(file, 0o600);
      warning = `${file} was readable by others; its mode is now 0600`;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = randomBytes(32).toString('base64');
    // 'wx': never overwrite a key another process wrote meanwhile (that one would win on re-read).
    await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' }).catch(
      async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
        text = await readFile(file, 'utf8');
      },
    );
  }
  return {
    keyring: buildKeyring(parseKey(text, file), previous, 'key file'),
    ...(warning ? { warning } : {}),
  };
}

let installed: SecretKeyring | null | undefined;
let fallback: SecretKeyring | undefined;

/** Sets the keyring of this process (`serve` does, from resolveKeyring); null = no key. */
export function useKeyring(keyring: SecretKeyring | null): void {
  installed = keyring;
}

/**
 * The keyring in use. A process that never called useKeyring (tests, benchmarks, scripts) takes
 * ORDERGRID_SECRET_KEY from its environment, else a random key of its own, good for its lifetime.
 */
export function activeKeyring(): SecretKeyring | null {
  if (installed !== undefined) return installed;
  if (!fallback) {
    const env = process.env.ORDERGRID_SECRET_KEY;
    fallback = env
      ? buildKeyring(parseKey(env, 'ORDERGRID_SECRET_KEY'), [], 'environment')
      : buildKeyring(randomBytes(32), [], 'process');
  }
  return fallback;
}
