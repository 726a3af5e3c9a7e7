// Renders message text as sanitized Markdown. The DOM is built by markdown/render.ts from text
// nodes only; this component just swaps it in when the text changes (each streamed delta).
import { createEffect } from "solid-js";
import { renderMarkdown } from "../markdown/render";

export function Markdown(props: { text: string; class?: string }) {
  let ref!: HTMLDivElement;
  createEffect(() => ref.replaceChildren(renderMarkdown(props.text)));
  return <div ref={ref} class={`md ${props.class ?? ""}`} />;
}
