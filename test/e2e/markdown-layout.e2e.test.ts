// How Markdown in a bubble is laid out, measured in Chromium at desktop (1280×800) and phone
// (390×844) sizes: lines typed with Shift+Enter stay on lines of their own.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, live, post, seed } from "./support";

const baseURL = inject("baseURL");
let browser: Browser;
let session: { token: string; user: unknown };
let roomId = "";

beforeAll(async () => {
  browser = await launch();
  session = await post(baseURL, "/auth/register", {
    username: `md_${Date.now().toString(36)}`,
    password: "correct horse battery",
    displayName: "Mo Tester",
  });
  const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Gear list" }, session.token);
  roomId = room.id;
  await seed(baseURL, roomId, session.token, ["Lines typed on their own stay on their own:"]);
});

afterAll(async () => {
  await browser?.close();
});

type Box = { top: number; bottom: number; left: number; rows: number };

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
    await page.locator(".log .bubble p").first().waitFor();
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
});
