// Reading a Solid resource normally suspends while it loads and throws if it failed; screens
// here show their own skeletons and error messages instead, so they read it through this.
import type { Resource } from "solid-js";

export function settled<T>(r: Resource<T>): () => T | undefined {
  return () => (r.state === "ready" || r.state === "refreshing" ? r.latest : undefined);
}
