// Changes to messages already in the room: editing your own, deleting (yours, or any as the
// room's owner), choosing which version of an AI reply everyone sees, and stopping or
// regenerating a reply. They go over the
// room's socket; the room answers everyone with `message_updated`, which the message store
// applies like any new version of a message, and numbers each change. The last number seen is
// sent as `hello {afterChange}` on every reconnect, so what changed while away comes too.
import { isBlank } from "../../../shared/text";
import type { ClientFrame } from "../../../shared/wire";

type ChangeFrame = Extract<ClientFrame, { type: "edit" | "delete" | "select_version" | "stop" | "regenerate" }>;

/** How long a stop or regenerate just sent makes another of the same one a repeat. */
const ASKED_MS = 2000;

export function createRoomChanges(deps: { send: (frame: ChangeFrame) => boolean; offline: () => void }) {
  let lastChange: number | undefined;
  /** Sends `frame`; false, with the reader told, if it could not go (offline, reconnecting). */
  const change = (frame: ChangeFrame) => {
    if (deps.send(frame)) return true;
    deps.offline();
    return false;
  };
  /** Stops and regenerates sent in the last ASKED_MS, as "kind seq". */
  const asked = new Set<string>();
  return {
    /** The last change number seen, for `hello`; undefined before the first `ready`. */
    last: () => lastChange,
    /** A `ready` or `message_updated` frame's change number. */
    saw(n: number | undefined) {
      if (typeof n === "number") lastChange = Math.max(lastChange ?? 0, n);
    },
    /** Your new text for one of your messages; false if it could not be sent (the editor then
     * keeps it, to save again once the room is back). */
    edit(seq: number, content: string): boolean {
      const text = content.trim();
      return isBlank(text) || change({ type: "edit", seq, content: text });
    },
    remove: (seq: number) => change({ type: "delete", seq }),
    /** Shows version `version` (1-based) of an AI reply, to everyone in the room. */
    selectVersion: (seq: number, version: number) => change({ type: "select_version", seq, version }),
    /** Stops an AI reply, or writes it again. A second click before the room answered the first
     * (a double click) is the same request: it is not sent again. */
    control(kind: "stop" | "regenerate", seq: number) {
      const key = `${kind} ${seq}`;
      if (asked.has(key)) return;
      if (!deps.send({ type: kind, seq })) return deps.offline();
      asked.add(key);
      setTimeout(() => asked.delete(key), ASKED_MS);
    },
  };
}
