// Mentioning from the composer, as people do it: Ada at desktop size types "@gr" in a room
// whose AI answers only when mentioned, picks its two-word name from the list with Enter and
// the AI answers; Bob on a phone taps Ada in the list. The list opens above the box, inside
// the screen, with options a thumb can hit, and the placeholder names the AI the way that
// wakes it (the whole name, not its first word). In the log, mentions of the room's names are
// marked, a message that names you stands out, and every marked name keeps 4.5:1.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import {
  a11yViolations,
  bubbles,
  launch,
  live,
  type Person,
  person,
  post,
  recordFailure,
  shot,
  signUp,
  textContrast,
  tokenOf,
  touchMisses,
} from "./support";

const baseURL = inject("baseURL");
const WAIT = { timeout: 20_000 };
let browser: Browser;
let ada: Person;
let bob: Person;
let roomId: string;
let characterId: string;

/** Changes the room as its owner, Ada, through the API. */
async function patchRoom(body: object): Promise<Response> {
  return fetch(`${baseURL}/api/rooms/${roomId}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${await tokenOf(ada.page)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Changes Ada's character through the API. */
async function patchCharacter(body: object): Promise<Response> {
  return fetch(`${baseURL}/api/characters/${characterId}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${await tokenOf(ada.page)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Where the list sits against the composer's box and the window, in CSS pixels. */
async function placement(page: Page, list: Locator) {
  const box = await page.locator(".composer-box").boundingBox();
  const menu = await list.boundingBox();
  const view = page.viewportSize();
  if (!box || !menu || !view) throw new Error("list, box or viewport not laid out");
  return { above: menu.y + menu.height <= box.y + 0.5, inside: menu.x >= 0 && menu.y >= 0 && menu.x + menu.width <= view.width };
}

beforeAll(async () => {
  browser = await launch();
  ada = await person(browser, baseURL, "Ada Lovelace", { width: 1366, height: 850 });
  bob = await person(browser, baseURL, "Bob Carter", { width: 390, height: 844, touch: true, scheme: "dark" });
  await signUp(ada);
  await signUp(bob);
  const token = await tokenOf(ada.page);
  const { character } = await post<{ character: { id: string } }>(
    baseURL,
    "/characters",
    { name: "Grace Hopper", systemPrompt: "You explain compilers." },
    token,
  );
  const { room } = await post<{ room: { id: string } }>(
    baseURL,
    "/rooms",
    { title: "Compilers", characterId: character.id, aiMode: "mention", members: [bob.username] },
    token,
  );
  roomId = room.id;
  characterId = character.id;
});

afterEach(({ task }) => recordFailure(task, [ada, bob]));

afterAll(async () => {
  await browser?.close();
});

describe("mentions from the composer", () => {
  it("at desktop size: the AI's whole name is picked with the keyboard, and it answers", async () => {
    const page = ada.page;
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    const box = page.getByRole("textbox", { name: "Message Compilers" });
    expect(await box.getAttribute("placeholder")).toContain("@Grace Hopper");
    await box.pressSequentially("@gr");
    const list = page.getByRole("listbox", { name: "Mention someone" });
    await list.waitFor();
    expect(await list.getByRole("option").allTextContents()).toEqual([expect.stringContaining("Grace Hopper")]);
    expect(await placement(page, list)).toEqual({ above: true, inside: true });
    expect(await a11yViolations(page)).toEqual([]);
    await shot(page, "mention-desktop-light");
    await box.press("Enter");
    expect(await box.inputValue()).toBe("@Grace Hopper ");
    await list.waitFor({ state: "detached" });
    await box.pressSequentially("what does a compiler do?");
    await box.press("Enter");
    await bubbles(page).filter({ hasText: "what does a compiler do?" }).waitFor(WAIT);
    // The AI answers only when mentioned: its reply is the proof the name was whole.
    await page.getByRole("log").locator(".msg.is-ai").first().waitFor(WAIT);
    // In her own bubble the name is marked, and its text keeps 4.5:1 on the accent.
    const mine = page.getByRole("log").locator(".msg.is-mine .md-mention");
    expect(await mine.allTextContents()).toEqual(["@Grace Hopper"]);
    expect(await textContrast(mine)).toBeGreaterThanOrEqual(4.5);
    expect(ada.errors).toEqual([]);
  });

  it("at phone size: a person is picked with a tap on an option a thumb can hit", async () => {
    const page = bob.page;
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    const box = page.getByRole("textbox", { name: "Message Compilers" });
    // Bob does not own the character, and still sees whom the room's AI is and how to wake it.
    await expect.poll(() => box.getAttribute("placeholder"), WAIT).toContain("@Grace Hopper");
    await box.tap();
    await box.pressSequentially("thanks @lov");
    const list = page.getByRole("listbox", { name: "Mention someone" });
    await list.waitFor();
    const option = list.getByRole("option", { name: new RegExp(`@${ada.username}`) });
    expect(await list.getByRole("option").count()).toBe(1);
    expect(await placement(page, list)).toEqual({ above: true, inside: true });
    expect(await touchMisses([option])).toEqual([]);
    await shot(page, "mention-phone-dark");
    await option.tap();
    expect(await box.inputValue()).toBe(`thanks @${ada.username} `);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("composer-input");
    await page.getByRole("button", { name: "Send message" }).tap();
    await bubbles(ada.page)
      .filter({ hasText: `thanks @${ada.username}` })
      .waitFor(WAIT);
    // Ada sees the message marked as one that names her, and her name in the highlight colour.
    const forAda = ada.page.getByRole("log").locator(".msg.mentions-me");
    expect(await forAda.locator(".md-mention.is-me").allTextContents()).toEqual([`@${ada.username}`]);
    expect(await textContrast(forAda.locator(".md-mention.is-me"))).toBeGreaterThanOrEqual(4.5);
    // Bob, in the dark, sees the AI's name marked in Ada's message and Ada's in his own.
    const log = page.getByRole("log");
    for (const mention of [log.locator(".msg:not(.is-mine) .md-mention").first(), log.locator(".msg.is-mine .md-mention")])
      expect(await textContrast(mention)).toBeGreaterThanOrEqual(4.5);
    expect(await log.locator(".msg.mentions-me").count()).toBe(0);
    await shot(ada.page, "mention-marked-desktop-light");
    expect(bob.errors).toEqual([]);
  });

  it("at phone size: a member renames the room and keeps the character someone else owns", async () => {
    const page = bob.page;
    await page.goto(`/rooms/${roomId}/settings`);
    const grace = page.getByRole("radio", { name: /Grace Hopper/ });
    await grace.waitFor({ state: "attached", ...WAIT });
    expect(await grace.isChecked()).toBe(true);
    await page.getByRole("textbox", { name: "Title" }).fill("Compilers, day two");
    await page.getByRole("button", { name: "Save changes" }).tap();
    await page.getByText("Settings saved").waitFor(WAIT);
    await page.getByRole("link", { name: "Back to the room" }).tap();
    await page.getByRole("heading", { name: "Compilers, day two" }).waitFor(WAIT);
    // Ada renames her character: Bob's open room names it anew, the way that wakes it.
    const box = page.getByRole("textbox", { name: /Message Compilers/ });
    expect((await patchCharacter({ name: "Amazing Grace" })).status).toBe(200);
    await expect.poll(() => box.getAttribute("placeholder"), WAIT).toContain("@Amazing Grace");
    expect(await page.locator(".chat-sub").textContent()).toContain("Amazing Grace");
    // On the phone the header's line under the title shows each part whole, or leaves it out
    // (still read out): the AI's name first, never "· 2 m…".
    const parts = await page.locator(".chat-sub").evaluate((sub) => {
      const line = sub.getBoundingClientRect();
      return [...sub.children].map((part) => {
        const box = part.getBoundingClientRect();
        const shown = box.top < line.bottom;
        return { text: part.textContent, shown, whole: !shown || (part.scrollWidth <= part.clientWidth && box.right <= line.right + 0.5) };
      });
    });
    expect(parts.map((p) => p.text)).toEqual(["with Amazing Grace", "· 2 members"]);
    expect(parts[0]).toMatchObject({ shown: true, whole: true });
    expect(parts.every((p) => p.whole)).toBe(true);
    // Ada takes the AI out of the room: Bob's open room stops offering and naming it.
    expect((await patchRoom({ characterId: null })).status).toBe(200);
    await expect.poll(() => box.getAttribute("placeholder"), WAIT).not.toContain("Amazing Grace");
    await box.tap();
    await box.pressSequentially("@gr");
    await page.waitForTimeout(300);
    expect(await page.getByRole("listbox", { name: "Mention someone" }).count()).toBe(0);
    expect(await page.locator(".chat-sub").textContent()).not.toContain("Amazing Grace");
    await box.fill("");
    expect(bob.errors).toEqual([]);
  });

  it("at phone size: settings open while the owner changes the AI follow it, and a rename still saves", async () => {
    const page = bob.page;
    expect((await patchRoom({ characterId: "assistant", aiMode: "mention" })).status).toBe(200);
    await page.goto(`/rooms/${roomId}/settings`);
    await page.getByRole("radio", { name: /Assistant/ }).waitFor({ state: "attached", ...WAIT });
    await expect.poll(() => page.getByRole("radio", { name: /Assistant/ }).isChecked(), WAIT).toBe(true);
    // Ada takes the AI out while Bob's settings are open.
    expect((await patchRoom({ characterId: null })).status).toBe(200);
    await expect.poll(() => page.getByRole("radio", { name: /No AI/ }).isChecked(), WAIT).toBe(true);
    await page.getByRole("textbox", { name: "Title" }).fill("Compilers, day three");
    await page.getByRole("button", { name: "Save changes" }).tap();
    await page.getByText("Settings saved").waitFor(WAIT);
    const token = await tokenOf(ada.page);
    const room = (await (await fetch(`${baseURL}/api/rooms/${roomId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      room: { title: string; characterId: string | null };
    };
    expect(room.room).toMatchObject({ title: "Compilers, day three", characterId: null });
    expect(bob.errors).toEqual([]);
  });

  it("at phone size: asks before leaving room settings with a change not saved, and keeps it when he stays", async () => {
    const page = bob.page;
    await page.goto(`/rooms/${roomId}/settings`);
    const titleBox = page.getByRole("textbox", { name: "Title" });
    await expect.poll(() => titleBox.inputValue(), WAIT).not.toBe("");
    const saved = await titleBox.inputValue();
    await titleBox.fill("Compilers, not saved");
    const asked = bob.dialogs.length;
    // The page's own dialog handler says no (support.ts): he stays, his text kept.
    await page.getByRole("link", { name: "Back to the room" }).tap();
    await expect.poll(() => bob.dialogs.length, WAIT).toBe(asked + 1);
    expect(bob.dialogs.at(-1)).toBe("confirm: Leave without saving your changes?");
    expect(new URL(page.url()).pathname).toBe(`/rooms/${roomId}/settings`);
    expect(await titleBox.inputValue()).toBe("Compilers, not saved");
    // Put back as it was: nothing would be lost, so nothing is asked.
    await titleBox.fill(saved);
    await page.getByRole("link", { name: "Back to the room" }).tap();
    await page.waitForURL((u) => u.pathname === `/rooms/${roomId}`, WAIT);
    expect(bob.dialogs.length).toBe(asked + 1);
  });

  it("does not mark a message as naming you when your name is only in code or a link", async () => {
    const page = bob.page;
    await page.goto(`/rooms/${roomId}`);
    await live(page);
    const box = page.getByRole("textbox", { name: /Message Compilers/ });
    await box.fill(`see \`@${ada.username}\` and [@${ada.username}](https://example.com/x)`);
    await page.getByRole("button", { name: "Send message" }).tap();
    const quoted = ada.page.getByRole("log").locator(".msg").filter({ hasText: "see @" });
    await ada.page.goto(`/rooms/${roomId}`);
    await quoted.waitFor(WAIT);
    expect(await quoted.evaluate((el) => el.classList.contains("mentions-me"))).toBe(false);
    expect(await quoted.locator(".md-mention").count()).toBe(0);
  });

  it("a direct chat is called after the other person, in each one's list and header, not after its first message", async () => {
    const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { members: [bob.username] }, await tokenOf(ada.page));
    await ada.page.goto(`/rooms/${room.id}`);
    await live(ada.page);
    const box = ada.page.getByRole("textbox", { name: /^Message/ });
    await box.fill("lunch on Friday?");
    await box.press("Enter");
    await bubbles(ada.page).filter({ hasText: "lunch on Friday?" }).waitFor(WAIT);
    await expect.poll(() => ada.page.locator("#room-title").textContent(), WAIT).toBe("Bob Carter");
    const row = ada.page.locator(".room-row", { hasText: "lunch on Friday?" }).locator(".room-row-title");
    await expect.poll(() => row.textContent(), WAIT).toBe("Bob Carter");
    // Bob, on his phone, sees it under Ada's name.
    await bob.page.goto("/");
    const titles = bob.page.locator(".room-row-title");
    await expect.poll(() => titles.allTextContents(), WAIT).toContain("Ada Lovelace");
    expect(await titles.allTextContents()).not.toContain("lunch on Friday?");
    await shot(bob.page, "direct-chat-list-phone-dark");
  });

  it("a display name changed on the Account page shows at once: to her, and on her earlier messages in Bob's open room", async () => {
    await post(baseURL, `/rooms/${roomId}/messages`, { content: "a line from before the rename" }, await tokenOf(ada.page));
    const earlier = bob.page.getByRole("log").locator(".msg", { hasText: "a line from before the rename" }).locator(".msg-head");
    await bob.page.goto(`/rooms/${roomId}`);
    await live(bob.page);
    await expect.poll(() => earlier.textContent(), WAIT).toContain("Ada Lovelace");
    const page = ada.page;
    await page.goto("/account");
    const field = page.getByRole("textbox", { name: "Display name" });
    const save = page.getByRole("button", { name: "Save name" });
    await expect.poll(() => field.inputValue(), WAIT).toBe("Ada Lovelace");
    expect(await save.isDisabled()).toBe(true);
    await field.fill("   ");
    await save.click();
    await page.getByText("Enter the name people should see.").waitFor(WAIT);
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    await field.fill("Ada King");
    await save.click();
    await page.getByText(/Display name changed/).waitFor(WAIT);
    expect(await page.locator(".sidebar-foot .me-name").textContent()).toBe("Ada King");
    expect(await save.isDisabled()).toBe(true);
    expect(await a11yViolations(page)).toEqual([]);
    await shot(page, "account-renamed-desktop-light");
    // Ada has no socket open in the room: Bob's phone hears of it from the room, without a reload.
    await expect.poll(() => earlier.textContent(), WAIT).toContain("Ada King");
    expect(await earlier.textContent()).not.toContain("Lovelace");
    await shot(bob.page, "renamed-author-phone-dark");
    expect([ada.errors, bob.errors]).toEqual([[], []]);
  });
});
