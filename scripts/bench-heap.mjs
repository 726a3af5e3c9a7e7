// `npm run bench:profile -- --heap`: what the isolate's live heap holds after a full
// collection, from a V8 heap snapshot taken through the inspector. Groups the snapshot's
// objects by constructor (strings, code, arrays and V8's own objects each in one group) and
// prints each group's count and self size, largest first. Self sizes, not retained ones: a
// group says what kind of object fills the heap, not who keeps it.

/** Takes a snapshot after a full collection; returns it parsed. `inspector` is the profiler's
 * DevTools Protocol client (`call`, and `on` for events). */
export async function takeHeapSnapshot(inspector) {
  const chunks = [];
  inspector.on("HeapProfiler.addHeapSnapshotChunk", ({ chunk }) => chunks.push(chunk));
  await inspector.call("HeapProfiler.enable");
  await inspector.call("HeapProfiler.collectGarbage");
  await inspector.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  if (chunks.length === 0) throw new Error("the inspector sent no heap snapshot");
  return JSON.parse(chunks.join(""));
}

/** The `top` largest groups of a parsed snapshot, and the whole heap's size, as text. */
export function summarizeHeap(snapshot, top) {
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const types = nodeTypes[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const groups = new Map();
  let total = 0;
  let objects = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]];
    const size = snapshot.nodes[i + sizeAt];
    const key = groupOf(type, snapshot.strings[snapshot.nodes[i + nameAt]]);
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count++;
    g.size += size;
    groups.set(key, g);
    total += size;
    objects++;
  }
  const mb = (b) => (b / 1e6).toFixed(2);
  const rows = [...groups.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top);
  return [
    `live heap after a full collection: ${mb(total)} MB in ${objects.toLocaleString("en-US")} objects`,
    ...rows.map(([key, g]) => `${mb(g.size).padStart(8)} MB ${String(g.count).padStart(9)}  ${key}`),
  ].join("\n");
}

function groupOf(type, name) {
  if (type === "string" || type === "concatenated string" || type === "sliced string") return "(strings)";
  if (type === "object" || type === "closure" || type === "native")
    return `${name || "(anonymous)"}${type === "closure" ? " (closure)" : ""}`;
  return `(${type}${type === "array" || type === "hidden" ? `: ${name.slice(0, 40)}` : ""})`;
}
