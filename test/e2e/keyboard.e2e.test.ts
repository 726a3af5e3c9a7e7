// What a person who does not use a mouse, reads with large text or asks for less motion meets:
// the skip link moves the focus (desktop and phone), arriving on a screen puts the focus on its
// title (after signing up, from a sidebar link, "Back to rooms" on a phone), the whole app
// grows with the browser's text size, and with reduced motion nothing keeps moving.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, live, type Person, person, post, recordFailure, shot, signUp, tokenOf } from "./support";

const baseURL = inject("baseURL");
let browser: Browser;
let ada: Person;
let room: string;

/** What has the focus: its tag, and its accessible text (a heading's words, a link's label). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}: ${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim()}` : "";
  });

beforeAll(async () => {
  browser = await launch();
  ada = await person(browser, baseURL, "Ada Lovelace", { width: 1280, height: 800 });
});
afterEach(({ task }) => recordFailure(task, [ada]));
afterAll(async () => {
  await browser?.close();
});

describe("keyboard, large text and reduced motion", () => {
  it("starts a new account's focus at the welcome, and the skip link takes it to the main part", async () => {
    await signUp(ada);
    await expect.poll(() => focused(ada.page)).toBe("h1: Welcome to Parlor");
    // Loaded afresh, the focus is left where the browser starts: the first Tab is the skip link.
    await ada.page.reload();
    await ada.page.getByRole("heading", { name: "Welcome to Parlor" }).waitFor();
    expect(await focused(ada.page)).toMatch(/^body: /);
    await ada.page.keyboard.press("Tab");
    expect(await focused(ada.page)).toBe("a: Skip to content");
    await ada.page.keyboard.press("Enter");
    expect(await focused(ada.page)).toMatch(/^main: /);
    expect(new URL(ada.page.url()).pathname).toBe("/");
    // The next Tab is inside the main part, not back at the sidebar's first link.
    await ada.page.keyboard.press("Tab");
    expect(await ada.page.evaluate(() => !!document.activeElement?.closest("main#main"))).toBe(true);
  });

  it("moves the focus to the screen a sidebar link opens", async () => {
    await ada.page.getByRole("link", { name: "Account and sessions" }).focus();
    await ada.page.keyboard.press("Enter");
    await ada.page.waitForURL((u) => u.pathname === "/account");
    await expect.poll(() => focused(ada.page)).toMatch(/^h1: /);
    await ada.page.getByRole("link", { name: "AI characters" }).focus();
    await ada.page.keyboard.press("Enter");
    await ada.page.waitForURL((u) => u.pathname === "/characters");
    await expect.poll(() => focused(ada.page)).toMatch(/^h1: /);
  });

  it("grows every text with the browser's text size, messages and fields included", async () => {
    const token = await tokenOf(ada.page);
    room = (await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Large print" }, token)).room.id;
    await post(baseURL, `/rooms/${room}/messages`, { content: "Readable at any size" }, token);
    await ada.page.goto(`/rooms/${room}`);
    await live(ada.page);
    const sizes = () =>
      ada.page.evaluate(() => {
        const px = (sel: string) => Number.parseFloat(getComputedStyle(document.querySelector(sel) as Element).fontSize);
        return { message: px(".msg .bubble"), composer: px("textarea"), search: px("#room-search"), heading: px("h1") };
      });
    const normal = await sizes();
    // The browser's own text size setting, doubled (Chromium's "Font size", 16 → 32 px).
    const cdp = await ada.ctx.newCDPSession(ada.page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32, fixed: 26 } });
    const large = await sizes();
    await shot(ada.page, "text-200-room");
    for (const key of Object.keys(normal) as (keyof typeof normal)[]) expect(large[key], key).toBeCloseTo(normal[key] * 2, 0);
    // The skip link, taller now, is still wholly above the page until it has the focus.
    const skip = await ada.page.locator(".skip-link").boundingBox();
    expect((skip?.y ?? 0) + (skip?.height ?? 1)).toBeLessThanOrEqual(0);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 16, fixed: 13 } });
    await cdp.detach();
  });

  it("stops every endless animation when reduced motion is asked for", async () => {
    await ada.page.emulateMedia({ reducedMotion: "reduce" });
    await ada.page.goto(`/rooms/${room}`);
    await live(ada.page);
    // Offline, the connection's dot pulses while it waits for the network.
    await ada.ctx.setOffline(true);
    try {
      const dot = ada.page.locator(".conn-reconnecting .conn-dot");
      await dot.waitFor({ timeout: 20_000 });
      expect(await dot.evaluate((el) => getComputedStyle(el).animationName)).toBe("pulse");
      // It runs once, at once, and is still: nothing on the page loops.
      await ada.page.waitForTimeout(100);
      const endless = await ada.page.evaluate(
        () => document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations === Number.POSITIVE_INFINITY).length,
      );
      expect(endless).toBe(0);
      expect(await dot.evaluate((el) => el.getAnimations().length)).toBe(0);
    } finally {
      await ada.ctx.setOffline(false);
      await ada.page.emulateMedia({ reducedMotion: "no-preference" });
    }
  });

  it("on a phone, puts the focus on the room list's title after Back to rooms, and skips to the list", async () => {
    const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await phone.newPage();
    await page.goto("/signin");
    await page.evaluate(
      (s) => localStorage.setItem("parlor.session", s),
      await ada.page.evaluate(() => localStorage.getItem("parlor.session") ?? ""),
    );
    await page.goto(`/rooms/${room}`);
    await live(page);
    await page.getByRole("link", { name: "Back to rooms" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === "/");
    await expect.poll(() => focused(page)).toBe("h1: Your rooms");
    // Loaded afresh, the first Tab reaches the skip link, which goes to the list: the page's main part.
    await page.reload();
    await page.getByRole("link", { name: /Large print/ }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("a: Skip to content");
    await page.keyboard.press("Enter");
    expect(await focused(page)).toMatch(/^main: /);
    expect(await page.evaluate(() => document.activeElement?.classList.contains("sidebar"))).toBe(true);
    await phone.close();
  });
});
