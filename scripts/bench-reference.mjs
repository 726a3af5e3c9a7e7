// The reference as a third benchmark target (`npm run bench -- --reference PATH`): a local copy
// of cloudflare/workers-chat-demo (never committed; docs/benchmarks.md, "Getting the reference", says how to
// get it and which one line to edit), served by the project's wrangler like the baseline, and a
// client adapter for its protocol so the same phases drive it: join by sending {name}, `ready`
// after the join, send {message}, every member (sender included) receives
// {name, message, timestamp}. It has no acks and no seqs: the sender's own copy is its ack (as
// for the baseline) and the timestamp, strictly increasing per room, stands in for the seq.
import { cpSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { RoomClient } from "./bench-client.mjs";
import { DevServer, freePort } from "./bench-server.mjs";

const SKIP = new Set(["node_modules", ".wrangler", ".git"]);

/** The reference copied to a temp dir (same layout as snapshot()); wrangler bundles it. */
export function referenceSnapshot(repo, path) {
  const root = mkdtempSync(join(tmpdir(), "parlor-reference-"));
  const app = join(root, "app");
  cpSync(path, app, { recursive: true, filter: (src) => !SKIP.has(basename(src)) });
  symlinkSync(join(repo, "node_modules"), join(app, "node_modules"));
  // It has no /api/health: its page at / answers once it is up.
  return { root, app, persist: join(root, "state"), rev: "reference", dirty: false, health: { path: "/", mark: "<" } };
}

/** The reference copied from `path` and its dev server (not started yet). */
export async function referenceServer(repo, path) {
  const snap = referenceSnapshot(repo, resolve(path));
  return { snap, server: new DevServer(snap, await freePort(), {}) };
}

/** A private room: the reference hands out a fresh object id and stores nothing. */
export async function referenceRoom(base) {
  const res = await fetch(`${base}/api/room`, { method: "POST", signal: AbortSignal.timeout(30_000) });
  if (res.status !== 200) throw new Error(`reference: POST /api/room answered ${res.status}`);
  return { id: await res.text() };
}

/** Members for the reference: a name is all it knows of a user. */
export const referenceUsers = (count) => Array.from({ length: count }, (_, i) => ({ username: `bench_${String(i).padStart(4, "0")}` }));

export class ReferenceClient extends RoomClient {
  /** `pad`: characters added to every message's content (inside the reference's 256), so its
   * frames can be made as large as Parlor's (the profiler's --reference-pad). */
  constructor({ pad = 0, ...opts }) {
    super({ ...opts, ackOnEcho: true });
    this.pad = pad > 0 ? ` ${"x".repeat(pad)}` : "";
  }

  usePort(port) {
    this.url = `ws://127.0.0.1:${port}/api/room/${this.roomId}/websocket`;
  }

  helloFrame() {
    return JSON.stringify({ name: this.user.username });
  }

  isReady(frame) {
    return frame.ready === true;
  }

  /** The clientId travels at the end of the content (stampContent), the only field it echoes. */
  sendFrame(_clientId, content) {
    if (this.pad) {
      const id = content.lastIndexOf(" ");
      content = `${content.slice(0, id)}${this.pad}${content.slice(id)}`;
    }
    return JSON.stringify({ message: content });
  }

  handle(frame) {
    // Frames with a type are the adapter's own translations (and the ack an echo stands for).
    if (frame.type !== undefined) super.handle(frame);
    else if (frame.error !== undefined) {
      super.handle({ type: "error", code: "reference", message: String(frame.error).split("\n")[0] });
    } else if (typeof frame.message === "string" && frame.timestamp !== undefined) {
      const clientId = frame.message.slice(frame.message.lastIndexOf(" ") + 1);
      super.handle({ type: "message", message: { seq: frame.timestamp, clientId, content: frame.message } });
    }
    // {joined}, {quit}: presence, not counted.
  }
}
