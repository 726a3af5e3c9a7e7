// A fenced code block in a message: the language and a Copy button above the code. The code
// is text first and coloured when its grammar has loaded (see highlight.ts); the block keeps
// its size either way.
import { grammarOf, highlightedNodes, loadGrammar } from "./highlight";

/** An element of our choosing, its text (if any) set as text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The Clipboard API needs a secure context and focus; fall back to a hidden textarea.
    const area = el("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;opacity:0;pointer-events:none";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand?.("copy") ?? false;
    area.remove();
    return ok;
  }
}

function copyButton(label: string, code: string): HTMLButtonElement {
  const button = el("button", "md-copy", "Copy");
  button.type = "button";
  button.setAttribute("aria-label", `Copy ${label} to clipboard`);
  button.addEventListener("click", async () => {
    const ok = await copyText(code);
    button.textContent = ok ? "Copied" : "Copy failed";
    button.classList.toggle("is-done", ok);
    setTimeout(() => {
      button.textContent = "Copy";
      button.classList.remove("is-done");
    }, 1500);
  });
  return button;
}

/** An info string worth showing: a short word like `ts` or `c++`, not arbitrary text. */
const LANG = /^[\w+#.-]{1,24}$/;

export function codeBlock(info: string | null | undefined, code: string): HTMLElement {
  const lang = info && LANG.test(info) ? info.toLowerCase() : "";
  const wrap = el("div", "md-pre");
  const bar = el("div", "md-pre-bar");
  bar.append(el("span", "md-pre-lang", lang || "code"), copyButton(lang || "code", code));
  const pre = el("pre");
  // A long line scrolls sideways; the region must be reachable by keyboard to scroll it.
  pre.tabIndex = 0;
  const codeEl = el("code");
  if (lang) codeEl.dataset.lang = lang;
  const grammar = grammarOf(lang);
  const nodes = highlightedNodes(code, grammar);
  if (nodes) codeEl.append(...nodes);
  else {
    codeEl.textContent = code;
    if (grammar)
      void loadGrammar(grammar).then((ok) => {
        const coloured = ok ? highlightedNodes(code, grammar) : null;
        if (coloured) codeEl.replaceChildren(...coloured);
      });
  }
  pre.appendChild(codeEl);
  wrap.append(bar, pre);
  return wrap;
}
