// Links to one attachment that work without a token until they expire: what an exported
// Markdown document points at, so its files open from a browser or a Markdown viewer, where
// no bearer token can go. A link names the room, the attachment and its expiry, signed with a
// key derived from JWT_SECRET for this purpose alone (HMAC-SHA256); changing any of the three
// breaks the signature. Anyone holding the document can fetch its files until then: the export
// says how long.
import { hmacKey, requireSecret } from "../auth/jwt";
import { fromBase64Url, toBase64Url } from "./base64url";

/** How long an exported document's file links work. */
export const FILE_LINK_DAYS = 7;

const encoder = new TextEncoder();

/** The signing key for file links: HMAC of a fixed label under JWT_SECRET's own key (the one
 * tokens are signed with), so a file-link signature can never be taken for a token's, nor the
 * other way round. Derived once per isolate. */
let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;
function linkKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    const key = (async () => {
      const derived = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode("parlor file links v1"));
      return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    })();
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

const signed = (roomId: string, attachmentId: string, expires: number) => encoder.encode(`${roomId}\n${attachmentId}\n${expires}`);

/** A signature as it travels: 32 bytes, 43 base64url characters. */
const SIGNATURE = /^[\w-]{43}$/;

/** The public path of a signed link to one attachment, working until `expires` (epoch s). */
export async function fileLinkPath(env: Env, roomId: string, attachmentId: string, expires: number): Promise<string> {
  const key = await linkKey(requireSecret(env.JWT_SECRET));
  const signature = toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, signed(roomId, attachmentId, expires))));
  const path = `/api/files/${encodeURIComponent(roomId)}/${encodeURIComponent(attachmentId)}`;
  return `${path}?expires=${expires}&signature=${signature}`;
}

/** Whether a link's signature is the one for this room, attachment and expiry (compared in
 * constant time by WebCrypto); its expiry is the caller's to check. */
export async function fileLinkValid(env: Env, roomId: string, attachmentId: string, expires: number, signature: string): Promise<boolean> {
  if (!SIGNATURE.test(signature)) return false;
  const key = await linkKey(requireSecret(env.JWT_SECRET));
  return crypto.subtle.verify("HMAC", key, fromBase64Url(signature), signed(roomId, attachmentId, expires));
}
