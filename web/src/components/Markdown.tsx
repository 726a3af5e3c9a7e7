// Renders message text as Markdown. The DOM is built from the syntax tree by
// markdown/render.ts (text nodes only); while a reply streams, its half-written syntax is
// settled first (markdown/streaming.ts) so the bubble does not flicker as chunks arrive, and
// only the block that changed is rebuilt. In a room, @mentions of its people and character are
// marked (RoomPeople). `streaming` means the text may end mid-syntax: a
// reply streaming in, or one stopped or failed part-way, which stays as it looked.
import { createEffect, useContext } from "solid-js";
import { type BlockCache, renderInto } from "../markdown/render";
import { stabilize } from "../markdown/streaming";
import { RoomPeople } from "../mentions";

/** `namesMe`: told after each render whether the text marks a mention of you (in running
 * text: not one in code or a link). */
export function Markdown(props: { text: string; streaming?: boolean; class?: string; namesMe?: (yes: boolean) => void }) {
  let ref!: HTMLDivElement;
  let cache: BlockCache = [];
  let mentionKey: string | undefined;
  const people = useContext(RoomPeople);
  createEffect(() => {
    const style = people?.style();
    // The room's names changed (its character, who is in it): every block may differ.
    if (style?.key !== mentionKey) cache = [];
    mentionKey = style?.key;
    cache = renderInto(ref, props.streaming ? stabilize(props.text) : props.text, cache, style);
    props.namesMe?.(!!style?.me && ref.querySelector(".md-mention.is-me") !== null);
  });
  return <div ref={ref} class={`md ${props.class ?? ""}`} />;
}
