// What a reader is told and shown of new messages. A screen reader hears each new message once
// (someone else's as it comes, an AI reply once it is complete, never your own sends), not every
// streamed chunk. Messages that arrive while you read older ones stay unread: the jump button
// counts them, a "New messages" line marks where they start, and the room list still counts them
// after you leave (the server too); a room opened with unread messages shows that line above the
// first of them.
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, live, type Person, person, post, recordFailure, seed, shot } from "./support";

const baseURL = inject("baseURL");
type Session = { token: string; user: { id: string; username: string } };
let browser: Awaited<ReturnType<typeof launch>>;
let ada: Person;
let adaSession: Session;
let bob: Session;
const WAIT = { timeout: 20_000 };

async function register(p: { username: string; displayName: string }): Promise<Session> {
  return post<Session>(baseURL, "/auth/register", { ...p, password: "correct horse battery" });
}

beforeAll(async () => {
  browser = await launch();
  ada = await person(browser, baseURL, "Ada Reader", { width: 1366, height: 850 });
  adaSession = await register(ada);
  bob = await register({ username: `bob_${Math.random().toString(36).slice(2, 8)}`, displayName: "Bob Writer" });
  await ada.page.goto("/signin");
  await ada.page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify(adaSession));
});

afterEach(({ task }) => recordFailure(task, [ada]));

afterAll(async () => {
  await browser?.close();
});

/** A room of Ada's with Bob in it. */
async function adasRoom(body: Record<string, unknown>): Promise<{ id: string }> {
  const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { ...body, members: [bob.user.username] }, adaSession.token);
  return room;
}

/** Ada's room `id` as the server lists it. */
async function listed(id: string) {
  const res = await fetch(`${baseURL}/api/rooms`, { headers: { authorization: `Bearer ${adaSession.token}` } });
  const { rooms } = (await res.json()) as { rooms: { id: string; lastSeq: number; unread: number }[] };
  return rooms.find((r) => r.id === id);
}

const words = (s: string) => s.replace(/\s+/g, " ").trim();

/** Everything the page's announcer adds from now on, and whether a reply was streaming then. */
async function listen(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __said: { text: string; streaming: boolean }[] };
    w.__said = [];
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes)
          w.__said.push({ text: n.textContent ?? "", streaming: !!document.querySelector(".msg.is-streaming") });
    }).observe(document.querySelector(".log-wrap [aria-live=polite]") as Node, { childList: true });
  });
  return () => page.evaluate(() => (window as unknown as { __said: { text: string; streaming: boolean }[] }).__said);
}

/** The "New messages" line is on screen, just above message `seq`. */
async function expectLineAbove(page: Page, seq: number) {
  const line = page.locator(".log .new-sep");
  const msg = page.locator(`.log [data-seq="${seq}"]`);
  await expect
    .poll(async () => {
      const [sep, m, log] = [await line.boundingBox(), await msg.boundingBox(), await page.locator(".log").boundingBox()];
      if (!sep || !m || !log) return "not there";
      const gap = m.y - (sep.y + sep.height);
      const onScreen = sep.y >= log.y && m.y + 10 <= log.y + log.height;
      return gap >= 0 && gap < 24 && onScreen ? "above it" : `${gap} px above, ${onScreen ? "" : "not "}on screen`;
    }, WAIT)
    .toBe("above it");
}

const row = (page: Page, name: string) => page.getByRole("list", { name: "Rooms" }).getByRole("link", { name: new RegExp(name) });

describe("reading new messages", () => {
  it("tells a screen reader each new message once, and an AI reply only once it is complete", async () => {
    const { page } = ada;
    const room = await adasRoom({ title: "Haiku club", characterId: "assistant", aiMode: "mention" });
    await page.goto(`/rooms/${room.id}`);
    await live(page);
    // The log itself is not read out as it changes.
    expect(await page.getByRole("log").getAttribute("aria-live")).toBe("off");
    const said = await listen(page);

    await page.getByLabel("Message Haiku club").fill("@Assistant what makes a good haiku?");
    await page.keyboard.press("Enter");
    const streaming = page.locator(".msg.is-ai.is-streaming");
    await streaming.waitFor(WAIT);
    await streaming.waitFor({ state: "detached", timeout: 30_000 });
    const reply = words((await page.locator(".msg.is-ai .bubble").last().textContent()) ?? "");
    expect(reply.split(" ").length).toBeGreaterThan(5);
    // One line for the whole reply, said when it was done; none for Ada's own question.
    await expect.poll(said, WAIT).toEqual([{ text: `Assistant: ${reply}`, streaming: false }]);
    // The room list shows the finished reply, not that it is being written.
    await expect.poll(() => row(page, "Haiku club").textContent(), WAIT).toContain(`Assistant: ${reply.slice(0, 20)}`);

    await seed(baseURL, room.id, bob.token, ["Five, seven, five — and a season word."]);
    await expect
      .poll(() => said().then((s) => s.map((x) => x.text)), WAIT)
      .toEqual([`Assistant: ${reply}`, "Bob Writer: Five, seven, five — and a season word."]);
    // Several at once (a frame each, as after a reconnect): counted, not read one by one.
    await seed(baseURL, room.id, bob.token, ["one", "two", "three", "four", "five"]);
    await expect.poll(() => said().then((s) => s.at(-1)?.text), WAIT).toBe("5 new messages.");
    expect(await said().then((s) => s.length)).toBe(3);
  });

  it("keeps what arrives while Ada reads older messages unread: counted, marked, and still unread after she leaves", async () => {
    const { page } = ada;
    const room = await adasRoom({ title: "Long thread" });
    const earlier = Array.from({ length: 40 }, (_, i) => `Earlier point ${i + 1}, with enough words to take a line of its own.`);
    await seed(baseURL, room.id, adaSession.token, earlier);
    await post(baseURL, "/rooms", { title: "Elsewhere" }, adaSession.token);
    await page.goto(`/rooms/${room.id}`);
    await live(page);
    await page.locator('[data-seq="40"]').waitFor(WAIT);
    // Ada scrolls up to the start and reads there.
    const log = page.getByRole("log");
    await log.hover();
    const top = () => log.evaluate((el) => el.scrollTop);
    for (let i = 0; i < 20 && (await top()) > 0; i++) await page.mouse.wheel(0, -1500);
    await expect.poll(top, WAIT).toBe(0);
    await page.locator(".jump-latest").waitFor(WAIT);

    await seed(baseURL, room.id, bob.token, ["New one", "New two", "New three"]);
    // The button counts the three that are new, not every message below the screen.
    await expect.poll(() => page.locator(".jump-latest").textContent(), WAIT).toBe("3 new messages");
    // Leaving without reading them: the room list counts them, and so does the server.
    await row(page, "Elsewhere").click();
    await expect.poll(() => row(page, "Long thread").textContent(), WAIT).toMatch(/3 unread/);
    // The server's list reads the history store, which the room writes behind by a second or so.
    await expect.poll(() => listed(room.id), WAIT).toMatchObject({ lastSeq: 43, unread: 3 });
    await page.reload();
    await expect.poll(() => row(page, "Long thread").textContent(), WAIT).toMatch(/3 unread/);

    // Back in the room: it opens at the newest, with "New messages" right above the first new one.
    await row(page, "Long thread").click();
    await live(page);
    const line = page.locator(".log .new-sep");
    await line.waitFor(WAIT);
    expect(await line.textContent()).toBe("New messages");
    await shot(page, "new-messages-line");
    await expectLineAbove(page, 41);

    // Scrolled up again, two more come: the line moves to the first of those, seen once she jumps down.
    await log.hover();
    for (let i = 0; i < 20 && (await top()) > 0; i++) await page.mouse.wheel(0, -1500);
    await expect.poll(top, WAIT).toBe(0);
    await seed(baseURL, room.id, bob.token, ["Newer four", "Newer five"]);
    await expect.poll(() => page.locator(".jump-latest").textContent(), WAIT).toBe("2 new messages");
    await page.locator(".jump-latest").click();
    await expectLineAbove(page, 44);
    expect(await page.locator(".log .new-sep").count()).toBe(1);
    // Having seen them, Ada has read them all.
    await row(page, "Elsewhere").click();
    await expect.poll(() => row(page, "Long thread").textContent(), WAIT).not.toMatch(/unread/);
    await page.reload();
    await expect.poll(() => row(page, "Elsewhere").count(), WAIT).toBe(1);
    expect(await row(page, "Long thread").textContent()).not.toMatch(/unread/);
  });

  it("opens at the first new message when more came than fit, found without the room list too, and leaves the unseen ones unread", async () => {
    const { page } = ada;
    const room = await adasRoom({ title: "Backlog" });
    await page.goto("/");
    await row(page, "Elsewhere").click();
    // What Ada wrote before, read; then more from Bob than fit on the screen.
    const hers = Array.from({ length: 12 }, (_, i) => `Ada's note ${i + 1}: ${"something she said before. ".repeat(3)}`);
    await seed(baseURL, room.id, adaSession.token, hers);
    const many = Array.from({ length: 30 }, (_, i) => `Backlog item ${i + 1}: ${"a line that takes room in the log. ".repeat(3)}`);
    await seed(baseURL, room.id, bob.token, many);
    // Opened by its address, with the room list slow to come: how far Ada had read comes with the room.
    const list = (url: URL) => url.pathname === "/api/rooms";
    await page.route(list, async (route) => {
      await new Promise((r) => setTimeout(r, 2000));
      // Unless the page went on meanwhile.
      await route.continue().catch(() => {});
    });
    await page.goto(`/rooms/${room.id}`);
    await live(page);
    await expectLineAbove(page, 13);
    // At the top of the log, and still there once everything has settled.
    const lineTop = async () => {
      const [line, log] = [await page.locator(".log .new-sep").boundingBox(), await page.getByRole("log").boundingBox()];
      return line && log ? Math.round(line.y - log.y) : null;
    };
    expect(await lineTop()).toBeLessThan(40);
    await page.waitForTimeout(1500);
    expect(await lineTop()).toBeLessThan(40);
    await page.unroute(list);
    // Only the first screenful was seen: the rest is still new, here and in the list.
    await expect.poll(() => page.locator(".jump-latest").textContent(), WAIT).toMatch(/^\d+ new messages$/);
    await row(page, "Elsewhere").click();
    await expect.poll(() => row(page, "Backlog").textContent(), WAIT).toMatch(/\d+ unread/);
    const left = Number((await row(page, "Backlog").textContent())?.match(/(\d+) unread/)?.[1]);
    expect(left).toBeGreaterThan(5);
    expect(left).toBeLessThan(30);
    await shot(page, "reading-backlog");
  });

  it("leaves unread the messages a search hit far down skipped, and counts them read once Ada reaches the bottom", async () => {
    const { page } = ada;
    const room = await adasRoom({ title: "Archive" });
    await seed(baseURL, room.id, adaSession.token, ["Read before", "And this"]);
    const lines = Array.from({ length: 60 }, (_, i) => `Archive entry ${i + 1}: ${"a line that takes room in the log. ".repeat(2)}`);
    lines[44] = "Archive entry 45: the quokkaword one";
    await seed(baseURL, room.id, bob.token, lines);
    await expect.poll(() => listed(room.id), WAIT).toMatchObject({ lastSeq: 62, unread: 60 });
    await page.goto("/");
    await row(page, "Archive").getByText("60 unread").waitFor(WAIT);
    await page.getByLabel("Search rooms and messages").fill("quokkaword");
    const hit = page.getByRole("list", { name: "Matching messages" }).getByRole("link").first();
    await hit.waitFor(WAIT);
    await hit.click();
    await page.locator('.msg.is-target[data-seq="47"]').waitFor(WAIT);
    await live(page);
    // Entries 1 to about 40 were never on screen: still new, here and on the server.
    await page.waitForTimeout(1500);
    await expect.poll(() => page.locator(".jump-latest").textContent(), WAIT).toBe("60 new messages");
    await page.getByLabel("Search rooms and messages").fill("");
    await row(page, "Elsewhere").click();
    await row(page, "Archive").getByText("60 unread").waitFor(WAIT);
    await expect.poll(async () => (await listed(room.id))?.unread, WAIT).toBe(60);
    // Back in the room (it opens at the first new one), the end of the log reads them all.
    await row(page, "Archive").click();
    await live(page);
    await page.locator(".jump-latest").click();
    await expect.poll(() => page.locator(".jump-latest").count(), WAIT).toBe(0);
    await row(page, "Elsewhere").click();
    await expect.poll(async () => (await listed(room.id))?.unread, WAIT).toBe(0);
  });

  it("opens at the first new message when more came than the first page holds", async () => {
    const { page } = ada;
    const room = await adasRoom({ title: "Flood" });
    await seed(baseURL, room.id, adaSession.token, ["Before the flood", "Still before it"]);
    await seed(
      baseURL,
      room.id,
      bob.token,
      Array.from({ length: 140 }, (_, i) => `Flood ${i + 1}`),
    );
    await expect.poll(() => listed(room.id), WAIT).toMatchObject({ lastSeq: 142 });
    await page.reload();
    await row(page, "Flood").click();
    await live(page);
    // The page around the first new message was fetched: it is there, under the line, at the top.
    await expectLineAbove(page, 3);
    const [line, log] = [await page.locator(".log .new-sep").boundingBox(), await page.getByRole("log").boundingBox()];
    expect(line && log && line.y - log.y).toBeLessThan(40);
    expect(await page.locator(".log").getByText("Still before it").count()).toBe(1);
    await expect.poll(() => page.locator(".jump-latest").textContent(), WAIT).toMatch(/^1\d\d new messages$/);
    // Leaving, nearly all of them are still new (more than the badge counts).
    await row(page, "Elsewhere").click();
    await expect.poll(() => row(page, "Flood").textContent(), WAIT).toMatch(/99\+ unread/);
  });
});
