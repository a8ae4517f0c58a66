/**
 * The text form of the key that seals stored credentials: 32 bytes as 64 hex digits or as base64 /
 * base64url (padding optional). Config checks DYNASYNC_SECRET_KEY with it at start, so a bad key
 * stops the command before anything is written; store/secrets.ts decodes it.
 */
export const SECRET_KEY_BYTES = 32;

export const SECRET_KEY_FORMAT = `must be ${SECRET_KEY_BYTES} random bytes written as 64 hex digits or 44 base64 characters (e.g. the output of \`openssl rand -base64 32\`)`;

/** The key's bytes, or null when the text is not a key. */
export function decodeSecretKey(text: string): Buffer | null {
  const s = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const key = Buffer.from(s.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (key.length === SECRET_KEY_BYTES) return key;
  }
  return null;
}
