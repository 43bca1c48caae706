// The at-rest envelope: AES-256-GCM over one file's bytes. Layout (all of it authenticated):
//   magic "FPAE" (4) · format version (1) · key id (8) · IV (12, random per file) · ciphertext · GCM tag (16)
// The magic is never a JPEG or PNG signature, and the ciphertext never contains the photo's bytes. A file with
// another magic, version or key id, or whose tag does not verify (tampered, cut short, another file's context),
// opens as null: the caller discards it and never trusts it.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('FPAE', 'ascii');
export const ENVELOPE_VERSION = 1;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + KEY_ID_BYTES + IV_BYTES;
/** What sealing adds to the plaintext's size. */
export const ENVELOPE_OVERHEAD = HEADER_BYTES + TAG_BYTES;
export const KEY_BYTES = 32;

/** A 256-bit key and the id written into each envelope, so a file of another key is told apart before decrypting. */
export interface AtRestKey {
  readonly id: Buffer;
  readonly secret: Buffer;
}

/** Where a store gets its key: the OS-protected one in the app, a key file or FEISHU_CACHE_KEY in the CLI. */
export interface KeyProvider {
  key(): Promise<AtRestKey>;
  /**
   * Drops the key held in memory, after its stored copy was erased: the next key() reads the store again and
   * makes a new key, so nothing sealed after an erase is readable with the erased key.
   */
  forget?(): void;
}

/** The key id is a hash of the key, not the key: it names the key without revealing anything usable. */
export function atRestKey(secret: Uint8Array): AtRestKey {
  if (secret.byteLength !== KEY_BYTES) throw new RangeError(`an at-rest key has ${KEY_BYTES} bytes`);
  const copy = Buffer.from(secret);
  const id = createHash('sha256').update('face-photos at-rest key id\0').update(copy).digest().subarray(0, KEY_ID_BYTES);
  return { id: Buffer.from(id), secret: copy };
}

export function randomKeySecret(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A key provider for a key already in hand (memory, or parsed from the environment). */
export function fixedKey(key: AtRestKey): KeyProvider {
  return { key: () => Promise.resolve(key) };
}

/** A random key that lives as long as this process: what it sealed can never be read by a later run. */
export function ephemeralKey(): KeyProvider {
  return fixedKey(atRestKey(randomKeySecret()));
}

function header(key: AtRestKey, iv: Buffer): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([ENVELOPE_VERSION]), key.id, iv]);
}

/**
 * The envelope of plain. context (e.g. the file's name) is authenticated but not stored: an envelope moved under
 * another name does not open there.
 */
export function seal(key: AtRestKey, plain: Uint8Array, context = ''): Buffer {
  const iv = randomBytes(IV_BYTES);
  const head = header(key, iv);
  const cipher = createCipheriv('aes-256-gcm', key.secret, iv);
  cipher.setAAD(Buffer.concat([head, Buffer.from(context, 'utf8')]));
  const body = cipher.update(plain);
  const rest = cipher.final();
  return Buffer.concat([head, body, rest, cipher.getAuthTag()], HEADER_BYTES + body.length + rest.length + TAG_BYTES);
}

/** Why an envelope did not open, for the caller's log (never with any of its bytes). */
export type OpenFailure = 'format' | 'key' | 'tampered';

/** The plaintext, or why the bytes are not a readable envelope of this key (an old plain file is 'format'). */
export function openEnvelope(key: AtRestKey, sealed: Uint8Array, context = ''): { ok: true; plain: Buffer } | { ok: false; why: OpenFailure } {
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (b.length < ENVELOPE_OVERHEAD || !b.subarray(0, MAGIC.length).equals(MAGIC) || b[MAGIC.length] !== ENVELOPE_VERSION) {
    return { ok: false, why: 'format' };
  }
  const idAt = MAGIC.length + 1;
  if (!b.subarray(idAt, idAt + KEY_ID_BYTES).equals(key.id)) return { ok: false, why: 'key' };
  const iv = b.subarray(idAt + KEY_ID_BYTES, HEADER_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.secret, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([b.subarray(0, HEADER_BYTES), Buffer.from(context, 'utf8')]));
    decipher.setAuthTag(b.subarray(b.length - TAG_BYTES));
    const body = decipher.update(b.subarray(HEADER_BYTES, b.length - TAG_BYTES));
    const rest = decipher.final();
    return { ok: true, plain: rest.length ? Buffer.concat([body, rest]) : body };
  } catch {
    return { ok: false, why: 'tampered' };
  }
}

/** The plaintext, or null when the bytes are not a readable envelope of this key. */
export function open(key: AtRestKey, sealed: Uint8Array, context = ''): Buffer | null {
  const r = openEnvelope(key, sealed, context);
  return r.ok ? r.plain : null;
}
