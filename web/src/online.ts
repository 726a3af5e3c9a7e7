// Whether the device says it is online, as a signal for the calling component's lifetime.
import { createSignal, onCleanup } from "solid-js";

export function createOnline() {
  const [online, setOnline] = createSignal(globalThis.navigator?.onLine !== false);
  const track = () => setOnline(navigator.onLine !== false);
  globalThis.addEventListener?.("online", track);
  globalThis.addEventListener?.("offline", track);
  onCleanup(() => {
    globalThis.removeEventListener?.("online", track);
    globalThis.removeEventListener?.("offline", track);
  });
  return online;
}
