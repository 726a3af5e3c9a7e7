// Files for attachment tests, built byte by byte so each is exactly what a test needs (a PNG
// or JPEG header with a chosen pixel size, a disguised executable), and an upload helper that
// sends them as a browser does: multipart/form-data with the file in the field `file`.
import { exports } from "cloudflare:workers";
import type { Attachment } from "../shared/wire";
import { type Account, BASE, type Reply } from "./helpers";

/** A PNG signature and IHDR chunk for a width×height image, then `extra` filler bytes. */
export function png(width: number, height: number, extra = 64): Uint8Array {
  const bytes = new Uint8Array(33 + extra);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(bytes.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

/** A JPEG: SOI, an APP0 segment, then a SOF0 frame header naming width×height. */
export function jpeg(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0, 0xff, 0xd9]);
  const v = new DataView(bytes.buffer);
  v.setUint16(13, height);
  v.setUint16(15, width);
  return bytes;
}

export const pdf = () => new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
/** An ELF executable's first bytes: what a "photo.png" that is not one may hold. */
export const elf = () => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0x00, 0x01]);
export const text = (s: string) => new TextEncoder().encode(s);

export async function upload(
  who: Account,
  roomId: string,
  bytes: Uint8Array,
  name: string,
  type = "application/octet-stream",
): Promise<Reply<{ attachment: Attachment; error?: { code: string; message: string } }>> {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type }));
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/rooms/${roomId}/attachments`, {
      method: "POST",
      headers: { Authorization: `Bearer ${who.token}` },
      body: form,
    }),
  );
  return { status: res.status, body: (await res.json()) as never, headers: res.headers };
}

/** GET an attachment's url as `who`: the response itself, for headers and bytes. */
export function download(who: Account, url: string): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${url}`, { headers: { Authorization: `Bearer ${who.token}` } }));
}
