// How Markdown in a bubble is laid out, measured in Chromium at desktop (1280×800) and phone
// (390×844) sizes: lines typed with Shift+Enter stay on lines of their own; a table keeps every
// word and number whole in its cells and, when wider than the bubble, scrolls sideways inside
// it; long unbroken text in a paragraph (a URL, a long word) still wraps inside the bubble; and
// neither the page nor the log ever scrolls sideways.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, live, post, seed, shot } from "./support";

const baseURL = inject("baseURL");
let browser: Browser;
let session: { token: string; user: unknown };
let roomId = "";

const ORDER = [
  "| Name | Qty | Price | Total | Category | Notes |",
  "|:--|--:|--:|--:|:--|:--|",
  "| Trail mix | 3 | 1.50 | 4.50 | Snacks | Ships in 2 days |",
  "| Headlamp | 1 | 24.99 | 24.99 | Equipment | Batteries included |",
  "| Water filter | 2 | 1,234.95 | 2,469.90 | Equipment | Backordered until 2025-07-14 |",
].join("\n");
const WEEK = [
  `| ${["Week", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Distance"].join(" | ")} |`,
  `|${"---|".repeat(9)}`,
  `| ${["First", "Rest", "Hills", "Intervals", "Recovery", "Rest", "Long run", "Cross-training", "42.195 km"].join(" | ")} |`,
].join("\n");
/** Arabic with an English word in it, ending in a full stop, long enough to wrap on a phone. */
const ARABIC = "مرحبا بالجميع، هذا نص عربي طويل فيه كلمة English واحدة، ويكفي طوله ليلتف على سطرين في الهاتف.";
const URL_TEXT = `Details at https://trails.example.com/${"switchback-".repeat(14)}end and ${"Pneumonoultramicroscopic".repeat(3)} too.`;

beforeAll(async () => {
  browser = await launch();
  session = await post(baseURL, "/auth/register", {
    username: `md_${Date.now().toString(36)}`,
    password: "correct horse battery",
    displayName: "Mo Tester",
  });
  const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Gear list" }, session.token);
  roomId = room.id;
  await seed(baseURL, roomId, session.token, [`The order:\n\n${ORDER}`, `The plan:\n\n${WEEK}`, ARABIC, URL_TEXT]);
});

afterAll(async () => {
  await browser?.close();
});

type Box = { top: number; bottom: number; left: number; rows: number };

/** How far the page, the main pane and the log could scroll sideways (all must be 0). */
function sideways(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [document.scrollingElement, document.querySelector("main.main"), document.querySelector(".log")].map((el) =>
      el ? el.scrollWidth - el.clientWidth : -1,
    ),
  );
}

describe.each([
  { size: "desktop", width: 1280, height: 800 },
  { size: "phone", width: 390, height: 844 },
])("at $size size", ({ size, width, height }) => {
  let page: Page;
  beforeAll(async () => {
    const ctx = await browser.newContext({ baseURL, viewport: { width, height }, deviceScaleFactor: 1 });
    page = await ctx.newPage();
    await page.goto("/signin");
    await page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify(session));
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    await page.locator(".log .md-table").nth(1).waitFor();
    await page.evaluate(() => document.fonts.ready);
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it("shows lines typed with Shift+Enter one under another, in one paragraph", async () => {
    const composer = page.getByLabel("Message Gear list");
    const lines = [`first line ${size}`, "second line", "third line"];
    await composer.fill(lines[0] as string);
    for (const line of lines.slice(1)) {
      await composer.press("Shift+Enter");
      await composer.pressSequentially(line);
    }
    await composer.press("Enter");
    // The message as the room has it (a row with its seq), not the pending copy it replaces.
    const para = page.locator(".log .msg[data-seq] .bubble p", { hasText: lines[0] as string });
    await para.waitFor();
    // Where each typed line is drawn, wherever it sits among the paragraph's text nodes.
    const boxes = await para.evaluate(
      (p, want) =>
        want.map((line) => {
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const at = n.textContent?.indexOf(line) ?? -1;
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(n, at);
            range.setEnd(n, at + line.length);
            const rects = [...range.getClientRects()];
            const first = rects[0] as DOMRect;
            return {
              top: first.top,
              bottom: (rects.at(-1) as DOMRect).bottom,
              left: first.left,
              rows: new Set(rects.map((r) => Math.round(r.top))).size,
            };
          }
          return null;
        }),
      lines,
    );
    // Each on a line of its own, below the one before, all starting at the paragraph's left edge.
    expect(boxes.map((x) => x?.rows)).toEqual([1, 1, 1]);
    const [a, b, c] = boxes as [Box, Box, Box];
    expect(b.top).toBeGreaterThanOrEqual(a.bottom - 1);
    expect(c.top).toBeGreaterThanOrEqual(b.bottom - 1);
    expect(Math.abs(b.left - a.left)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.left - a.left)).toBeLessThanOrEqual(0.5);
    expect(await page.locator(".log .bubble p", { hasText: lines[0] as string }).count()).toBe(1);
  });

  it("keeps every word and number in a table cell whole, and scrolls a wide table inside its bubble", async () => {
    const tables = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>(".log .md-table")].map((wrap) => {
        // A word split over two lines has a box on each.
        const split: string[] = [];
        // A short cell wrapped onto lines of its own.
        const tall: string[] = [];
        for (const cell of wrap.querySelectorAll("th, td")) {
          const whole = document.createRange();
          whole.selectNodeContents(cell);
          const lines = new Set([...whole.getClientRects()].map((r) => Math.round(r.top))).size;
          if ((cell.textContent ?? "").length <= 32 && lines > 1) tall.push(cell.textContent ?? "");
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (const m of (n.textContent ?? "").matchAll(/\S+/g)) {
              const range = document.createRange();
              range.setStart(n, m.index);
              range.setEnd(n, m.index + m[0].length);
              const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
              if (tops.size > 1) split.push(m[0]);
            }
          }
        }
        const bubble = wrap.closest(".bubble") as HTMLElement;
        const log = document.querySelector(".log") as HTMLElement;
        const w = wrap.getBoundingClientRect();
        const b = bubble.getBoundingClientRect();
        const l = log.getBoundingClientRect();
        const before = wrap.scrollLeft;
        wrap.scrollLeft = 10_000;
        const scrolled = wrap.scrollLeft - before;
        wrap.scrollLeft = 0;
        return {
          split,
          tall,
          overflow: wrap.scrollWidth - wrap.clientWidth,
          scrolled,
          wrapInBubble: w.left >= b.left - 0.5 && w.right <= b.right + 0.5,
          bubbleInLog: b.left >= l.left - 0.5 && b.right <= l.right + 0.5,
        };
      }),
    );
    expect(tables).toHaveLength(2);
    for (const t of tables) {
      expect(t.split).toEqual([]);
      expect(t.tall).toEqual([]);
      expect(t.wrapInBubble).toBe(true);
      expect(t.bubbleInLog).toBe(true);
      // What does not fit scrolls, all the way to the table's end.
      expect(t.scrolled).toBe(t.overflow);
    }
    // The week's nine columns are wider than any bubble: they scroll.
    expect(tables[1]?.overflow).toBeGreaterThan(20);
    if (size === "phone") expect(tables[0]?.overflow).toBeGreaterThan(20);
    expect(await sideways(page)).toEqual([0, 0, 0]);
    await page.locator(".log .md-table").first().scrollIntoViewIfNeeded();
    await shot(page, `markdown-tables-${size}`);
  });

  it("still wraps a long URL and a long word in a paragraph inside the bubble", async () => {
    const p = page.locator(".log .bubble p", { hasText: "Details at" });
    const m = await p.evaluate((el) => {
      const bubble = el.closest(".bubble") as HTMLElement;
      const link = el.querySelector("a") as HTMLElement;
      const b = bubble.getBoundingClientRect();
      const l = (document.querySelector(".log") as HTMLElement).getBoundingClientRect();
      return {
        overflow: el.scrollWidth - el.clientWidth,
        linkLines: new Set([...link.getClientRects()].map((r) => Math.round(r.top))).size,
        lines: Math.round(el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight)),
        bubbleInLog: b.left >= l.left - 0.5 && b.right <= l.right + 0.5,
      };
    });
    expect(m.overflow).toBe(0);
    expect(m.linkLines).toBeGreaterThan(1);
    expect(m.lines).toBeGreaterThan(2);
    expect(m.bubbleInLog).toBe(true);
    expect(await sideways(page)).toEqual([0, 0, 0]);
  });

  it("lays an Arabic message out right to left: its last line starts at the right, and the full stop ends it on the left", async () => {
    const p = page.locator(".log .bubble p", { hasText: "English" });
    const m = await p.evaluate((el) => {
      const text = el.firstChild as Text;
      const range = document.createRange();
      const rectsOf = (from: number, to: number) => {
        range.setStart(text, from);
        range.setEnd(text, to);
        return [...range.getClientRects()];
      };
      const all = rectsOf(0, text.length);
      const box = el.getBoundingClientRect();
      const lastLine = all.filter((r) => Math.abs(r.top - (all.at(-1) as DOMRect).top) < 2);
      const stop = rectsOf(text.length - 1, text.length)[0] as DOMRect;
      return {
        direction: getComputedStyle(el).direction,
        lastLineFromRight: Math.abs(Math.max(...lastLine.map((r) => r.right)) - box.right) < 2,
        stopAtLeft: Math.abs(stop.left - Math.min(...lastLine.map((r) => r.left))) < 2,
      };
    });
    expect(m).toEqual({ direction: "rtl", lastLineFromRight: true, stopAtLeft: true });
  });
});
