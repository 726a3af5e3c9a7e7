// What the server takes, as GET /api/me says (the signed-in shell reads it once): checked before
// sending, so a file too large is refused at once rather than after its whole upload. Unknown
// until then (offline, say): the server's answer decides.
import { createSignal } from "solid-js";

const [limits, setLimits] = createSignal<{ attachmentBytes: number }>();

export { limits, setLimits };
