// The sidebar is live: two people in two browser contexts (Bob also on a phone, a second tab
// with its own channel), and what one does reaches the other's windows without a reload,
// through the person's channel: an invitation to a new room,
// another room's unread badge (and the count in the tab title), a rename in the open room's
// header, and a mention raising a browser notification while the tab is hidden. Each wait is
// on state with a generous timeout; how long each took is logged, never asserted. Bob's page
// must not read the room list meanwhile: what appears came over the channel, not a poll.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, live, type Person, person, post, recordFailure, shot, signUp, tokenOf } from "./support";

const baseURL = inject("baseURL");
let browser: Browser;
let ada: Person;
let bob: Person;
/** Bob's second tab, at phone size, on the room list. */
let bobPhone: Page;
const rooms: Record<string, string> = {};
const WAIT = { timeout: 15_000 };

const sidebarRow = (page: Page, title: string) => page.getByRole("list", { name: "Rooms" }).getByRole("link", { name: new RegExp(title) });

/** Bob's page's reads of the room list (GET /api/rooms), counted as they are made; his phone's. */
let bobListReads = 0;
let phoneListReads = 0;

/** Times `wait` from `start` and logs it: the e2e log is where "within a second" is measured.
 * Bob's page reads no room list in between. */
async function timed(label: string, start: () => Promise<unknown>, wait: () => Promise<unknown>) {
  const reads = bobListReads;
  const at = Date.now();
  await start();
  await wait();
  console.log(`live sidebar: ${label} appeared after ${Date.now() - at} ms`);
  expect(bobListReads - reads).toBe(0);
}

beforeAll(async () => {
  browser = await launch();
  ada = await person(browser, baseURL, "Ada Lovelace", { width: 1366, height: 850 });
  bob = await person(browser, baseURL, "Bob Carter", { width: 1366, height: 850, scheme: "dark" });
  bob.page.on("request", (r) => {
    if (r.method() === "GET" && new URL(r.url()).pathname === "/api/rooms") bobListReads++;
  });
  await bob.ctx.grantPermissions(["notifications"], { origin: baseURL });
  // Bob's notifications are recorded as they are raised, and his tab can be told it is hidden
  // (a headless tab is always "visible").
  await bob.ctx.addInitScript(() => {
    const w = window as unknown as { __notes: string[]; __hidden: boolean };
    w.__notes = [];
    w.__hidden = false;
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        w.__notes.push(`${title} | ${options?.body ?? ""}`);
      }
    } as typeof Notification;
    Object.defineProperty(document, "visibilityState", { get: () => (w.__hidden ? "hidden" : "visible") });
  });
});

afterEach(({ task }) => recordFailure(task, [ada, bob]));

afterAll(async () => {
  await browser?.close();
});

describe("a live sidebar", () => {
  it("shows Bob a room Ada invites him to, without a reload", async () => {
    await signUp(ada);
    await signUp(bob);
    // Bob's channel is up once his list has been read twice: the snapshot after its `ready`,
    // and again a moment later, once the history store has caught up with the rooms.
    await expect.poll(() => bobListReads, WAIT).toBeGreaterThanOrEqual(2);
    await bob.page.waitForLoadState("networkidle");
    const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    bobPhone = await phone.newPage();
    bobPhone.on("request", (r) => {
      if (r.method() === "GET" && new URL(r.url()).pathname === "/api/rooms") phoneListReads++;
    });
    const session = await bob.page.evaluate(() => localStorage.getItem("parlor.session"));
    await bobPhone.goto("/signin");
    await bobPhone.evaluate((s) => localStorage.setItem("parlor.session", s ?? ""), session);
    await bobPhone.goto("/");
    await bobPhone.getByRole("heading", { name: "Your rooms" }).waitFor(WAIT);
    const token = await tokenOf(ada.page);
    await timed(
      "an invitation",
      async () => {
        const made = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Garden club", members: [bob.username] }, token);
        rooms.garden = made.room.id;
      },
      () => sidebarRow(bob.page, "Garden club").waitFor(WAIT),
    );
    const other = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Book circle", members: [bob.username] }, token);
    rooms.books = other.room.id;
    await sidebarRow(bob.page, "Book circle").waitFor(WAIT);
    await sidebarRow(bobPhone, "Garden club").waitFor(WAIT);
    await sidebarRow(bobPhone, "Book circle").waitFor(WAIT);
  });

  it("badges another room's unread messages in Bob's list and counts them in his tab title", async () => {
    await sidebarRow(bob.page, "Garden club").click();
    await live(bob.page);
    const token = await tokenOf(ada.page);
    const row = sidebarRow(bob.page, "Book circle");
    await timed(
      "an unread badge",
      () => post(baseURL, `/rooms/${rooms.books}/messages`, { content: "Next up: Middlemarch" }, token),
      () => row.getByText("1 unread").waitFor(WAIT),
    );
    await row.getByText("Next up: Middlemarch").waitFor(WAIT);
    // A screen reader reads the row as one line, its parts apart, with no stray spaces.
    expect(await row.ariaSnapshot()).toMatch(/link "Book circle, [^\s,]+, Ada Lovelace: Next up: Middlemarch, 1 unread"/);
    await bob.page.waitForFunction(() => document.title.startsWith("(1) "), undefined, WAIT);
    await post(baseURL, `/rooms/${rooms.books}/messages`, { content: "Chapter one by Friday" }, token);
    await row.getByText("2 unread").waitFor(WAIT);
    await sidebarRow(bobPhone, "Book circle").getByText("2 unread").waitFor(WAIT);
    await shot(bobPhone, "live-sidebar-phone-unread");
    await shot(bob.page, "live-sidebar-unread-dark");
    // Opening the room reads it: the badge and the count in the title go.
    await row.click();
    await live(bob.page);
    await bob.page.waitForFunction(() => !/^\(\d+\)/.test(document.title), undefined, WAIT);
    expect(await sidebarRow(bob.page, "Book circle").locator(".badge").count()).toBe(0);
    // His phone hears of the read on its channel.
    await sidebarRow(bobPhone, "Book circle")
      .locator(".badge")
      .waitFor({ state: "detached", ...WAIT });
    // While the room is open on his desktop, his phone still gets its activity over the channel
    // (his desktop's socket told the room he has another tab open), not by reading the list
    // again: its preview follows, and what his desktop shows him counts as read.
    const reads = phoneListReads;
    await post(baseURL, `/rooms/${rooms.books}/messages`, { content: "Snacks are on me" }, token);
    await sidebarRow(bobPhone, "Book circle").getByText("Snacks are on me").waitFor(WAIT);
    await sidebarRow(bobPhone, "Book circle")
      .locator(".badge")
      .waitFor({ state: "detached", ...WAIT });
    expect(phoneListReads - reads).toBe(0);
    // Away from his desk (the tab hidden, the room still open there), what comes is unread on
    // his phone.
    await bob.page.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = true;
    });
    await post(baseURL, `/rooms/${rooms.books}/messages`, { content: "Bring a chapter" }, token);
    await sidebarRow(bobPhone, "Book circle").getByText("Bring a chapter").waitFor(WAIT);
    await sidebarRow(bobPhone, "Book circle").getByText("1 unread").waitFor(WAIT);
    await bob.page.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = false;
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await sidebarRow(bobPhone, "Book circle")
      .locator(".badge")
      .waitFor({ state: "detached", ...WAIT });
  });

  it("renames the room Bob has open, in his header and his list", async () => {
    const token = await tokenOf(ada.page);
    await timed(
      "a rename",
      async () => {
        const res = await fetch(`${baseURL}/api/rooms/${rooms.books}`, {
          method: "PATCH",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ title: "Reading circle" }),
        });
        expect(res.status).toBe(200);
      },
      () => bob.page.getByRole("heading", { level: 1, name: "Reading circle" }).waitFor(WAIT),
    );
    await sidebarRow(bob.page, "Reading circle").waitFor(WAIT);
    // The log says who renamed it, in a line of its own centred under the last message, and the
    // room's row says the same.
    const said = "Ada Lovelace renamed the room to “Reading circle”";
    const line = bob.page.locator(".msg-system").filter({ hasText: said });
    await line.waitFor(WAIT);
    expect(await line.textContent()).toMatch(/^Ada Lovelace renamed the room to “Reading circle”\s\d{1,2}:\d{2}/);
    const [box, inner, last] = await Promise.all([
      line.boundingBox(),
      bob.page.locator(".log-inner").boundingBox(),
      bob.page.locator(".msg").last().boundingBox(),
    ]);
    if (!box || !inner || !last) throw new Error("the line, the log or the last message has no box");
    expect(Math.abs(box.x + box.width / 2 - (inner.x + inner.width / 2))).toBeLessThan(2);
    expect(box.y).toBeGreaterThanOrEqual(last.y + last.height);
    await sidebarRow(bob.page, "Reading circle").getByText(said).waitFor(WAIT);
    // On his phone the line wraps inside the screen.
    await bobPhone.goto(`/rooms/${rooms.books}`);
    const onPhone = bobPhone.locator(".msg-system").filter({ hasText: said });
    await onPhone.waitFor(WAIT);
    const phoneBox = await onPhone.boundingBox();
    expect(phoneBox && phoneBox.x >= 0 && phoneBox.x + phoneBox.width <= 390).toBe(true);
    await shot(bobPhone, "room-notice-phone");
  });

  it("notifies Bob of a mention while his tab is hidden", async () => {
    const token = await tokenOf(ada.page);
    await bob.page.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = true;
    });
    await post(baseURL, `/rooms/${rooms.garden}/messages`, { content: `@${bob.username} the tulips are up` }, token);
    const notes = () => bob.page.evaluate(() => (window as unknown as { __notes: string[] }).__notes);
    await bob.page.waitForFunction(() => (window as unknown as { __notes: string[] }).__notes.length > 0, undefined, WAIT);
    expect(await notes()).toEqual([`Ada Lovelace mentioned you in Garden club | @${bob.username} the tulips are up`]);
    expect(bob.errors).toEqual([]);
    expect(ada.errors).toEqual([]);
  });

  it("keeps Bob's open room and room settings current as people join, leave and remove him", async () => {
    await bob.page.evaluate(() => {
      (window as unknown as { __hidden: boolean }).__hidden = false;
    });
    const token = await tokenOf(ada.page);
    const cy = await post<{ user: { id: string; username: string } }>(baseURL, "/auth/register", {
      username: `cy_${Date.now().toString(36)}`,
      password: "correct horse battery",
      displayName: "Cy Young",
    });
    const choir = (await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Choir", members: [bob.username] }, token)).room.id;
    const call = (method: string, path: string, body?: object) =>
      fetch(`${baseURL}/api/rooms/${choir}${path}`, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: body && JSON.stringify(body),
      });
    await bob.page.goto(`/rooms/${choir}`);
    await live(bob.page);
    const sub = bob.page.locator(".chat-sub");
    await expect.poll(() => sub.textContent(), WAIT).toContain("2 members");
    await bobPhone.goto(`/rooms/${choir}/settings`);
    const members = bobPhone.locator(".member-name");
    await expect.poll(() => members.allTextContents(), WAIT).toEqual(["Ada Lovelace", "Bob Carter (you)"]);

    expect((await call("POST", "/members", { username: cy.user.username })).status).toBe(201);
    await expect.poll(() => sub.textContent(), WAIT).toContain("3 members");
    await bob.page.locator(".msg-system").filter({ hasText: "Ada Lovelace added Cy Young" }).waitFor(WAIT);
    await expect.poll(() => members.allTextContents(), WAIT).toContain("Cy Young");
    expect((await call("DELETE", `/members/${cy.user.id}`)).status).toBe(204);
    await expect.poll(() => sub.textContent(), WAIT).toContain("2 members");
    await expect.poll(() => members.allTextContents(), WAIT).not.toContain("Cy Young");
    // Bob starts renaming the room when Ada removes him.
    await bobPhone.getByLabel("Title").fill("Chamber choir");
    const asked: string[] = [];
    bobPhone.on("dialog", (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    // Ada removes Bob: his settings page lets go of the room rather than offer a form that fails.
    expect(
      (
        await call(
          "DELETE",
          `/members/${(await bob.page.evaluate(() => JSON.parse(localStorage.getItem("parlor.session") ?? "{}").user.id)) as string}`,
        )
      ).status,
    ).toBe(204);
    await bobPhone.getByRole("alert").filter({ hasText: "No longer yours to change" }).waitFor(WAIT);
    expect(await bobPhone.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    // Nothing there can be saved any more: he leaves without being asked about his changes.
    await bobPhone.getByRole("alert").getByRole("link").click();
    await bobPhone.waitForURL((u) => !u.pathname.endsWith("/settings"), WAIT);
    expect(asked).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it("hands Bob the room Ada leaves: she is asked who takes it, he is told and may now delete her words", async () => {
    const token = await tokenOf(ada.page);
    const quartet = (await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Quartet", members: [bob.username] }, token)).room.id;
    await post(baseURL, `/rooms/${quartet}/messages`, { content: "Rehearsal moved to Friday" }, token);
    await bob.page.goto(`/rooms/${quartet}`);
    await live(bob.page);
    await bobPhone.goto(`/rooms/${quartet}/settings`);
    await bobPhone.getByRole("button", { name: "Leave room" }).waitFor(WAIT);
    expect(await bobPhone.getByRole("button", { name: "Delete room" }).count()).toBe(0);

    await ada.page.goto(`/rooms/${quartet}/settings`);
    await expect
      .poll(() => ada.page.getByText(/becomes the owner/).textContent(), WAIT)
      .toMatch(/Bob Carter \(@\w+\) becomes the owner\.$/);
    await ada.page.getByRole("button", { name: "Leave room" }).click();
    await shot(ada.page, "room-settings-owner-leaving");
    await ada.page.getByRole("button", { name: "Leave", exact: true }).click();
    await ada.page.waitForURL((u) => u.pathname === "/", WAIT);
    await sidebarRow(ada.page, "Quartet").waitFor({ state: "detached", ...WAIT });

    // Bob's open room says so, and his settings page makes him the owner without a reload.
    await bob.page.locator(".msg-system").filter({ hasText: "Ada Lovelace left the room; you own it now" }).waitFor(WAIT);
    await bobPhone.getByRole("button", { name: "Delete room" }).waitFor(WAIT);
    const mine = bobPhone.locator(".member").filter({ hasText: "Bob Carter (you)" });
    await expect.poll(() => mine.locator(".chip").textContent(), WAIT).toBe("Owner");
    expect(await bobPhone.locator(".member-name").allTextContents()).toEqual(["Bob Carter (you)"]);
    // The only member now: his way out is Delete.
    expect(await bobPhone.getByRole("button", { name: "Leave room" }).count()).toBe(0);
    await bobPhone.getByRole("button", { name: "Delete room" }).scrollIntoViewIfNeeded();
    await shot(bobPhone, "room-settings-new-owner-phone");
    // As the owner he may delete what Ada wrote.
    const hers = bob.page.getByRole("log").locator(".msg").filter({ hasText: "Rehearsal moved to Friday" });
    await hers.hover();
    await hers.getByRole("button", { name: "Delete message" }).waitFor(WAIT);
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it("calls Bob's direct chat with Ada by her new name as soon as she changes it: his header, composer and list", async () => {
    const token = await tokenOf(ada.page);
    const direct = (await post<{ room: { id: string } }>(baseURL, "/rooms", { members: [bob.username] }, token)).room.id;
    await bob.page.goto(`/rooms/${direct}`);
    await live(bob.page);
    const heading = bob.page.getByRole("heading", { level: 1 });
    await expect.poll(() => heading.textContent(), WAIT).toBe("Ada Lovelace");
    const res = await fetch(`${baseURL}/api/me`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ displayName: "Ada King" }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => heading.textContent(), WAIT).toBe("Ada King");
    await bob.page.getByLabel("Message Ada King").waitFor(WAIT);
    const row = bob.page.getByRole("list", { name: "Rooms" }).locator(`a[href="/rooms/${direct}"]`);
    await expect.poll(() => row.textContent(), WAIT).toMatch(/Ada King/);
    expect(await row.textContent()).not.toMatch(/Lovelace/);
    expect(bob.errors).toEqual([]);
  });
});
