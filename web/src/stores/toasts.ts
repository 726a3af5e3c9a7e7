// App-wide transient messages ("Room renamed", "Couldn't delete: …"). A singleton because any
// screen may raise one and the shell shows them in one live region.
import { createStore } from "solid-js/store";

export type Toast = { id: number; text: string; kind: "info" | "error" | "success" };

const [toasts, setToasts] = createStore<Toast[]>([]);
let nextId = 1;

export function toast(text: string, kind: Toast["kind"] = "info", ms = kind === "error" ? 6000 : 3500) {
  const id = nextId++;
  setToasts((list) => [...list.slice(-3), { id, text, kind }]);
  setTimeout(() => dismissToast(id), ms);
  return id;
}

export function dismissToast(id: number) {
  setToasts((list) => list.filter((t) => t.id !== id));
}

export { toasts };
