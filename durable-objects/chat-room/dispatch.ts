// Frames from a room's sockets: size and shape checked (over 64 KiB closes the socket with 1009;
// anything else malformed gets an error frame and the socket stays open), then handed to the
// capability that handles its type. The `switch` names every client frame type and ends in an
// exhaustiveness check, so a frame type added to the wire module without a case here does not
// compile.
import {
  CLIENT_ID_PATTERN,
  type ClientFrame,
  CloseCode,
  MAX_CLIENT_ID_LENGTH,
  MAX_FRAME_BYTES,
  type OnlineUser,
  unhandled,
} from "../../shared/wire";
import type { ActionError } from "./ai";
import type { EditResult } from "./edits";
import type { FloodGuard } from "./flood-guard";
import { type RoomSockets, type SocketInfo, send } from "./sockets";

/** Who handles each frame type. */
export type FrameHandlers = {
  sockets: RoomSockets;
  floods: FloodGuard;
  hello(ws: WebSocket, info: SocketInfo, afterSeq: number | undefined, afterChange: number | undefined): Promise<void>;
  send(ws: WebSocket, user: OnlineUser, frame: { clientId: string; content: string; attachments?: string[] }): Promise<void>;
  typing(ws: WebSocket, user: OnlineUser): void;
  stop(seq: number): Promise<ActionError | undefined>;
  regenerate(seq: number, user: OnlineUser): Promise<ActionError | undefined>;
  edit(user: OnlineUser, seq: number, content: string): Promise<EditResult>;
  remove(user: OnlineUser, seq: number): Promise<EditResult>;
  selectVersion(user: OnlineUser, seq: number, version: number): Promise<EditResult>;
  otherTabs(ws: WebSocket, open: boolean): Promise<void>;
};

export async function dispatch(ws: WebSocket, data: string | ArrayBuffer, on: FrameHandlers): Promise<void> {
  const info = on.sockets.info(ws);
  if (!info) return ws.close(CloseCode.policy, "Unknown connection");
  // A socket cut off for flooding: what is still in flight is dropped unread.
  if (on.floods.isCutOff(ws)) return;
  const frame = await parse(ws, data);
  // Sends have their own limit (sends.ts); every other frame, a malformed one too, spends the
  // socket's budget, and one too many cuts it off.
  if (frame?.type !== "send" && on.floods.other(ws, info.user.id, Date.now())) {
    return on.floods.close(ws, info.user.id, Date.now(), Promise.resolve(), "frames");
  }
  if (!frame) return;
  switch (frame.type) {
    case "hello":
      return on.hello(ws, info, frame.afterSeq, frame.afterChange);
    case "send":
      return on.send(ws, info.user, frame);
    case "typing":
      return on.typing(ws, info.user);
    case "stop":
      return answer(ws, await on.stop(frame.seq));
    case "regenerate":
      return answer(ws, await on.regenerate(frame.seq, info.user));
    case "edit":
      return answerEdit(ws, frame.clientId, await on.edit(info.user, frame.seq, frame.content));
    case "delete":
      return answerEdit(ws, frame.clientId, await on.remove(info.user, frame.seq));
    case "select_version":
      return answerEdit(ws, frame.clientId, await on.selectVersion(info.user, frame.seq, frame.version));
    case "other_tabs":
      return on.otherTabs(ws, frame.open);
    case "ping":
      return send(ws, { type: "pong" });
    default:
      return unhandled(frame);
  }
}

type FrameSchema = typeof import("../../shared/frames");
const importSchema = (): Promise<FrameSchema> => import("../../shared/frames");

/** The frame schema, imported on the isolate's first frame (zod stays off its start-up) and
 * kept, so later frames do not wait on an import. Until it has loaded, every frame waits for
 * it, a text send too, so frames are handed on in the order they came: on a room's first
 * frames after a start, a send must not overtake the hello sent before it. */
let frames: FrameSchema | undefined;
let loading: Promise<FrameSchema> | undefined;
let loadSchema = importSchema;

/** For tests: forget the loaded schema, and load it with `load` from the next frame on. */
export function unloadFrameSchema(load: () => Promise<FrameSchema> = importSchema) {
  frames = undefined;
  loading = undefined;
  loadSchema = load;
}

/** The frame, or null once the sender has been told (or the socket closed) why not. */
async function parse(ws: WebSocket, data: string | ArrayBuffer): Promise<ClientFrame | null> {
  if (overFrameLimit(data)) {
    ws.close(CloseCode.tooBig, "Frame larger than 64 KiB");
    return null;
  }
  if (typeof data !== "string") {
    send(ws, { type: "error", code: "invalid_frame", message: "Send JSON text frames." });
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    send(ws, { type: "error", code: "invalid_json", message: "Frames must be JSON objects." });
    return null;
  }
  if (!frames) {
    loading ??= loadSchema().then((schema) => (frames = schema));
    await loading;
  }
  const plain = plainSend(json);
  if (plain) return plain;
  const parsed = (frames as FrameSchema).ClientFrame.safeParse(json);
  if (parsed.success) return parsed.data;
  const clientId = typeof (json as { clientId?: unknown })?.clientId === "string" ? (json as { clientId: string }).clientId : undefined;
  const message = parsed.error.issues.map((i) => `${i.path.join(".") || "frame"}: ${i.message}`).join("; ");
  send(ws, { type: "error", code: "invalid_frame", message, ...(clientId ? { clientId } : {}) });
  return null;
}

/**
 * The frame a room reads most, a `send` of text alone, checked without running the schema:
 * what the schema returns for it (its known fields, nothing else), or undefined for anything
 * else, which the schema then checks and explains. Zod's parse, interpreted in Workers (no
 * eval to compile it), was among the largest items of a quiet room's message in the V8
 * profile. dispatch.test.ts holds the two to the same answers.
 */
export function plainSend(json: unknown): ClientFrame | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { type, clientId, content, attachments } = json as Record<string, unknown>;
  if (type !== "send" || attachments !== undefined || typeof content !== "string" || typeof clientId !== "string") return undefined;
  if (clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH || !CLIENT_ID_PATTERN.test(clientId)) return undefined;
  return { type, clientId, content };
}

function answer(ws: WebSocket, error: ActionError | undefined) {
  if (error) send(ws, { type: "error", code: error.code, message: error.message });
}

/** An edit, delete or version choice: acked by its clientId (the change itself reaches every
 * socket as `message_updated`), or refused like a send. */
function answerEdit(ws: WebSocket, clientId: string | undefined, result: EditResult) {
  const id = clientId ? { clientId } : {};
  if (result.ok) {
    if (clientId) send(ws, { type: "ack", clientId, seq: result.message.seq });
  } else if (result.code === "rate_limited") {
    send(ws, { type: "rate_limited", retryAfterMs: result.retryAfterMs ?? 1000, ...id });
  } else {
    send(ws, { type: "error", code: result.code, message: result.message, ...id });
  }
}

/** Whether a frame is over 64 KiB. A string is only encoded when it could be (a UTF-16 code
 * unit is at most 3 bytes of UTF-8), which almost no frame is. */
function overFrameLimit(data: string | ArrayBuffer): boolean {
  if (typeof data !== "string") return data.byteLength > MAX_FRAME_BYTES;
  return data.length * 3 > MAX_FRAME_BYTES && new TextEncoder().encode(data).byteLength > MAX_FRAME_BYTES;
}
