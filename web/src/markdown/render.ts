// Turns the Markdown tree into DOM nodes. Every piece of message text goes in through
// createTextNode/textContent, and every element and attribute is chosen here, so there is no
// path by which a message can inject markup: "escape everything first" taken to its end, since
// nothing is ever parsed as HTML. Links are http(s) only (checked in parse.ts) and open in a new
// tab without a referrer or opener. Code blocks get a language label and a Copy button.
import { highlight } from "./highlight";
import { type Block, type Inline, parseBlocks } from "./parse";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function inlines(parent: Node, list: Inline[]) {
  for (const n of list) {
    switch (n.t) {
      case "text":
        parent.appendChild(document.createTextNode(n.v));
        break;
      case "br":
        parent.appendChild(el("br"));
        break;
      case "code":
        parent.appendChild(el("code", "md-code", n.v));
        break;
      case "strong":
      case "em":
      case "del": {
        const node = el(n.t === "del" ? "s" : n.t);
        inlines(node, n.c);
        parent.appendChild(node);
        break;
      }
      case "link": {
        const a = el("a");
        a.href = n.href;
        a.target = "_blank";
        a.rel = "noopener noreferrer nofollow ugc";
        inlines(a, n.c);
        parent.appendChild(a);
        break;
      }
    }
  }
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context and focus; fall back to a hidden textarea.
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

function codeBlock(lang: string, code: string): HTMLElement {
  const wrap = el("div", "md-pre");
  const bar = el("div", "md-pre-bar");
  bar.appendChild(el("span", "md-pre-lang", lang || "code"));
  const button = el("button", "md-copy", "Copy");
  button.type = "button";
  button.setAttribute("aria-label", `Copy ${lang || "code"} to clipboard`);
  button.addEventListener("click", async () => {
    const ok = await copyText(code);
    button.textContent = ok ? "Copied" : "Copy failed";
    button.classList.toggle("is-done", ok);
    setTimeout(() => {
      button.textContent = "Copy";
      button.classList.remove("is-done");
    }, 1500);
  });
  bar.appendChild(button);
  const pre = el("pre");
  const codeEl = el("code");
  if (lang) codeEl.dataset.lang = lang;
  for (const tok of highlight(code, lang)) {
    codeEl.appendChild(tok.k === "plain" ? document.createTextNode(tok.v) : el("span", `tk-${tok.k}`, tok.v));
  }
  pre.appendChild(codeEl);
  pre.tabIndex = 0;
  wrap.append(bar, pre);
  return wrap;
}

function blocks(parent: Node, list: Block[], tight = false) {
  for (const b of list) {
    switch (b.t) {
      case "p":
        // A single paragraph inside a list item renders inline, like a "tight" list.
        if (tight && list.length === 1) inlines(parent, b.c);
        else {
          const p = el("p");
          inlines(p, b.c);
          parent.appendChild(p);
        }
        break;
      case "h": {
        // Headings in a message sit below the page's own h1/h2.
        const h = el(`h${Math.min(b.level + 2, 6)}` as "h3", `md-h md-h${Math.min(b.level, 3)}`);
        inlines(h, b.c);
        parent.appendChild(h);
        break;
      }
      case "code":
        parent.appendChild(codeBlock(b.lang, b.v));
        break;
      case "list": {
        const list = el(b.ordered ? "ol" : "ul");
        if (b.ordered && b.start !== 1) list.setAttribute("start", String(b.start));
        for (const item of b.items) {
          const li = el("li");
          blocks(li, item, true);
          list.appendChild(li);
        }
        parent.appendChild(list);
        break;
      }
      case "quote": {
        const q = el("blockquote");
        blocks(q, b.c);
        parent.appendChild(q);
        break;
      }
      case "hr":
        parent.appendChild(el("hr"));
        break;
    }
  }
}

export function renderMarkdown(src: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  blocks(frag, parseBlocks(src));
  return frag;
}
