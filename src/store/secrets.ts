/**
 * Credentials at rest: AES-256-GCM, sealed as `v1:<iv>:<tag>:<ciphertext>` (base64). The version
 * prefix lets a later format (or key rotation) coexist with rows sealed today.
 *
 * The key comes from DYNASYNC_SECRET_KEY (32 bytes, base64 or hex) or from `<dataDir>/secret.key`,
 * generated on first use with mode 0600. A key file others can read is refused: it would make the
 * encryption pointless. Keys and plaintext are never logged; the key sits in a private field so
 * that even logging the SecretBox itself shows nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../config/logger.js';
import { decodeSecretKey, SECRET_KEY_BYTES, SECRET_KEY_FORMAT } from '../config/secret-key.js';
import { FatalError } from '../domain/errors.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const VERSION = 'v1';
export const SECRET_KEY_FILE = 'secret.key';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== SECRET_KEY_BYTES)
      throw new FatalError('secret_key_invalid', `A secret key must be ${SECRET_KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
      .join(':');
  }

  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new FatalError('sealed_secret_malformed', 'A stored secret is not in a format this version understands');
    }
    const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer, Buffer];
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new FatalError(
        'secret_key_mismatch',
        'Stored credentials cannot be decrypted with this secret key (DYNASYNC_SECRET_KEY or the key file changed?). ' +
          'Restore the original key, or run `dynasync connect` again to store the credentials anew.',
      );
    }
  }
}

/** 32 bytes as 64 hex digits or as base64 / base64url (padding optional). */
export function parseSecretKey(text: string): Buffer {
  const key = decodeSecretKey(text);
  if (!key) throw new FatalError('secret_key_invalid', `The secret key ${SECRET_KEY_FORMAT}`);
  return key;
}

function assertPrivate(path: string): void {
  if (process.platform === 'win32') return; // no POSIX modes to check
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new FatalError(
      'secret_key_file_insecure',
      `The secret key file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}). ` +
        `Run: chmod 600 ${path}`,
    );
  }
}

/**
 * Writes a new key beside the final name, then links it into place: link fails if another process
 * won the race, and nobody ever reads a half-written key file.
 */
function createKeyFile(path: string, logger: Logger): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
    logger.info(
      { keyFile: path },
      'generated a secret key for stored credentials; back this file up with the database',
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
}

export interface SecretKeySource {
  /** DYNASYNC_SECRET_KEY (config.secretKey); wins over the key file. */
  readonly secretKey?: string;
  readonly dataDir: string;
  readonly logger: Logger;
}

export function loadSecretBox(src: SecretKeySource): SecretBox {
  if (src.secretKey) return new SecretBox(parseSecretKey(src.secretKey));
  mkdirSync(src.dataDir, { recursive: true, mode: 0o700 });
  const path = join(src.dataDir, SECRET_KEY_FILE);
  try {
    assertPrivate(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    createKeyFile(path, src.logger);
    assertPrivate(path);
  }
  try {
    return new SecretBox(parseSecretKey(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new FatalError('secret_key_invalid', `The secret key file ${path} is damaged: ${(err as Error).message}`);
  }
}
