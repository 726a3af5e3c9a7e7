// Links to one attachment that work without a token until they expire: what an exported
// Markdown document points at, so its files open from a browser or a Markdown viewer, where
// no bearer token can go. A link names the room, the attachment and its expiry, signed with a
// key derived from JWT_SECRET for this purpose alone (HMAC-SHA256); changing any of the three
// breaks the signature. Anyone holding the document can fetch its files until then: the export
// says how long.
import { requireSecret } from "../auth/jwt";

/** How long an exported document's file links work. */
export const FILE_LINK_DAYS = 7;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** The signing key for file links: HMAC of a fixed label under JWT_SECRET, so a file-link
 * signature can never be taken for a token's, nor the other way round. */
function linkKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const derived = await crypto.subtle.sign("HMAC", root, encoder.encode("parlor file links v1"));
      return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    })();
    keys.set(secret, key);
  }
  return key;
}

const signed = (roomId: string, attachmentId: string, expires: number) => encoder.encode(`${roomId}\n${attachmentId}\n${expires}`);

const toBase64Url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[\w-]{43}$/.test(text)) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

/** The public path of a signed link to one attachment, working until `expires` (epoch s). */
export async function fileLinkPath(env: Env, roomId: string, attachmentId: string, expires: number): Promise<string> {
  const key = await linkKey(requireSecret(env.JWT_SECRET));
  const signature = toBase64Url(await crypto.subtle.sign("HMAC", key, signed(roomId, attachmentId, expires)));
  const path = `/api/files/${encodeURIComponent(roomId)}/${encodeURIComponent(attachmentId)}`;
  return `${path}?expires=${expires}&signature=${signature}`;
}

/** Whether a link's signature is the one for this room, attachment and expiry (compared in
 * constant time by WebCrypto); its expiry is the caller's to check. */
export async function fileLinkValid(env: Env, roomId: string, attachmentId: string, expires: number, signature: string): Promise<boolean> {
  const bytes = fromBase64Url(signature);
  if (!bytes) return false;
  const key = await linkKey(requireSecret(env.JWT_SECRET));
  return crypto.subtle.verify("HMAC", key, bytes, signed(roomId, attachmentId, expires));
}
