// The pooled AI keys as configured (GEMINI_API_KEYS): a comma-separated list in which an entry
// written `project:key` puts the key in a project group, because the provider counts its limits
// per project, so keys of one project share one counter and one cooldown in the KeyPool; a bare
// key is a group of its own. Key ids are short hashes, so logs and RPC calls never carry a key.

export interface KeyEntry {
  /** Stable, non-secret id ("k" + hash of the key), used in RPC calls and logs. */
  id: string;
  key: string;
  /** Google project the key belongs to, as written in GEMINI_API_KEYS; null when not given. */
  project: string | null;
  /** What the counters are shared by: the project, or the key alone. */
  group: string;
}

/** Splits GEMINI_API_KEYS ("k1,proj:k2,proj:k3") into entries; blanks and repeats are dropped. */
export function parseKeys(raw: string | undefined): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const seenKeys = new Set<string>();
  const seenIds = new Set<string>();
  for (const item of (raw ?? "").split(",")) {
    const trimmed = item.trim();
    if (!trimmed) continue;
    // Gemini keys never contain ':', so the first one separates the project name.
    const colon = trimmed.indexOf(":");
    const project = colon > 0 ? trimmed.slice(0, colon).trim() : null;
    const key = colon >= 0 ? trimmed.slice(colon + 1).trim() : trimmed;
    if (!key || seenKeys.has(key)) continue;
    seenKeys.add(key);
    let id = `k${fnv1a(key)}`;
    for (let n = 2; seenIds.has(id); n++) id = `k${fnv1a(key)}-${n}`;
    seenIds.add(id);
    entries.push({ id, key, project, group: project ? `project:${project}` : `key:${id}` });
  }
  return entries;
}

/** FNV-1a, 32 bits: a short stable id that reveals nothing usable about the key. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
