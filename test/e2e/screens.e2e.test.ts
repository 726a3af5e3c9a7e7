// Every screen at desktop (1366×850) and phone (390×844) sizes, in both themes: axe-core finds
// no serious or critical violation on any of them, GitHub-flavoured Markdown renders as such
// (also while a reply streams), and each is photographed. An ordinary run checks each screen
// in the light theme at desktop size and the dark one at phone size (both themes, half the
// time); with PARLOR_SCREENSHOTS set (`npm run screenshots`, how the README's pictures are
// made) every size in every theme, photographed into docs/screenshots/ instead of
// test/e2e/artifacts/ (gitignored).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { a11yViolations, launch, live, post, SCREENSHOTS, seed, shot, textContrast } from "./support";

const baseURL = inject("baseURL");
const SIZES = [
  { size: "desktop", width: 1366, height: 850 },
  { size: "phone", width: 390, height: 844 },
] as const;
const THEMES = ["light", "dark"] as const;
const themesAt = (size: string) =>
  process.env.PARLOR_SCREENSHOTS ? THEMES : size === "desktop" ? (["light"] as const) : (["dark"] as const);

type Session = { token: string; user: { id: string; username: string } };
let browser: Browser;
let page: Page;
let ada: Session;
let roomId = "";
const seen: string[] = [];

const PLAN = [
  "Here's the plan for **Saturday** — see the [trail notes](https://www.wta.org/) first.",
  "",
  "| Time | Stop | Miles |",
  "|:--|:--|--:|",
  "| 8:00 | Trailhead | 0 |",
  "| 10:30 | Lantern Lake | 4.2 |",
  "| 13:00 | Back down | 8.4 |",
  "",
  "- [x] Book the permit",
  "- [ ] Pack the ~~stove~~ sandwiches",
  "",
  "> Bring a layer: it gets cold by the lake.",
].join("\n");
const CODE =
  "Weather check before we go:\n```py\nimport requests  # forecast for the trailhead\nforecast = requests.get(URL).json()\nprint(forecast['temp'], 'degrees')\n```";

/** Photographs the screen at the current size (in its themes, see above) and checks it with axe. */
async function capture(name: string, size: string) {
  for (const theme of themesAt(size)) {
    await page.emulateMedia({ colorScheme: theme });
    await shot(page, `${name}-${size}-${theme}`, SCREENSHOTS);
    const serious = await a11yViolations(page, "serious");
    expect(serious, `${name} at ${size} in ${theme}`).toEqual([]);
  }
  seen.push(`${name}-${size}`);
}

async function signIn() {
  await page.goto("/signin");
  await page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify(ada));
}

beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ baseURL, deviceScaleFactor: 1 })).newPage();
  const suffix = Date.now().toString(36).slice(-4);
  ada = await post(baseURL, "/auth/register", {
    username: `ada_${suffix}`,
    password: "correct horse battery",
    displayName: "Ada Lovelace",
  });
  const bob = await post<Session>(baseURL, "/auth/register", {
    username: `bob_${suffix}`,
    password: "correct horse battery",
    displayName: "Bob Carter",
  });
  const { room } = await post<{ room: { id: string } }>(
    baseURL,
    "/rooms",
    { title: "Trail plans", members: [bob.user.username] },
    ada.token,
  );
  roomId = room.id;
  await seed(baseURL, roomId, bob.token, ["Shall we hike Lantern Lake this weekend?"]);
  await seed(baseURL, roomId, ada.token, [PLAN]);
  await seed(baseURL, roomId, bob.token, [CODE, "Perfect, see you at the trailhead at 8 :)"]);
});

afterAll(async () => {
  console.log(`screens photographed into ${SCREENSHOTS}: ${seen.join(", ")}`);
  await browser?.close();
});

describe.each(SIZES)("every screen at $size size", ({ size, width, height }) => {
  beforeAll(async () => {
    await page.setViewportSize({ width, height });
  });

  it("sign in and sign up", async () => {
    await page.evaluate(() => localStorage.clear()).catch(() => {});
    const fetched: string[] = [];
    const onRequest = (r: { url: () => string }) => fetched.push(r.url());
    page.on("request", onRequest);
    await page.goto("/signin");
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();
    // A visitor who is not signed in is not sent the room screen or the Markdown parser (the
    // room is prefetched when idle, within 3 s, once signed in). Once is enough.
    if (size === "desktop") await page.waitForTimeout(3500);
    page.off("request", onRequest);
    expect(fetched.filter((u) => /\/assets\/(Room|markdown)-/.test(u))).toEqual([]);
    await capture("sign-in", size);
    await page.goto("/signup");
    await page.getByText(/Not a commonly used password/).waitFor();
    await page.getByLabel("Username").fill("grace");
    await page.getByLabel("Display name").fill("Grace Hopper");
    await page.getByLabel("Password", { exact: true }).fill("password1");
    await page.getByText(/commonly used|most used/).waitFor();
    await capture("sign-up", size);
  });

  it("the empty state, before any room", async () => {
    const fresh = await post<Session>(baseURL, "/auth/register", {
      username: `new_${size}_${Date.now().toString(36).slice(-4)}`,
      password: "correct horse battery",
      displayName: "New Person",
    });
    await page.goto("/signin");
    await page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify(fresh));
    await page.goto("/");
    await page.getByText("No rooms yet").waitFor();
    // One main landmark with an h1 at either size (on a phone the room list is the page).
    expect(await page.getByRole("main").count()).toBe(1);
    expect(await page.getByRole("main").getByRole("heading", { level: 1 }).count()).toBe(1);
    // The first step on offer, once at either size (beside the welcome on a desktop, in the list
    // on a phone), is a chat with the Assistant.
    const ask = page.getByRole("button", { name: "Chat with the Assistant" });
    expect(await ask.count()).toBe(1);
    if (size === "desktop") await page.getByRole("heading", { name: "Welcome to Parlor" }).waitFor();
    await capture("empty", size);
    // A double click makes one room, not two.
    await ask.dblclick();
    await page.getByRole("heading", { name: "Chat with Assistant" }).waitFor();
    await live(page);
    const { rooms } = await (await fetch(`${baseURL}/api/rooms`, { headers: { authorization: `Bearer ${fresh.token}` } })).json();
    expect(rooms.map((r: { title: string }) => r.title)).toEqual(["Chat with Assistant"]);
  });

  it("a room with GitHub-flavoured Markdown", async () => {
    await signIn();
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    const log = page.getByRole("log");
    await log.locator("table").waitFor();
    expect(await log.locator("th").allTextContents()).toEqual(["Time", "Stop", "Miles"]);
    expect(await log.locator(".md-task").count()).toBe(2);
    expect(await log.locator("del").textContent()).toBe("stove");
    expect(await log.locator("a[href='https://www.wta.org/']").count()).toBe(1);
    await log.locator("pre .hljs-comment").waitFor();
    await capture("room", size);
    // Placeholders carry instructions ("@Assistant to ask the AI"): 4.5:1 in both themes.
    const fields = [page.getByRole("textbox", { name: /^Message/ }), page.getByRole("searchbox")];
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      for (const field of fields)
        if (await field.isVisible())
          expect(await textContrast(field, "::placeholder"), `${theme} ${await field.getAttribute("placeholder")}`).toBeGreaterThanOrEqual(
            4.5,
          );
    }
  });

  it("room settings", async () => {
    await page.goto(`/rooms/${roomId}/settings`);
    await page.getByRole("heading", { name: "Members" }).waitFor();
    await capture("settings", size);
  });

  it("characters", async () => {
    await page.goto("/characters");
    await page.getByRole("heading", { name: "Assistant" }).waitFor();
    await capture("characters", size);
  });

  it("search, with the matching words marked", async () => {
    await page.goto("/");
    await page.getByLabel("Search rooms and messages").fill("lantern");
    const hits = page.getByRole("list", { name: "Matching messages" });
    await hits.locator("mark").first().waitFor({ timeout: 15_000 });
    expect((await hits.locator("mark").allTextContents()).map((m) => m.toLowerCase())).toContain("lantern");
    await capture("search", size);
  });

  it("an AI reply streaming in, its table rendered as it arrives", async () => {
    // A room of its own at each size, so each picture shows one reply.
    const ai = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Ask the assistant", characterId: "assistant" }, ada.token);
    await page.goto(`/rooms/${ai.room.id}`);
    await live(page);
    await page.getByRole("textbox", { name: /Message/ }).fill("Can you show me a table and some code?");
    await page.keyboard.press("Enter");
    const streaming = page.locator(".msg.is-ai.is-streaming");
    await streaming.locator("table tbody tr").first().waitFor({ timeout: 30_000 });
    // Half-written syntax never shows: no raw pipes in the bubble while it streams.
    expect(await streaming.locator(".bubble").textContent()).not.toMatch(/\|/);
    await capture("ai-streaming", size);
    await streaming.getByRole("button", { name: "Stop" }).click();
    await page.locator(".msg.is-ai").last().getByText("Stopped").waitFor();
  });
});
