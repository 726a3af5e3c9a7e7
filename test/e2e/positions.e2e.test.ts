// Where things are on screen, not only that they exist, at desktop (1366×850) and phone
// (390×844) sizes: a room of mixed-height messages (long paragraphs, code, tables) opens with
// its newest message in view and stays there while the bubbles settle, after a reload too; a
// wheel over the header or the composer moves only the message list, and neither the page nor
// the main pane ever scrolls; a reader who scrolled up stays put when a message arrives; a
// message stays still while its editor opens (the newest one's editor comes into view); a search hit opens its room at that message, highlighted, with
// older and newer history loading around it; a streaming reply stays in view as it grows.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, live, post, seed, shot, touchMisses } from "./support";

const baseURL = inject("baseURL");
const COUNT = 260;
const NEEDLE = 20;
let browser: Browser;
let session: { token: string; user: unknown };
let roomId = "";
let aiRoomId = "";

/** Message i: short, a long paragraph, a code block or a table, in turn. */
function content(i: number): string {
  const head = `Row ${i}.`;
  if (i === NEEDLE) return `${head} The zebracorn sighting was logged here.`;
  switch (i % 4) {
    case 1:
      return `${head} ${"A long paragraph that wraps over several lines to give this row some height. ".repeat(5)}`;
    case 2:
      return `${head}\n\`\`\`ts\nfunction row${i}(n: number) {\n  // doubles it\n  return n * 2;\n}\nconsole.log(row${i}(${i}));\n\`\`\``;
    case 3:
      return `${head}\n\n| Day | Miles | Climb |\n|:--|--:|--:|\n| Sat | ${i} | 300 ft |\n| Sun | ${i + 1} | 450 ft |`;
    default:
      return head;
  }
}

beforeAll(async () => {
  browser = await launch();
  session = await post(baseURL, "/auth/register", {
    username: `pos_${Date.now().toString(36)}`,
    password: "correct horse battery",
    displayName: "Pat Tester",
  });
  const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Trail journal" }, session.token);
  roomId = room.id;
  await seed(
    baseURL,
    roomId,
    session.token,
    Array.from({ length: COUNT }, (_, k) => content(k + 1)),
  );
  // An AI room that answers only when mentioned, so its history can be seeded without replies.
  const ai = await post<{ room: { id: string } }>(
    baseURL,
    "/rooms",
    { title: "Ask about trails", characterId: "assistant", aiMode: "mention" },
    session.token,
  );
  aiRoomId = ai.room.id;
  await seed(
    baseURL,
    aiRoomId,
    session.token,
    // Not the rows around NEEDLE: the search below must find one message only.
    Array.from({ length: 40 }, (_, k) => content(k + 101)),
  );
});

afterAll(async () => {
  await browser?.close();
});

/** The seq of the last message whose row begins above the bottom of the log's box. */
function seqOnScreen(page: Page): Promise<number> {
  return page.evaluate(() => {
    const bottom = document.querySelector(".log")?.getBoundingClientRect().bottom ?? 0;
    const rows = [...document.querySelectorAll<HTMLElement>(".msg[data-seq]")].filter((r) => r.getBoundingClientRect().top < bottom);
    return Number(rows.at(-1)?.dataset.seq);
  });
}

type Geometry = { top: number; bottom: number; logTop: number; logBottom: number; fromBottom: number; page: number; main: number };

/** Where a row is relative to the log's visible box, how far the log is from its bottom, and
 * how far the page and the main pane have scrolled (both must stay 0). */
function geometry(page: Page, selector: string): Promise<Geometry | null> {
  return page.evaluate((sel) => {
    const log = document.querySelector<HTMLElement>(".log");
    const row = document.querySelector<HTMLElement>(sel);
    if (!log || !row) return null;
    const box = log.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    return {
      top: r.top,
      bottom: r.bottom,
      logTop: box.top,
      logBottom: box.bottom,
      fromBottom: log.scrollHeight - log.scrollTop - log.clientHeight,
      page: document.scrollingElement?.scrollTop ?? 0,
      main: document.querySelector<HTMLElement>("main.main")?.scrollTop ?? 0,
    };
  }, selector);
}

/** The first row at least partly in the log's view: its seq and its top on screen. */
function topRow(page: Page): Promise<{ seq: string; top: number }> {
  return page.evaluate(() => {
    const logTop = (document.querySelector(".log") as HTMLElement).getBoundingClientRect().top;
    for (const el of document.querySelectorAll<HTMLElement>(".log [data-seq]")) {
      const r = el.getBoundingClientRect();
      if (r.bottom > logTop) return { seq: el.dataset.seq ?? "", top: r.top };
    }
    return { seq: "", top: 0 };
  });
}

async function expectNewestInView(page: Page, seq: number) {
  const g = await geometry(page, `[data-seq="${seq}"]`);
  expect(g, `row ${seq} rendered`).not.toBeNull();
  const { top, bottom, logTop, logBottom, fromBottom, page: pageScroll, main } = g as Geometry;
  expect(bottom).toBeLessThanOrEqual(logBottom + 1);
  expect(bottom).toBeGreaterThan(logTop);
  expect(top).toBeLessThan(logBottom);
  expect(fromBottom).toBeLessThanOrEqual(2);
  expect([pageScroll, main]).toEqual([0, 0]);
}

/** The same for a row still growing: a reply streaming in, or a room's rows laid out as it opens.
 * A change is laid out a moment before the log follows it (its ResizeObserver scrolls in the
 * same frame, before anything is painted), so a sample can land in between: the row must be seen
 * in view within a second. */
async function expectSoonInView(page: Page, seq: number) {
  for (let tries = 1; ; tries++) {
    try {
      return await expectNewestInView(page, seq);
    } catch (err) {
      if (tries >= 20) throw err;
      await page.waitForTimeout(50);
    }
  }
}

/** A room of the signed-in person's, titled `title`, holding `contents` as messages. */
async function seededRoom(title: string, contents: string[]): Promise<{ id: string }> {
  const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { title }, session.token);
  await seed(baseURL, room.id, session.token, contents);
  return room;
}

async function signedIn(width: number, height: number, touch = false): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL,
    viewport: { width, height },
    deviceScaleFactor: 1,
    ...(touch ? { hasTouch: true, isMobile: true } : {}),
  });
  const page = await ctx.newPage();
  await page.goto("/signin");
  await page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify(session));
  return page;
}

describe.each([
  { size: "desktop", width: 1366, height: 850 },
  { size: "phone", width: 390, height: 844 },
])("at $size size", ({ width, height }) => {
  let page: Page;
  beforeAll(async () => {
    page = await signedIn(width, height);
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it("opens a room of mixed-height messages at the newest, and keeps it there as they settle", async () => {
    await page.goto("/");
    await page.getByRole("link", { name: /Trail journal/ }).click();
    await live(page);
    await page.locator(`[data-seq="${COUNT}"]`).waitFor();
    await expectSoonInView(page, COUNT);
    // Code colours arrive with their grammar a moment later, and fonts settle: still at the end.
    await page.locator(".log .hljs-keyword").first().waitFor();
    await page.waitForTimeout(600);
    await expectNewestInView(page, COUNT);
    expect(await page.locator(".jump-latest").count()).toBe(0);
  });

  it("stays at the newest when the last row is laid out again, shorter for a moment, within one frame", async () => {
    await expectNewestInView(page, COUNT);
    // The row goes and comes back in one task, with a layout read in between: the browser clamps
    // the scroll position, and no ResizeObserver callback sees a change to follow.
    await page.evaluate((seq) => {
      const row = document.querySelector<HTMLElement>(`.log [data-seq="${seq}"]`) as HTMLElement;
      row.style.display = "none";
      void (document.querySelector(".log") as HTMLElement).scrollHeight;
      row.style.display = "";
    }, COUNT);
    await page.waitForTimeout(300);
    await expectNewestInView(page, COUNT);
  });

  it("opens at the newest again after a reload", async () => {
    await page.reload();
    await live(page);
    await page.locator(`[data-seq="${COUNT}"]`).waitFor();
    await page.locator(".log .hljs-keyword").first().waitFor();
    await page.waitForTimeout(600);
    await expectNewestInView(page, COUNT);
  });

  it("moves only the message list under a wheel over the header or the composer", async () => {
    const scrollTop = () => page.evaluate(() => document.querySelector(".log")?.scrollTop ?? 0);
    const start = await scrollTop();
    const head = await page.locator(".chat-head").boundingBox();
    await page.mouse.move((head?.x ?? 0) + 40, (head?.y ?? 0) + 20);
    await page.mouse.wheel(0, -600);
    await expect.poll(scrollTop).toBeLessThan(start - 300);
    const composer = await page.locator(".composer").boundingBox();
    await page.mouse.move((composer?.x ?? 0) + 60, (composer?.y ?? 0) + (composer?.height ?? 0) / 2);
    await page.mouse.wheel(0, 2000);
    await expect.poll(scrollTop).toBeGreaterThan(start - 5);
    const g = (await geometry(page, ".chat-head")) as Geometry;
    expect([g.page, g.main]).toEqual([0, 0]);
    // The header and the composer are still where they were.
    expect((await page.locator(".chat-head").boundingBox())?.y).toBe(head?.y);
    expect((await page.locator(".composer").boundingBox())?.y).toBe(composer?.y);
  });

  it("stays where the reader scrolled up to when someone's message arrives: after one wheel notch, after one scrollbar jump", async () => {
    const friend = await post<{ token: string; user: { username: string } }>(baseURL, "/auth/register", {
      username: `friend_${width}_${Date.now().toString(36)}`,
      password: "correct horse battery",
    });
    const { room } = await post<{ room: { id: string } }>(
      baseURL,
      "/rooms",
      { title: "Reading back", members: [friend.user.username] },
      session.token,
    );
    await seed(
      baseURL,
      room.id,
      session.token,
      // Not the rows around NEEDLE: the search below must find one message only.
      Array.from({ length: 60 }, (_, k) => content(k + 201)),
    );
    await page.goto(`/rooms/${room.id}`);
    await live(page);
    await page.locator('[data-seq="60"]').waitFor();
    await page.waitForTimeout(600);
    const fromBottom = () =>
      page.evaluate(() =>
        (({ scrollHeight, scrollTop, clientHeight }) => scrollHeight - scrollTop - clientHeight)(
          document.querySelector(".log") as HTMLElement,
        ),
      );
    const jumps: Array<[string, () => Promise<unknown>]> = [
      [
        "one wheel notch",
        async () => {
          const box = await page.getByRole("log").boundingBox();
          await page.mouse.move((box?.x ?? 0) + (box?.width ?? 0) / 2, (box?.y ?? 0) + (box?.height ?? 0) / 2);
          await page.mouse.wheel(0, -400);
        },
      ],
      ["one scrollbar jump", () => page.evaluate(() => void ((document.querySelector(".log") as HTMLElement).scrollTop -= 500))],
    ];
    let sent = 0;
    for (const [how, jump] of jumps) {
      expect(await fromBottom(), `at the bottom before ${how}`).toBeLessThanOrEqual(2);
      await jump();
      await expect.poll(fromBottom, { message: how }).toBeGreaterThan(300);
      await page.waitForTimeout(200);
      const before = await topRow(page);
      await post(baseURL, `/rooms/${room.id}/messages`, { content: `Written while you read back (${++sent})` }, friend.token);
      await page.locator(".jump-latest").waitFor();
      await page.waitForTimeout(300);
      const after = await topRow(page);
      expect(after.seq, how).toBe(before.seq);
      expect(Math.abs(after.top - before.top), how).toBeLessThanOrEqual(2);
      expect(await fromBottom(), how).toBeGreaterThan(300);
      // Back to the newest for the next way of scrolling up.
      await page.locator(".jump-latest").click();
      await page.locator(`[data-seq="${60 + sent}"]`).waitFor();
      await expect.poll(fromBottom).toBeLessThanOrEqual(2);
    }
  });

  it("keeps a message still while its editor opens and closes, and shows the newest one's editor whole", async () => {
    // Still in "Reading back", at its newest message.
    const fromBottom = () => geometry(page, ".log").then((g) => (g as Geometry).fromBottom);
    expect(await fromBottom()).toBeLessThanOrEqual(2);
    // One of the reader's own messages wholly in view, not the last row.
    const seq = await page.evaluate(() => {
      const box = (document.querySelector(".log") as HTMLElement).getBoundingClientRect();
      const rows = [...document.querySelectorAll<HTMLElement>(".log .msg.is-mine[data-seq]")].filter((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom - 120;
      });
      return rows.at(-1)?.dataset.seq ?? "";
    });
    expect(seq).not.toBe("");
    const row = `.msg[data-seq="${seq}"]`;
    const editor = page.getByRole("textbox", { name: "Edit message" });
    const before = (await geometry(page, row)) as Geometry;
    await page.locator(`${row} .bubble`).hover();
    await page.locator(row).getByRole("button", { name: "Edit" }).click();
    await expect.poll(() => editor.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.waitForTimeout(300);
    const open = (await geometry(page, row)) as Geometry;
    expect(Math.abs(open.top - before.top)).toBeLessThanOrEqual(1);
    expect(open.bottom).toBeGreaterThan(before.bottom + 20);
    await page.keyboard.press("Escape");
    await editor.waitFor({ state: "detached" });
    await page.waitForTimeout(300);
    expect(Math.abs(((await geometry(page, row)) as Geometry).top - before.top)).toBeLessThanOrEqual(1);
    expect(await fromBottom()).toBeLessThanOrEqual(2);

    // The newest message: its editor grows below the view's edge, so the log brings it up,
    // Save and all.
    await page.getByRole("textbox", { name: /^Message / }).fill("One last note");
    await page.keyboard.press("Enter");
    const last = page.locator(".log .msg.is-mine[data-seq]").filter({ hasText: "One last note" });
    await last.waitFor();
    const lastSeq = await last.getAttribute("data-seq");
    await expect.poll(fromBottom).toBeLessThanOrEqual(2);
    await last.locator(".bubble").hover();
    await last.getByRole("button", { name: "Edit" }).click();
    await editor.waitFor();
    await page.waitForTimeout(300);
    const save = await page.locator(`.msg[data-seq="${lastSeq}"]`).getByRole("button", { name: "Save" }).boundingBox();
    const g = (await geometry(page, `.msg[data-seq="${lastSeq}"]`)) as Geometry;
    expect(g.top).toBeGreaterThanOrEqual(g.logTop);
    expect((save?.y ?? 0) + (save?.height ?? 0)).toBeLessThanOrEqual(g.logBottom + 1);
    await page.keyboard.press("Escape");
    await editor.waitFor({ state: "detached" });
    await expect.poll(fromBottom).toBeLessThanOrEqual(2);
    expect([g.page, g.main]).toEqual([0, 0]);
  });

  it("opens a search hit at that message, highlighted, with older and newer history around it", async () => {
    await page.goto("/");
    // A pasted wall of text is cut to what the search takes, not refused with a server error.
    await page.getByLabel("Search rooms and messages").fill("zebracorn ".repeat(30));
    await page.getByRole("list", { name: "Matching messages" }).getByRole("link").first().waitFor({ timeout: 15_000 });
    expect((await page.getByLabel("Search rooms and messages").inputValue()).length).toBe(100);
    expect(await page.getByText(/Couldn't load your rooms/).count()).toBe(0);
    await page.getByLabel("Search rooms and messages").fill("");
    await page.getByLabel("Search rooms and messages").fill("zebracorn");
    const hit = page.getByRole("list", { name: "Matching messages" }).getByRole("link").first();
    await expect.poll(() => hit.locator("mark").textContent(), { timeout: 15_000 }).toBe("zebracorn");
    // A screen reader hears what was found.
    const found = page.locator(".sidebar [role=status]").filter({ hasText: "match" });
    await expect.poll(() => found.textContent()).toBe("0 rooms and 1 message match “zebracorn”.");
    // Escape clears the search and leaves the focus in the box, ready for the next one.
    const box = page.getByLabel("Search rooms and messages");
    await box.press("Escape");
    expect(await box.inputValue()).toBe("");
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill("zebracorn");
    await expect.poll(() => hit.locator("mark").textContent(), { timeout: 15_000 }).toBe("zebracorn");
    expect(await hit.getAttribute("href")).toMatch(new RegExp(`\\?at=${NEEDLE}$`));
    await hit.click();
    const target = page.locator(`.msg.is-target[data-seq="${NEEDLE}"]`);
    await target.waitFor();
    // There, the address is the room's again: a reload, or the link copied, opens at the latest.
    await expect.poll(() => new URL(page.url()).search).toBe("");
    await page.waitForTimeout(600);
    const g = (await geometry(page, `[data-seq="${NEEDLE}"]`)) as Geometry;
    expect(g.top).toBeGreaterThanOrEqual(g.logTop - 1);
    expect(g.bottom).toBeLessThanOrEqual(g.logBottom + 1);
    expect([g.page, g.main]).toEqual([0, 0]);
    // The pill counts every message below the last one on screen, loaded or not.
    const lastOnScreen = await seqOnScreen(page);
    expect(lastOnScreen).toBeGreaterThanOrEqual(NEEDLE);
    await expect.poll(() => page.locator(".jump-latest").textContent()).toBe(`${COUNT - lastOnScreen} newer messages`);
    // Older history: the very first message is reachable above it.
    const log = page.getByRole("log");
    await log.hover();
    for (let i = 0; i < 30 && (await page.locator('[data-seq="1"]').count()) === 0; i++) await page.mouse.wheel(0, -800);
    await page.locator('[data-seq="1"]').waitFor();
    // Newer history: reading down past the page around the hit fills the gap to the latest.
    const loadedBelow = () =>
      page.evaluate(() => Math.max(...[...document.querySelectorAll("[data-seq]")].map((e) => Number((e as HTMLElement).dataset.seq))));
    for (let i = 0; i < 60 && (await page.locator('[data-seq="120"]').count()) === 0; i++) {
      await page.mouse.wheel(0, 1200);
      await page.waitForTimeout(60);
    }
    await page.locator('[data-seq="120"]').waitFor();
    expect(await loadedBelow()).toBeGreaterThanOrEqual(120);
  });

  it("keeps a streaming reply in view while it grows, tables and all", async () => {
    await page.goto(`/rooms/${aiRoomId}`);
    await live(page);
    await page.locator(".msg").nth(39).waitFor();
    await page.getByRole("textbox", { name: /Message/ }).fill("@Assistant can you show me a table and some code?");
    await page.keyboard.press("Enter");
    const streaming = page.locator(".msg.is-ai.is-streaming");
    await streaming.waitFor({ timeout: 20_000 });
    await streaming.locator("table").waitFor({ timeout: 20_000 });
    for (let i = 0; i < 4; i++) {
      const seq = await streaming.getAttribute("data-seq");
      await expectSoonInView(page, Number(seq));
      await page.waitForTimeout(400);
    }
    await streaming.getByRole("button", { name: "Stop" }).click();
    await page.locator(".msg.is-ai").last().getByText("Stopped").waitFor();
  });
});

/** A new room with a long name, open and live on a 390×844 page. */
async function longNamedRoomOnPhone(): Promise<Page> {
  const { room } = await post<{ room: { id: string } }>(
    baseURL,
    "/rooms",
    { title: "Weekend plans for the long hike up to the lake and back" },
    session.token,
  );
  const page = await signedIn(390, 844);
  await page.goto(`/rooms/${room.id}`);
  await live(page);
  return page;
}

describe("small things", () => {
  it("keeps the composer's placeholder short when the room is named after a long first message", async () => {
    const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", {}, session.token);
    await seed(baseURL, room.id, session.token, ["Can you suggest three easy hikes near Seattle for a beginner with a dog?"]);
    const page = await signedIn(1366, 850);
    await page.goto(`/rooms/${room.id}`);
    await live(page);
    const composer = page.getByRole("textbox", { name: /^Message / });
    expect(await composer.getAttribute("placeholder")).toBe("Write a message");
    await page.context().close();
  });

  it("keeps the conversation in view on a short phone screen (its keyboard up) while a long draft is typed", async () => {
    const page = await signedIn(390, 450);
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    await page
      .getByRole("textbox", { name: /^Message / })
      .fill(Array.from({ length: 30 }, (_, i) => `line ${i + 1} of a long draft`).join("\n"));
    await page.waitForTimeout(200);
    const [composer, log] = [await page.locator(".composer").boundingBox(), await page.getByRole("log").boundingBox()];
    expect(composer?.height).toBeLessThanOrEqual(450 * 0.4);
    expect(log?.height).toBeGreaterThanOrEqual(150);
    await page.context().close();
  });

  it("gives a long room name the phone header's width: a live connection there is its dot alone", async () => {
    const page = await longNamedRoomOnPhone();
    const [pill, title] = [await page.locator(".chat-head .conn").boundingBox(), await page.locator("#room-title").boundingBox()];
    expect(pill?.width).toBeLessThanOrEqual(30);
    expect(title?.width).toBeGreaterThanOrEqual(180);
    // Still announced and named for a screen reader.
    expect(await page.getByRole("status").filter({ hasText: "Live" }).count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it.each([
    { width: 1366, height: 850 },
    { width: 390, height: 844 },
  ])("says a room that never existed was not found, not that it was deleted, and only that, at $width px", async ({ width, height }) => {
    const page = await signedIn(width, height);
    await page.goto("/rooms/no-such-room");
    await page.getByRole("alert").getByText("Room not found").waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Room not found");
    expect(await page.getByText("This room was deleted").count()).toBe(0);
    // Nothing that looks like a room: no avatar, connection pill, settings, log or composer.
    for (const [what, count] of [
      ["header", page.locator(".chat-head").count()],
      [
        "connection pill",
        page
          .getByRole("status")
          .filter({ hasText: /Disconnected|Connecting/ })
          .count(),
      ],
      ["room settings", page.getByRole("link", { name: "Room settings" }).count()],
      ["conversation start", page.getByText(/beginning of the conversation/).count()],
      ["composer", page.getByRole("textbox", { name: /^Message / }).count()],
    ] as const)
      expect(await count, what).toBe(0);
    // The way back, in view, and it works.
    const back = page.getByRole("link", { name: "Back to your rooms" });
    const box = await back.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= height && box.x >= 0 && box.x + box.width <= width).toBe(true);
    await back.click();
    await page.waitForURL((u) => u.pathname === "/");
    await page.context().close();
  });

  it.each([
    { width: 1366, height: 850 },
    { width: 390, height: 844 },
    { width: 360, height: 740 },
  ])("fits the placeholder of a room whose AI answers mentions on the composer's one line at $width px", async ({ width, height }) => {
    const page = await signedIn(width, height);
    await page.goto(`/rooms/${aiRoomId}`);
    await live(page);
    const composer = page.getByRole("textbox", { name: /^Message / });
    await expect.poll(() => composer.getAttribute("placeholder"), { timeout: 10_000 }).toContain("@Assistant");
    // An empty textarea's scroll height is its placeholder's: one line fits the box, two do not.
    const fit = () => composer.evaluate((el) => el.scrollHeight - el.clientHeight);
    await expect.poll(fit, { timeout: 3000 }).toBeLessThanOrEqual(0);
    expect((await composer.boundingBox())?.height).toBeLessThanOrEqual(44);
    if (width > 1000) expect(await composer.getAttribute("placeholder")).toBe("Message the room, or @Assistant for the AI");
    await page.context().close();
  });

  it("keeps a long room name readable on a phone while the connection is down: a dot and a retry icon", async () => {
    const page = await longNamedRoomOnPhone();
    await page.context().setOffline(true);
    try {
      await page.getByRole("status").filter({ hasText: "Offline" }).first().waitFor({ timeout: 15_000 });
      const retry = page.getByRole("button", { name: "Retry now" });
      expect(await retry.isVisible()).toBe(true);
      const [pill, title, sub] = [
        await page.locator(".chat-head .conn").boundingBox(),
        await page.locator("#room-title").boundingBox(),
        await page.locator(".chat-sub").boundingBox(),
      ];
      expect(pill?.width).toBeLessThanOrEqual(56);
      expect(title?.width).toBeGreaterThanOrEqual(160);
      expect(sub?.width).toBeGreaterThanOrEqual(160);
      // The words are still there for a screen reader.
      expect(await page.locator(".chat-head .conn").textContent()).toContain("Offline");
    } finally {
      await page.context().setOffline(false);
    }
    await page.context().close();
  });

  it("keeps the newer-messages pill on one line, its arrow beside the words, on a narrow phone", async () => {
    const room = await seededRoom(
      "Pill",
      Array.from({ length: 30 }, (_, i) => content(i + 1)),
    );
    const page = await signedIn(360, 740);
    await page.goto(`/rooms/${room.id}`);
    await live(page);
    await page.getByRole("log").evaluate((log) => (log.scrollTop = 0));
    const pill = page.locator(".jump-latest");
    await pill.waitFor();
    await seed(
      baseURL,
      room.id,
      session.token,
      Array.from({ length: 150 }, (_, i) => `Later ${i + 1}`),
    );
    // His own, from another device: read, so not "new". Every message below the last one on
    // screen: the 150 that came and the first 30's rest.
    const below = 180 - (await seqOnScreen(page));
    expect(below).toBeGreaterThan(150);
    await expect.poll(() => pill.textContent(), { timeout: 15_000 }).toBe(`${below} newer messages`);
    const { lines, arrow, words } = await pill.evaluate((el) => {
      const text = document.createRange();
      text.selectNodeContents(el.lastChild as Node);
      const rects = [...text.getClientRects()];
      const icon = (el.querySelector(".icon") as Element).getBoundingClientRect();
      return { lines: rects.length, arrow: icon.top + icon.height / 2, words: (rects[0]?.top ?? 0) + (rects[0]?.height ?? 0) / 2 };
    });
    expect(lines).toBe(1);
    expect(Math.abs(arrow - words)).toBeLessThanOrEqual(2);
    await page.context().close();
  });

  it("gives a phone held sideways the phone's layout: the list alone, then the room across the whole screen", async () => {
    const page = await signedIn(844, 390, true);
    await page.goto("/");
    const list = page.getByRole("list", { name: "Rooms" });
    await list.waitFor();
    expect((await page.locator(".sidebar").boundingBox())?.width).toBe(844);
    expect(await page.locator("main.main").isVisible()).toBe(false);
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    const log = await page.getByRole("log").boundingBox();
    expect(log?.x).toBe(0);
    expect(log?.width).toBe(844);
    expect(await page.locator(".sidebar").isVisible()).toBe(false);
    // Return is a new line here too: no keys to teach under the composer.
    expect(await page.locator("#composer-hint kbd").first().isVisible()).toBe(false);
    await shot(page, "phone-sideways-room");
    await page.context().close();
  });

  it("gives every control on a touch phone 44 × 44 px to hit, the layout unchanged", async () => {
    const page = await signedIn(390, 844, true);
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    const head = page.locator(".chat-head");
    const composer = page.locator(".composer");
    expect(
      await touchMisses([
        head.getByRole("link", { name: "Back to rooms" }),
        head.getByRole("link", { name: "Room settings" }),
        composer.locator(".composer-attach"),
        composer.getByRole("button", { name: "Send message" }),
      ]),
    ).toEqual([]);
    // As tall as before: the composer is one 48 px row, the header 56.
    expect((await page.locator(".composer-box").boundingBox())?.height).toBeLessThanOrEqual(50);
    expect((await head.boundingBox())?.height).toBeLessThanOrEqual(57);
    // A message's toolbar (messages.css draws its buttons 26–28 px tall), shown by a long press.
    const at = await page.locator(`[data-seq="${COUNT}"] .bubble`).boundingBox();
    const cdp = await page.context().newCDPSession(page);
    const finger = { x: (at?.x ?? 0) + 10, y: (at?.y ?? 0) + (at?.height ?? 0) / 2 };
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [finger] });
    await page.waitForTimeout(800);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await cdp.detach();
    const tools = page.locator(`[data-seq="${COUNT}"]`).getByRole("group", { name: "Message actions" });
    await tools.getByRole("button", { name: "Delete message" }).waitFor();
    expect(
      await touchMisses([
        tools.getByRole("button", { name: "Copy message as Markdown" }),
        tools.getByRole("button", { name: "Edit" }),
        tools.getByRole("button", { name: "Delete message" }),
      ]),
    ).toEqual([]);
    // A code block's Copy (message COUNT - 2 has one).
    const code = page.locator(`[data-seq="${COUNT - 2}"]`).getByRole("button", { name: "Copy ts to clipboard" });
    await code.evaluate((el) => el.scrollIntoView({ block: "center" }));
    expect(await touchMisses([code])).toEqual([]);
    await shot(page, "code-block-phone");
    await page.context().setOffline(true);
    try {
      await page.getByRole("button", { name: "Retry now" }).waitFor({ timeout: 15_000 });
      expect(await touchMisses([page.getByRole("button", { name: "Retry now" })])).toEqual([]);
    } finally {
      await page.context().setOffline(false);
    }
    await page.goto("/");
    const foot = page.locator(".sidebar-foot");
    await foot.getByRole("button", { name: "Sign out" }).waitFor();
    expect(
      await touchMisses([
        page.getByRole("link", { name: "Parlor home" }),
        page.getByRole("link", { name: "New room" }),
        foot.getByRole("link", { name: "AI characters" }),
        foot.getByRole("link", { name: "Account and sessions" }),
        foot.getByRole("button", { name: "Sign out" }),
      ]),
    ).toEqual([]);
    expect((await page.getByRole("searchbox").boundingBox())?.height).toBeGreaterThanOrEqual(44);
    // The list fills the screen edge to edge, with no border line down its right side.
    expect(await page.locator(".sidebar").evaluate((el) => getComputedStyle(el).borderRightWidth)).toBe("0px");
    await page.context().close();
  });

  it("pages the sidebar's message hits: Show more messages adds the next ones, newest first, none twice", async () => {
    const room = await seededRoom(
      "Birding log",
      Array.from({ length: 45 }, (_, i) => `Egretwatch ${i + 1}: two herons by the pond.`),
    );
    const page = await signedIn(1366, 850);
    await page.goto("/");
    const hits = page.getByRole("list", { name: "Matching messages" }).getByRole("link");
    const more = page.getByRole("button", { name: "Show more messages" });
    // Search reads the history store, which the room copies to within a few seconds.
    await expect
      .poll(
        async () => {
          await page.getByRole("searchbox").fill("");
          await page.getByRole("searchbox").fill("egretwatch");
          await page.waitForTimeout(1000);
          return hits.count();
        },
        { timeout: 30_000 },
      )
      .toBe(20);
    await more.scrollIntoViewIfNeeded();
    await shot(page, "search-more-desktop");
    await more.click();
    await expect.poll(() => hits.count()).toBe(40);
    await more.click();
    await expect.poll(() => hits.count()).toBe(45);
    await more.waitFor({ state: "detached" });
    const hrefs = await hits.evaluateAll((links) => links.map((l) => l.getAttribute("href")));
    expect(hrefs).toEqual(Array.from({ length: 45 }, (_, i) => `/rooms/${room.id}?at=${45 - i}`));
    // The footer's @handle (pos_ and 8 more characters, of random widths) is whole, and ends
    // before the footer's first button, or sits on the row above the buttons.
    const foot = page.locator(".sidebar-foot");
    const [handle, button] = await Promise.all([foot.locator(".me-handle").boundingBox(), foot.locator("button, a").first().boundingBox()]);
    if (!handle || !button) throw new Error("not laid out");
    expect(handle.x + handle.width <= button.x || handle.y + handle.height <= button.y).toBe(true);
    expect(await foot.locator(".me-handle").evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.context().close();
  });
});
