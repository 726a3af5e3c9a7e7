// Names as long as the API allows, with no space to break at: a 64-character display name, a
// 40-character AI character name and a description that is one long link. At desktop and phone
// sizes nothing may run off its box: the log never scrolls sideways, each message's @handle and
// time stay on screen and whole (the handle is what tells two same-named people apart), and
// room settings and the characters pages fit the screen with their buttons in reach.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, overlaps, post, shot } from "./support";

const baseURL = inject("baseURL");
const WAIT = { timeout: 20_000 };
const LONG_NAME = "Bartholomew".repeat(6).slice(0, 64);
const LONG_AI = "Archimedes".repeat(4);
let browser: Browser;
type Account = { token: string; user: { username: string } };
let owner: Account;
let viewer: Account;
let roomId = "";
let characterId = "";

const SIZES = [
  { name: "desktop", viewport: { width: 1366, height: 850 } },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

/** The pages the running test opened, with what their consoles said: shown if it fails. */
const opened: { page: Page; said: string[] }[] = [];

async function openAs(who: Account, size: (typeof SIZES)[number], path: string): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.hasTouch });
  await ctx.addInitScript((s) => localStorage.setItem("parlor.session", s), JSON.stringify(who));
  const page = await ctx.newPage();
  const said: string[] = [];
  page.on("console", (m) => void said.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => void said.push(`pageerror: ${e.message}`));
  opened.push({ page, said });
  await page.goto(path);
  return page;
}

/** Elements matching `selector` whose box reaches past `within`'s, or past the window. */

function outside(page: Page, selector: string, within: string) {
  return page.evaluate(
    ({ sel, box }) => {
      const outer = document.querySelector(box)?.getBoundingClientRect();
      if (!outer) return ["no box"];
      const right = Math.min(outer.right, window.innerWidth) + 0.5;
      return [...document.querySelectorAll<HTMLElement>(sel)]
        .filter((el) => el.getBoundingClientRect().right > right || el.getBoundingClientRect().left < outer.left - 0.5)
        .map((el) => `${el.className}: ${el.textContent?.slice(0, 20)} right=${el.getBoundingClientRect().right}`);
    },
    { sel: selector, box: within },
  );
}

/** How far the element's content reaches past its own width (0 when it fits). */
const overflowX = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector<HTMLElement>(sel);
    return el ? el.scrollWidth - el.clientWidth : -1;
  }, selector);

afterEach(async ({ task }) => {
  if (task.result?.state === "fail")
    for (const [i, { page, said }] of opened.entries()) {
      await shot(page, `FAILED-${task.name.replace(/\W+/g, "-").slice(0, 40)}-${i}`).catch(() => {});
      console.log(`page ${i} at ${page.isClosed() ? "(closed)" : page.url()}:\n${said.join("\n")}`);
    }
  opened.length = 0;
});

beforeAll(async () => {
  browser = await launch();
  owner = await post(baseURL, "/auth/register", {
    username: `long_${Date.now().toString(36)}`,
    password: "correct horse battery",
    displayName: LONG_NAME,
  });
  viewer = await post(baseURL, "/auth/register", {
    username: `view_${Date.now().toString(36)}`,
    password: "correct horse battery",
    displayName: "Val",
  });
  const { character } = await post<{ character: { id: string } }>(
    baseURL,
    "/characters",
    {
      name: LONG_AI,
      systemPrompt: "You answer briefly.",
      description: `See https://example.com/${"very-long-path-segment-".repeat(8)}end for what I know.`,
    },
    owner.token,
  );
  characterId = character.id;
  const { room } = await post<{ room: { id: string } }>(
    baseURL,
    "/rooms",
    { title: "Names", characterId, members: [viewer.user.username] },
    owner.token,
  );
  roomId = room.id;
  await post(baseURL, `/rooms/${roomId}/messages?wait=true`, { content: "Hello there" }, owner.token);
});

afterAll(async () => {
  await browser?.close();
});

describe("a room named in another script", () => {
  it("exports to a file named in that script", async () => {
    const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Планы на выходные" }, owner.token);
    const page = await openAs(owner, SIZES[0] as (typeof SIZES)[number], `/rooms/${room.id}/settings`);
    const saved = page.waitForEvent("download");
    await page.getByRole("button", { name: "Markdown" }).click();
    expect((await saved).suggestedFilename()).toBe("parlor-планы-на-выходные.md");
    await page.context().close();
  });
});

describe.each(SIZES)("very long names at $name size", (size) => {
  it("keep the log from scrolling sideways, with every handle and time on screen and whole", async () => {
    // Seen by someone else, so the author's name, handle and time are all shown.
    const page = await openAs(viewer, size, `/rooms/${roomId}`);
    await page.locator(".msg-handle").first().waitFor(WAIT);
    await page.locator(".msg-tag").first().waitFor(WAIT);
    await shot(page, `long-names-room-${size.name}`);
    expect(await overflowX(page, ".log")).toBeLessThanOrEqual(0);
    // Your own handle in the sidebar's footer is whole too (it was cut at about ten characters).
    expect(await overflowX(page, ".me-handle")).toBeLessThanOrEqual(0);
    // On one line (it broke into three at desktop size), clear of the footer's buttons. (A phone
    // shows the room without the list.)
    if (size.name === "desktop") {
      const handle = await page.locator(".me-handle").boundingBox();
      expect(handle?.height).toBeLessThan(20);
      const buttons = await page
        .locator(".sidebar-foot .icon-btn")
        .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON()));
      expect(buttons.length).toBeGreaterThanOrEqual(3);
      for (const b of buttons) expect(overlaps(handle, b), JSON.stringify(b)).toBe(false);
    }
    expect(await outside(page, ".msg-head > *", ".log")).toEqual([]);
    for (const box of await page
      .locator(".msg-handle, .msg-time, .msg-tag")
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height)))
      expect(box).toBeLessThan(24);
    await page.context().close();
  });

  it("leave a search hit room to show what matched", async () => {
    const page = await openAs(viewer, size, "/");
    await page.getByPlaceholder("Search").fill("there");
    const hits = page.getByRole("list", { name: "Matching messages" }).locator(".hit-text");
    await hits.first().locator("mark").waitFor(WAIT);
    // Hello from the owner and the AI's reply quoting it, both by long names: each hit shows
    // its match inside its two lines, not cut off below them, and the name cut instead.
    // All of them at one moment (the list may be drawn again meanwhile).
    const shown = await hits.evaluateAll((els) =>
      els.map((el) => {
        const text = el.getBoundingClientRect();
        const mark = el.querySelector("mark")?.getBoundingClientRect();
        return { below: mark ? mark.bottom - text.bottom : Number.NaN, name: el.querySelector("strong")?.textContent ?? "" };
      }),
    );
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const hit of shown) {
      expect(hit.below).toBeLessThanOrEqual(1);
      expect(hit.name).toMatch(/^\w{1,23}…:$/);
    }
    // Opened, in this room that fits on the screen, the hit is the latest: nothing to jump to.
    await hits.last().click();
    await page.locator(".msg.is-target").waitFor(WAIT);
    await page.waitForTimeout(500);
    expect(await page.getByRole("button", { name: /Jump to latest|newer message/ }).count()).toBe(0);
    await page.context().close();
  });

  it("fit room settings and the characters pages on the screen, buttons in reach", async () => {
    const settings = await openAs(viewer, size, `/rooms/${roomId}/settings`);
    await settings.getByRole("button", { name: "Save changes" }).waitFor(WAIT);
    await shot(settings, `long-names-settings-${size.name}`);
    expect(await overflowX(settings, ".page")).toBeLessThanOrEqual(0);
    expect(await outside(settings, ".member-name, .member-handle, .page .btn", ".page")).toEqual([]);
    await settings.context().close();

    const list = await openAs(owner, size, "/characters");
    await list
      .locator(".character-card")
      .filter({ hasText: LONG_AI.slice(0, 20) })
      .waitFor(WAIT);
    await shot(list, `long-names-characters-${size.name}`);
    expect(await overflowX(list, ".page")).toBeLessThanOrEqual(0);
    expect(await outside(list, ".character-card *", ".page")).toEqual([]);
    await list.goto(`/characters/${characterId}`);
    await list.getByRole("heading", { level: 1 }).waitFor(WAIT);
    expect(await outside(list, ".page-head h1", ".page")).toEqual([]);
    await list.context().close();
  });
});
