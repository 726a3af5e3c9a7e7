// What an uploaded file is, decided from its bytes alone (never its name or the type a client
// claims): PNG, JPEG, GIF, WebP, PDF by their magic numbers, otherwise plain text if the bytes
// are valid UTF-8 without NUL or other binary control characters; anything else is refused.
// Also the pixel size of images (from their headers), a file name safe to show and to put in
// a Content-Disposition header, and where an attachment lives in R2. Pure, no I/O.
import { UNSAFE_NAME_CHARS } from "./text";
import type { AttachmentType } from "./wire";

export type Sniffed = { mimeType: AttachmentType; width?: number; height?: number };

/** The R2 key of an attachment: under its room, so deleting a room deletes one prefix. */
export function attachmentKey(roomId: string, attachmentId: string): string {
  return `${roomPrefix(roomId)}${attachmentId}`;
}

export function roomPrefix(roomId: string): string {
  return `rooms/${roomId}/`;
}

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, at: number, text: string) =>
  startsWith(
    b,
    [...text].map((c) => c.charCodeAt(0)),
    at,
  );

/** The file's type and, for images, its pixel size; null when it is none of the accepted types. */
export function sniff(bytes: Uint8Array): Sniffed | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mimeType: "image/png", ...plausible(pngSize(bytes)) };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mimeType: "image/jpeg", ...plausible(jpegSize(bytes)) };
  if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) return { mimeType: "image/gif", ...plausible(gifSize(bytes)) };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) return { mimeType: "image/webp" };
  if (ascii(bytes, 0, "%PDF-")) return { mimeType: "application/pdf" };
  return isPlainText(bytes) ? { mimeType: "text/plain" } : null;
}

/** Valid UTF-8 with no NUL and no control characters other than tab, newline, CR, form feed and ESC. */
function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return false;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return !/[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f]/.test(text);
}

/** A header's size only if an image could have it (a PNG may claim 4294967295 × 1): the app
 * lays the image out by it before it loads. */
function plausible(size: { width?: number; height?: number }): { width?: number; height?: number } {
  const { width = 0, height = 0 } = size;
  return width >= 1 && height >= 1 && width <= 65_535 && height <= 65_535 ? size : {};
}

function view(b: Uint8Array) {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function pngSize(b: Uint8Array): { width?: number; height?: number } {
  // The first chunk is IHDR: width and height, big-endian, at bytes 16 and 20.
  if (b.length < 24 || !ascii(b, 12, "IHDR")) return {};
  return { width: view(b).getUint32(16), height: view(b).getUint32(20) };
}

function gifSize(b: Uint8Array): { width?: number; height?: number } {
  if (b.length < 10) return {};
  return { width: view(b).getUint16(6, true), height: view(b).getUint16(8, true) };
}

/** Walks the JPEG markers to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegSize(b: Uint8Array): { width?: number; height?: number } {
  const v = view(b);
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return {};
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = v.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: v.getUint16(at + 5), width: v.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return {};
}

const UNSAFE_IN_NAMES = new RegExp(`${UNSAFE_NAME_CHARS.source}|"`, "gu");
/** What each type's files are called; a text file may be called anything that does not open as
 * active content once downloaded (a page, a script, a program, a shortcut). */
const EXTENSIONS: Record<AttachmentType, string[]> = {
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg", "jfif"],
  "image/gif": ["gif"],
  "image/webp": ["webp"],
  "application/pdf": ["pdf"],
  "text/plain": [],
};
const ACTIVE =
  /\.(html?|xht(ml)?|shtml|svgz?|xml|xslt?|mht(ml)?|hta|m?js|jse|vb[es]?|wsf|wsh|bat|cmd|com|exe|msi|ps(m|d)?1|scr|pif|reg|lnk|url|jar|desktop|webloc|application)$/i;

/** A name to show and to download as: no path, no control, bidi or invisible characters (those
 * the names rule refuses), at most 200 characters, and an extension that says what the bytes
 * are (`photo` → `photo.png`; a text file named `page.html` → `page.html.txt`). */
export function cleanFileName(raw: string | undefined, type: AttachmentType = "text/plain"): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  const name = base.replace(UNSAFE_IN_NAMES, "").trim().slice(0, 190) || "file";
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  const known = EXTENSIONS[type];
  if (type === "text/plain") return ACTIVE.test(name) ? `${name}.txt` : name;
  return ext && known.includes(ext) ? name : `${name}.${known[0]}`;
}

/** `attachment` (or `inline`) with the name for every browser: an ASCII fallback and RFC 5987. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/[\\%]/g, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** "a 640×480 PNG", "a PDF", "a text file": how the dummy AI (and people) name a file's kind. */
export function describeKind(a: { mimeType: AttachmentType; width?: number; height?: number }): string {
  const kind: Record<AttachmentType, string> = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP image",
    "application/pdf": "PDF",
    "text/plain": "text file",
  };
  const size = a.width && a.height ? `${a.width}×${a.height} ` : "";
  return `a ${size}${kind[a.mimeType]}`;
}
