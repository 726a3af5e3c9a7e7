// Attachments: a member uploads a file to a room (multipart/form-data, field `file`); its type
// is decided by its bytes (shared/attachments.ts), its bytes go to R2 under the room, and the
// room's ChatRoom records it so a later send can carry it. Members read it back at its url,
// with the stored type, nosniff and a sandboxing CSP, inline only for images: an HTML or SVG
// file is plain text here and never runs in the app's origin. A refused upload stores nothing.
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { attachmentKey, cleanFileName, contentDisposition, roomPrefix, sniff } from "../../shared/attachments";
import { readConfig } from "../../shared/config";
import { log } from "../../shared/log";
import { Attachment } from "../../shared/schemas";
import { megabytes } from "../../shared/text";
import { type Attachment as AttachmentShape, attachmentPath } from "../../shared/wire";
import { LIMITS, throttle } from "../auth/sign-in";
import { ApiError, badRequest, forbidden, notFound, tooLarge } from "../errors";
import { limitBody } from "../lib/drain-body";
import { FILE_LINK_DAYS, fileLinkValid } from "../lib/file-links";
import { bearer, commonErrors, jsonReply, router } from "../lib/openapi";
import type { AppEnv } from "../types";
import { roomConfigOf } from "./room-access";

const RoomId = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const AttachmentParams = RoomId.extend({
  attachmentId: z
    .string()
    .regex(/^[\w-]{1,64}$/, "not an attachment id")
    .openapi({ param: { name: "attachmentId", in: "path" } }),
});
/** Room for the multipart framing around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const ACCEPTED = "PNG, JPEG, GIF, WebP, PDF or plain UTF-8 text";

/** Whether a request is an upload, which the API's 64 KiB body limit leaves to uploadLimit(). */
export function isUpload(method: string, path: string): boolean {
  return method === "POST" && /^\/api\/rooms\/[^/]+\/attachments\/?$/.test(path);
}

/** The upload's own body limit: ATTACHMENT_MAX_MB plus the multipart framing. */
function uploadLimit(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const max = readConfig(c.env).attachments.maxBytes;
    return limitBody(max + MULTIPART_OVERHEAD, () => {
      throw tooLarge(`Files are limited to ${megabytes(max)}.`);
    })(c, next);
  };
}

/** Deletes every object of a deleted room (its prefix), a listing page at a time. */
export async function deleteRoomAttachments(bucket: R2Bucket, roomId: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: roomPrefix(roomId), cursor, limit: 1000 });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

async function readFile(req: Request): Promise<File> {
  if (!req.headers.get("content-type")?.toLowerCase().startsWith("multipart/form-data")) {
    throw badRequest("Upload the file as multipart/form-data, in a field named `file`.");
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw badRequest("The multipart body could not be read.");
  }
  const file = form.get("file");
  if (!(file instanceof File)) throw badRequest("Upload the file in a multipart field named `file`.");
  return file;
}

const uploadRoute = createRoute({
  method: "post",
  path: "/rooms/{id}/attachments",
  tags: ["Attachments"],
  summary: "Upload a file for a message to carry (members only)",
  description: `multipart/form-data with the file in the field \`file\`. The type comes from the bytes: ${ACCEPTED}; anything else is 415 \`unsupported_type\`. Larger than ATTACHMENT_MAX_MB (10 MB): 413. An upload no message carries is deleted after ATTACHMENT_UNSENT_HOURS (24 h).`,
  security: bearer,
  request: {
    params: RoomId,
    // A plain schema, not zod: documented, but read by readFile() rather than a form validator,
    // so a body that is not multipart gets this API's own error.
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: { type: "object", properties: { file: { type: "string", format: "binary" } }, required: ["file"] },
        },
      },
    },
  },
  responses: {
    201: jsonReply(z.object({ attachment: Attachment }), "Stored"),
    ...commonErrors,
    413: { description: "The file is over the limit" },
    415: { description: "Not one of the accepted types" },
  },
});

const readRoute = createRoute({
  method: "get",
  path: "/rooms/{id}/attachments/{attachmentId}",
  tags: ["Attachments"],
  summary: "An attachment's bytes (members only)",
  description:
    "Served with its stored type, `X-Content-Type-Options: nosniff`, a sandboxing `Content-Security-Policy`, and `Content-Disposition: inline` for images, `attachment` for everything else.",
  security: bearer,
  request: { params: AttachmentParams },
  responses: { 200: { description: "The file" }, ...commonErrors },
});

const fileRoute = createRoute({
  method: "get",
  path: "/files/{roomId}/{attachmentId}",
  tags: ["Attachments"],
  summary: "An attachment's bytes through a signed link (no token)",
  description: `The links an exported Markdown document carries: they work without a token until \`expires\` (${FILE_LINK_DAYS} days after the export), for whoever holds them. A wrong or altered signature is 403 \`invalid_link\`, an expired link 410 \`link_expired\`, a file deleted since 404. Served like the members' route.`,
  request: {
    params: z.object({
      roomId: z
        .string()
        .regex(/^[\w-]{1,64}$/, "not a room id")
        .openapi({ param: { name: "roomId", in: "path" } }),
      attachmentId: AttachmentParams.shape.attachmentId,
    }),
    query: z.object({ expires: z.coerce.number().int().positive(), signature: z.string().max(64) }),
  },
  responses: {
    200: { description: "The file" },
    400: commonErrors[400],
    403: commonErrors[403],
    404: commonErrors[404],
    410: { description: "The link has expired" },
  },
});

/** An attachment's bytes, as stored, with headers that keep it inert in this origin. */
async function serveAttachment(bucket: R2Bucket, roomId: string, attachmentId: string): Promise<Response> {
  const object = await bucket.get(attachmentKey(roomId, attachmentId));
  if (!object) throw notFound("Attachment");
  const type = object.httpMetadata?.contentType ?? "application/octet-stream";
  const headers = new Headers({
    "Content-Type": type === "text/plain" ? "text/plain; charset=utf-8" : type,
    "Content-Length": String(object.size),
    "Content-Disposition": contentDisposition(type.startsWith("image/") ? "inline" : "attachment", object.customMetadata?.name ?? "file"),
    "X-Content-Type-Options": "nosniff",
    // Even opened directly, nothing in the file may run or load anything in this origin.
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    "Cache-Control": "private, max-age=3600",
    ETag: object.httpEtag,
  });
  return new Response(object.body, { status: 200, headers });
}

export const attachmentRoutes = router();
attachmentRoutes.use("/rooms/:id/attachments", uploadLimit());
attachmentRoutes
  .openapi(uploadRoute, async (c) => {
    const config = readConfig(c.env).attachments;
    await throttle(c, `upload:${c.get("session").id}`, LIMITS.uploadUser, "Too many uploads at once. Wait a moment and try again.");
    const file = await readFile(c.req.raw);
    if (file.size === 0) throw new ApiError(400, "empty_file", "The file is empty.");
    if (file.size > config.maxBytes) throw tooLarge(`Files are limited to ${megabytes(config.maxBytes)}.`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const kind = sniff(bytes);
    if (!kind) throw new ApiError(415, "unsupported_type", `This file is not a ${ACCEPTED} file; only those can be attached.`);
    const room = c.get("room");
    const session = c.get("session");
    const id = crypto.randomUUID();
    const name = cleanFileName(file.name, kind.mimeType);
    const key = attachmentKey(room.id, id);
    const stored: Omit<AttachmentShape, "url"> = { id, name, mimeType: kind.mimeType, size: bytes.byteLength };
    if (kind.width && kind.height) Object.assign(stored, { width: kind.width, height: kind.height });
    await c.env.ATTACHMENTS.put(key, bytes, {
      httpMetadata: { contentType: kind.mimeType },
      customMetadata: { name, uploaderId: session.id },
    });
    try {
      await chatRoom(c.env, room.id).registerUpload(roomConfigOf(room, c.get("roomCharacterName")), { ...stored, uploaderId: session.id });
    } catch (err) {
      // Nothing left behind: the bytes go if the room could not record them.
      await c.env.ATTACHMENTS.delete(key);
      log.error("upload_register_failed", { roomId: room.id, error: String(err).slice(0, 300) });
      throw err;
    }
    return c.json({ attachment: { ...stored, url: attachmentPath(room.id, id) } }, 201);
  })
  .openapi(readRoute, (c) => serveAttachment(c.env.ATTACHMENTS, c.get("room").id, c.req.valid("param").attachmentId))
  .openapi(fileRoute, async (c) => {
    const { roomId, attachmentId } = c.req.valid("param");
    const { expires, signature } = c.req.valid("query");
    if (!(await fileLinkValid(c.env, roomId, attachmentId, expires, signature))) {
      throw forbidden("This link is not valid. Export the room again for a new one.", "invalid_link");
    }
    if (expires * 1000 <= Date.now()) {
      throw new ApiError(410, "link_expired", "This link has expired. Export the room again for a new one.");
    }
    return serveAttachment(c.env.ATTACHMENTS, roomId, attachmentId);
  });
