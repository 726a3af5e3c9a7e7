// Renders message text as Markdown. The DOM is built from the syntax tree by
// markdown/render.ts (text nodes only); while a reply streams, its half-written syntax is
// settled first (markdown/streaming.ts) so the bubble does not flicker as chunks arrive, and
// only the block that changed is rebuilt. `streaming` means the text may end mid-syntax: a
// reply streaming in, or one stopped or failed part-way, which stays as it looked.
import { createEffect } from "solid-js";
import { type BlockCache, renderInto } from "../markdown/render";
import { stabilize } from "../markdown/streaming";

export function Markdown(props: { text: string; streaming?: boolean; class?: string }) {
  let ref!: HTMLDivElement;
  let cache: BlockCache = [];
  createEffect(() => {
    cache = renderInto(ref, props.streaming ? stabilize(props.text) : props.text, cache);
  });
  return <div ref={ref} class={`md ${props.class ?? ""}`} />;
}
