// Acting on messages in the real app, two people in two windows: Ada at a desktop (1366×850)
// and Bob on a phone (390×844, touch). Actions show on hover, for the keyboard and after a long
// press; a copy is the Markdown source; an edit and a delete reach the other window; an edit the
// AI had answered offers a new reply (on a phone, under the bubble on its right, the bar closed
// by the edit); regenerating twice leaves ‹ 3 / 3 › in both windows, and
// flipping in one flips the other; a confirm button stays readable hovered and in the dark; a
// tall message's actions show inside the log when its top is scrolled away.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import {
  launch,
  live,
  overlaps,
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
let browser: Browser;
let ada: Person;
let bob: Person;
const inRoom = (u: URL) => /^\/rooms\/(?!new$)[^/]+$/.test(u.pathname);

/** A message in the log, by the text its bubble shows. */
const message = (page: Page, text: string) => page.getByRole("log").locator(".msg:not(.is-ai)").filter({ hasText: text }).last();
const reply = (page: Page) => page.getByRole("log").locator(".msg.is-ai").last();
const opacity = (l: Locator) => l.evaluate((el) => getComputedStyle(el).opacity);
/** Whether the actions show: built (on first approach) and neither hidden nor transparent. */
const shown = async (l: Locator) =>
  (await l.count()) > 0 && l.evaluate((el) => getComputedStyle(el).display !== "none" && getComputedStyle(el).opacity === "1");

/** A finger resting on the element (at `at`, or its middle) for `ms` (real touch events through
 * the DevTools protocol). */
async function longPress(p: Person, l: Locator, ms = 800, at?: { x: number; y: number }) {
  const box = await l.boundingBox();
  if (!box) throw new Error("nothing to press");
  const cdp = await p.ctx.newCDPSession(p.page);
  const point = at ?? { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await p.page.waitForTimeout(ms);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

/** Sets the open room's AI to answer mentions only, through the API as `p` (owner). */
async function repliesOnMentionOnly(p: Person) {
  const roomId = new URL(p.page.url()).pathname.split("/").pop();
  const status = await p.page.evaluate(async (id) => {
    const { token } = JSON.parse(localStorage.getItem("parlor.session") ?? "{}") as { token?: string };
    const res = await fetch(`/api/rooms/${id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ aiMode: "mention" }),
    });
    return res.status;
  }, roomId);
  expect(status).toBe(200);
}

beforeAll(async () => {
  browser = await launch();
  ada = await person(browser, baseURL, "Ada Lovelace", { width: 1366, height: 850 });
  bob = await person(browser, baseURL, "Bob Carter", { width: 390, height: 844, touch: true, scheme: "dark" });
  await ada.ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
});

afterEach(({ task }) => recordFailure(task, [ada, bob]));

afterAll(async () => {
  await browser?.close();
});

describe("message actions, desktop and phone", () => {
  it("opens a room with the Assistant for both", async () => {
    await signUp(ada);
    // On a phone the home screen is the room list, without the desktop's heading.
    await bob.page.goto("/signup");
    await bob.page.getByLabel("Username").fill(bob.username);
    await bob.page.getByLabel("Display name").fill(bob.displayName);
    await bob.page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await bob.page.getByRole("button", { name: "Create account" }).tap();
    await bob.page.waitForURL((u) => u.pathname === "/");
    await ada.page.getByRole("link", { name: "New room" }).first().click();
    await ada.page.getByLabel("Title").fill("Trip notes");
    await ada.page.getByRole("radio", { name: /Assistant/ }).check({ force: true });
    const invite = ada.page.getByLabel("Invite people");
    await invite.fill(bob.username);
    // One focus ring, the box's, not a second one inside it around the field.
    expect(await invite.evaluate((el) => getComputedStyle(el).boxShadow)).toBe("none");
    expect(await ada.page.locator(".chips-input").evaluate((el) => getComputedStyle(el).boxShadow)).not.toBe("none");
    await invite.press("Enter");
    await ada.page.getByRole("button", { name: `Remove ${bob.username}` }).waitFor();
    await ada.page.getByRole("button", { name: "Create room" }).click();
    await ada.page.waitForURL(inRoom);
    await live(ada.page);
    await bob.page.goto(new URL(ada.page.url()).pathname);
    await live(bob.page);
  });

  it("shows actions on hover and copies the Markdown source", async () => {
    await ada.page.getByLabel("Message Trip notes").fill("Pack a **tent**");
    await ada.page.keyboard.press("Enter");
    await reply(ada.page).locator(".bubble").waitFor();
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    const mine = message(ada.page, "Pack a tent");
    const tools = mine.locator(".msg-tools");
    await ada.page.mouse.move(5, 5);
    await expect.poll(() => shown(tools)).toBe(false);
    await mine.locator(".bubble").hover();
    await expect.poll(() => shown(tools)).toBe(true);
    // Beside her bubble, level with it: covering neither its text nor the message above.
    const [bar, bubble] = [await tools.boundingBox(), await mine.locator(".bubble").boundingBox()];
    if (!bar || !bubble) throw new Error("not laid out");
    expect(bar.x + bar.width).toBeLessThanOrEqual(bubble.x);
    expect(bar.y).toBeGreaterThanOrEqual(bubble.y - 1);
    await ada.page.mouse.move(5, 5);
    await expect.poll(() => opacity(tools)).toBe("0");
    await mine.locator(".bubble").hover();
    await expect.poll(() => opacity(tools)).toBe("1");
    await tools.getByRole("button", { name: "Copy message as Markdown" }).click();
    await tools.getByText("Copied").waitFor();
    expect(await ada.page.evaluate(() => navigator.clipboard.readText())).toBe("Pack a **tent**");
    await shot(ada.page, "actions-hover-desktop");
  });

  it("edits a message; the other window shows it, and the AI's reply can be regenerated", async () => {
    const mine = message(ada.page, "Pack a tent");
    await mine.locator(".bubble").hover();
    await mine.getByRole("button", { name: "Edit" }).click();
    const box = ada.page.getByRole("textbox", { name: "Edit message" });
    await box.fill("Pack a **tent** and a stove");
    await box.press("Enter");
    // The editor goes; the keyboard stays on the message, not on the page.
    const focused = () => ada.page.evaluate(() => document.activeElement?.closest(".msg")?.textContent ?? document.activeElement?.tagName);
    await expect.poll(focused).toContain("Pack a tent and a stove");
    const theirs = message(bob.page, "Pack a tent and a stove");
    await theirs.getByText("edited").waitFor();
    expect(await theirs.locator("strong").textContent()).toBe("tent");

    await mine.getByRole("button", { name: "Regenerate reply" }).click();
    for (const p of [ada, bob]) {
      await reply(p.page).getByRole("group", { name: "Reply versions" }).getByText("2 / 2").waitFor({ timeout: 30_000 });
    }
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
  });

  it("regenerates again from the phone after a long press, and flips versions in both windows", async () => {
    await bob.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    const theirs = reply(bob.page);
    // Hidden on a phone until a long press (so out of the accessibility tree: found by class).
    const tools = theirs.locator(".msg-tools");
    expect(await shown(tools)).toBe(false);
    // A tap, his first on this phone, says how to reach them, and opens nothing.
    await longPress(bob, theirs.locator(".bubble"), 60);
    const tip = bob.page.locator(".toast").filter({ hasText: "Press and hold a message to see what you can do with it." });
    await tip.waitFor({ timeout: 5000 });
    expect(await shown(tools)).toBe(false);
    // Over the header, not over the conversation it is about.
    const [tipBox, head] = [await tip.boundingBox(), await bob.page.locator(".chat-head").boundingBox()];
    expect(tipBox && head && tipBox.y < head.y + head.height).toBe(true);
    await longPress(bob, theirs.locator(".bubble"));
    await expect.poll(() => shown(tools)).toBe(true);
    const box = await tools.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    // Above the bubble it acts on, ending where the bubble ends: not out at the screen's edge.
    const bubble = await theirs.locator(".bubble").boundingBox();
    if (!box || !bubble) throw new Error("not laid out");
    expect(Math.abs(box.x + box.width - (bubble.x + bubble.width))).toBeLessThanOrEqual(1);
    expect(box.y + box.height).toBeLessThanOrEqual(bubble.y + 12);
    await shot(bob.page, "actions-long-press-phone");
    await tools.getByRole("button", { name: "Regenerate" }).tap();
    for (const p of [ada, bob]) {
      await reply(p.page).getByRole("group", { name: "Reply versions" }).getByText("3 / 3").waitFor({ timeout: 30_000 });
    }
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    const third = (await reply(ada.page).locator(".bubble").textContent()) ?? "";
    // On Bob's phone the arrows are small to look at but 44 × 44 px to hit.
    const bobFlipper = reply(bob.page).getByRole("group", { name: "Reply versions" });
    const arrow = (name: string) => bobFlipper.getByRole("button", { name });
    await bobFlipper.evaluate((el) => el.scrollIntoView({ block: "center" }));
    expect(await touchMisses([arrow("Previous version")])).toEqual([]);

    // Ada flips back to the first version: Bob's window follows.
    const flipper = reply(ada.page).getByRole("group", { name: "Reply versions" });
    await flipper.getByRole("button", { name: "Previous version" }).click();
    await flipper.getByText("2 / 3").waitFor();
    await flipper.getByRole("button", { name: "Previous version" }).click();
    for (const p of [ada, bob]) await reply(p.page).getByRole("group", { name: "Reply versions" }).getByText("1 / 3").waitFor();
    // At the first version the arrow says it does nothing, and keeps the focus it was given.
    const previous = flipper.getByRole("button", { name: "Previous version" });
    expect(await previous.getAttribute("aria-disabled")).toBe("true");
    expect(await previous.evaluate((el) => el === document.activeElement)).toBe(true);
    await bobFlipper.evaluate((el) => el.scrollIntoView({ block: "center" }));
    expect(await touchMisses([arrow("Next version")])).toEqual([]);
    expect(await reply(bob.page).locator(".bubble").textContent()).toBe(await reply(ada.page).locator(".bubble").textContent());
    expect(third.length).toBeGreaterThan(0);
  });

  it("on the phone, editing his own message closes its actions, and the new-reply offer sits under his bubble, on its right", async () => {
    await bob.page.getByLabel("Message Trip notes").fill("Bring the blue rain jackets for all of us");
    await bob.page.getByRole("button", { name: "Send" }).tap();
    const mine = message(bob.page, "Bring the blue rain jackets");
    await reply(bob.page).filter({ hasText: "blue rain jackets" }).waitFor({ timeout: 30_000 });
    await bob.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    await longPress(bob, mine.locator(".bubble"));
    const tools = mine.locator(".msg-tools");
    await expect.poll(() => shown(tools)).toBe(true);
    await tools.getByRole("button", { name: "Edit" }).tap();
    const box = bob.page.getByRole("textbox", { name: "Edit message" });
    await box.fill("Bring the green rain jackets for all of us");
    await bob.page.getByRole("log").getByRole("button", { name: "Save" }).tap();
    const edited = message(bob.page, "Bring the green rain jackets");
    await edited.getByText("edited").waitFor();
    // The edit was the action: its bar does not come back over the bubble's top.
    expect(await shown(edited.locator(".msg-tools"))).toBe(false);
    const offer = edited.getByRole("status").filter({ hasText: "The AI answered your earlier text." });
    await offer.waitFor();
    const [bubble, regenerate, keep] = await Promise.all([
      edited.locator(".bubble").boundingBox(),
      offer.getByRole("button", { name: "Regenerate reply" }).boundingBox(),
      offer.getByRole("button", { name: "Keep" }).boundingBox(),
    ]);
    if (!bubble || !regenerate || !keep) throw new Error("not laid out");
    // Its two buttons side by side, ending where the bubble ends.
    expect(Math.abs(keep.y - regenerate.y)).toBeLessThan(2);
    expect(Math.abs(keep.x + keep.width - (bubble.x + bubble.width))).toBeLessThan(2);
    await shot(bob.page, "edit-offer-phone");
    await offer.getByRole("button", { name: "Keep" }).tap();
    await offer.waitFor({ state: "detached" });
  });

  it("keeps the bar off a reply that grows under the pointer", async () => {
    // A reply stopped after its first words: its bar goes beside its short bubble.
    await ada.page.getByLabel("Message Trip notes").fill("@Assistant tell me a long story about tents");
    await ada.page.keyboard.press("Enter");
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ timeout: 30_000 });
    await ada.page.keyboard.press("Escape");
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    const short = reply(ada.page);
    await short.locator(".bubble").hover();
    const tools = short.locator(".msg-tools");
    await expect.poll(() => shown(tools)).toBe(true);
    const first = await short.locator(".bubble").boundingBox();
    // Regenerated with the pointer left on the reply: the new version is the whole reply.
    await short
      .locator(".msg-meta")
      .getByRole("button", { name: /Regenerate/ })
      .click();
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ timeout: 30_000 });
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    await expect.poll(() => shown(tools)).toBe(true);
    await ada.page.waitForTimeout(200);
    const [bar, bubble] = [await tools.boundingBox(), await short.locator(".bubble").boundingBox()];
    if (!first || !bar || !bubble) throw new Error("not laid out");
    expect(bubble.width).toBeGreaterThan(first.width);
    expect(overlaps(bar, bubble)).toBe(false);
  });

  it("deletes a message by keyboard; the other window shows the tombstone", async () => {
    await ada.page.getByLabel("Message Trip notes").fill("Delete me, please");
    await ada.page.keyboard.press("Enter");
    const mine = message(ada.page, "Delete me, please");
    await mine.locator(".bubble").waitFor();
    await message(bob.page, "Delete me, please").waitFor();
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    await ada.page.mouse.move(5, 5);
    // The message takes keyboard focus; Tab goes on into its actions (shown while focused) to
    // Delete; Enter asks, Tab moves from Cancel to Delete, Enter confirms.
    await mine.focus();
    await ada.page.keyboard.press("Tab");
    await expect.poll(() => opacity(mine.locator(".msg-tools"))).toBe("1");
    for (let i = 0; i < 4; i++) {
      if (await mine.getByRole("button", { name: "Delete message" }).evaluate((el) => el === document.activeElement)) break;
      await ada.page.keyboard.press("Tab");
    }
    await ada.page.keyboard.press("Enter");
    await ada.page.keyboard.press("Tab");
    await ada.page.keyboard.press("Enter");
    // The confirmation goes with the delete; the keyboard stays on the message, now a tombstone.
    await expect
      .poll(() => ada.page.evaluate(() => document.activeElement?.matches(".msg") && document.activeElement.textContent))
      .toContain("Message deleted");
    // The log's own focus ring, seen all round (Shift+Tab from the message lands on the log).
    await ada.page.keyboard.press("Shift+Tab");
    await shot(ada.page, "log-focused");
    for (const p of [ada, bob]) {
      const tombstone = p.page.getByRole("log").getByText("Message deleted");
      await tombstone.waitFor();
      expect(await message(p.page, "Delete me, please").count()).toBe(0);
      // Readable on Ada's own side (light) as on Bob's (dark): not grey on her bubble's colour.
      expect(await textContrast(tombstone)).toBeGreaterThanOrEqual(4.5);
    }
    expect([...ada.errors, ...bob.errors]).toEqual([]);
    expect([...ada.dialogs, ...bob.dialogs]).toEqual([]);
  });

  it("keeps Delete's confirm readable: under Ada's pointer, and in Bob's dark theme", async () => {
    // From here on the Assistant answers mentions only: these checks need no replies to wait for.
    await repliesOnMentionOnly(ada);
    const confirmIn = async (p: Person, text: string, open: (tools: Locator) => Promise<void>) => {
      await p.page.getByLabel("Message Trip notes").fill(text);
      await p.page.getByRole("button", { name: "Send message" }).click();
      const mine = message(p.page, text);
      await mine.locator(".bubble").waitFor();
      // The pending copy gives way to the stored message: press that one, not the one leaving.
      await p.page.locator(".msg.is-pending").waitFor({ state: "detached" });
      await p.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
      await open(mine);
      const confirm = mine.getByRole("button", { name: "Delete", exact: true });
      await confirm.waitFor();
      return { mine, confirm };
    };
    const a = await confirmIn(ada, "Readable under the pointer?", async (mine) => {
      await mine.hover();
      await mine.getByRole("button", { name: "Delete message" }).click();
    });
    await a.confirm.hover();
    await ada.page.waitForTimeout(250); // the colour's transition
    expect(await textContrast(a.confirm)).toBeGreaterThanOrEqual(4.5);
    await a.mine.getByRole("button", { name: "Cancel" }).click();
    const b = await confirmIn(bob, "Readable in the dark?", async (mine) => {
      await longPress(bob, mine.locator(".bubble"));
      await mine.getByRole("button", { name: "Delete message" }).tap();
    });
    await bob.page.waitForTimeout(250);
    expect(await textContrast(b.confirm)).toBeGreaterThanOrEqual(4.5);
    await b.mine.getByRole("button", { name: "Cancel" }).tap();
    expect([...ada.errors, ...bob.errors]).toEqual([]);
  });

  it("shows a tall message's actions inside the log when its top is scrolled away: hovered, and after a long press", async () => {
    const text = Array.from({ length: 45 }, (_, i) => `- Line ${i + 1} of a long list.`).join("\n");
    const composer = bob.page.getByLabel("Message Trip notes");
    await composer.fill(text);
    // On a phone Return is a new line (there is no Shift to hold with it), and Send sends.
    await composer.press("Enter");
    expect(await composer.inputValue()).toBe(`${text}\n`);
    expect(await bob.page.locator("#composer-hint kbd").first().isVisible()).toBe(false);
    await bob.page.getByRole("button", { name: "Send message" }).tap();
    for (const p of [ada, bob]) await message(p.page, "Line 45 of a long list.").locator(".bubble").waitFor();
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    /** The tall message with its bottom at the log's bottom, and the middle of its visible part. */
    const scrolledTo = async (p: Person) => {
      const tall = message(p.page, "Line 45 of a long list.");
      await tall.evaluate((el) => el.scrollIntoView({ block: "end" }));
      await p.page.waitForTimeout(300);
      const [box, log] = [await tall.boundingBox(), await p.page.getByRole("log").boundingBox()];
      if (!box || !log) throw new Error("not laid out");
      expect(box.y, "its top is above the log").toBeLessThan(log.y);
      return { tall, log, at: { x: box.x + box.width / 2, y: (log.y + Math.min(box.y + box.height, log.y + log.height)) / 2 } };
    };
    const insideLog = async (tools: Locator, log: { y: number; height: number }) => {
      await expect.poll(() => shown(tools)).toBe(true);
      const box = await tools.boundingBox();
      expect(box?.y).toBeGreaterThanOrEqual(log.y);
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(log.y + log.height);
    };
    const onDesk = await scrolledTo(ada);
    await ada.page.mouse.move(onDesk.at.x, onDesk.at.y);
    await insideLog(onDesk.tall.locator(".msg-tools"), onDesk.log);
    await ada.page.mouse.move(5, 5);
    const onPhone = await scrolledTo(bob);
    await longPress(bob, onPhone.tall.locator(".bubble"), 800, onPhone.at);
    await insideLog(onPhone.tall.locator(".msg-tools"), onPhone.log);
    expect([...ada.errors, ...bob.errors]).toEqual([]);
  });

  it("reaches the newest message from the header by Tab, without a jump up the log; the arrows go on, and the ring stands out", async () => {
    const log = ada.page.getByRole("log");
    await log.evaluate((el) => void (el.scrollTop = el.scrollHeight));
    await ada.page.waitForTimeout(300);
    const scrollTop = () => log.evaluate((el) => el.scrollTop);
    const before = await scrollTop();
    // From the header's last control: Tab reaches the log, and Tab again its newest message.
    await ada.page.getByRole("link", { name: "Room settings" }).focus();
    await ada.page.keyboard.press("Tab");
    expect(await log.evaluate((el) => el === document.activeElement)).toBe(true);
    await ada.page.keyboard.press("Tab");
    const active = () => ada.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.seq ?? "");
    const newest = await ada.page.evaluate(() =>
      Math.max(...[...document.querySelectorAll<HTMLElement>(".log [data-seq]")].map((e) => Number(e.dataset.seq))),
    );
    expect(await active()).toBe(String(newest));
    // Brought wholly into view at most, not a jump up the conversation.
    expect(Math.abs((await scrollTop()) - before)).toBeLessThanOrEqual(40);
    await ada.page.keyboard.press("ArrowUp");
    expect(Number(await active())).toBeLessThan(newest);
    // The ring: its outer colour against the log's background, at least 3:1 (WCAG 2.2, 1.4.11).
    const ring = await ada.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const colours = getComputedStyle(el).boxShadow.match(/rgba?\([^)]*\)/g) ?? [];
      const lum = (css: string) => {
        const [r = 0, g = 0, b = 0] = (css.match(/[\d.]+/g) ?? []).map((v) => Number(v) / 255);
        const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      };
      const [fg, bg] = [lum(colours.at(-1) ?? ""), lum(getComputedStyle(document.querySelector(".log") as HTMLElement).backgroundColor)];
      return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    });
    expect(ring).toBeGreaterThanOrEqual(3);
  });

  it("edits her newest message with Up from the empty composer, as in the chat apps people know", async () => {
    // Bob may still be scrolled up from the tall message, his log holding still: back to the
    // latest, where new messages come into view.
    const jump = bob.page.getByRole("button", { name: /newer message|Jump to latest/ });
    if (await jump.isVisible()) await jump.tap();
    const composer = ada.page.getByLabel("Message Trip notes");
    await composer.fill("Bring a map");
    await composer.press("Enter");
    await message(bob.page, "Bring a map").waitFor();
    await ada.page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 30_000 });
    // Bob answers, so her message is not the last line.
    const roomId = new URL(ada.page.url()).pathname.split("/").pop();
    await post(baseURL, `/rooms/${roomId}/messages`, { content: "Got it" }, await tokenOf(bob.page));
    await message(ada.page, "Got it").waitFor();
    // A short window, so the log scrolls and sits at its bottom.
    await ada.page.setViewportSize({ width: 1366, height: 520 });
    // A reply came after it: Up still opens her own newest message, not the AI's.
    await composer.press("ArrowUp");
    const box = ada.page.getByRole("textbox", { name: "Edit message" });
    await box.waitFor();
    expect(await box.inputValue()).toBe("Bring a map");
    // The log stays at the bottom while the editor fits: Bob's answer is still in view.
    const lowest = async () => {
      const [log, newest] = await Promise.all([ada.page.getByRole("log").boundingBox(), message(ada.page, "Got it").boundingBox()]);
      return log && newest ? Math.round(newest.y + newest.height - (log.y + log.height)) : Number.NaN;
    };
    await expect.poll(lowest).toBeLessThanOrEqual(0);
    await ada.page.setViewportSize({ width: 1366, height: 850 });
    await box.fill("Bring a map and a compass");
    await box.press("Enter");
    await message(bob.page, "Bring a map and a compass").getByText("edited").waitFor();
    // The keyboard is back in the composer: what she types next is her next message.
    await ada.page.keyboard.type("and snacks");
    expect(await composer.inputValue()).toBe("and snacks");
    // So after Escape too.
    await composer.fill("");
    await composer.press("ArrowUp");
    await box.press("Escape");
    await box.waitFor({ state: "detached" });
    await ada.page.keyboard.type("or not");
    expect(await composer.inputValue()).toBe("or not");
    // With something typed, Up moves the caret as it always does.
    await composer.fill("a draft");
    await composer.press("ArrowUp");
    expect(await box.count()).toBe(0);
    expect(await composer.inputValue()).toBe("a draft");
    await composer.fill("");
  });

  it("offers Regenerate only where it can work, and asks once for a double click", async () => {
    const { page } = ada;
    await page.getByLabel("Message Trip notes").fill("@Assistant and what about stoves?");
    await page.keyboard.press("Enter");
    const writing = page.locator(".msg.is-ai.is-streaming");
    await writing.waitFor({ timeout: 30_000 });
    // While a reply is being written, an earlier one offers no Regenerate (the room writes one at a time).
    // The first reply (to "Pack a tent…", which is still there): it could be regenerated otherwise.
    const earlier = page.getByRole("log").locator(".msg.is-ai").first();
    // By the keyboard: the log follows the growing reply, so a pointer would not stay on it.
    await earlier.focus();
    await expect.poll(() => shown(earlier.locator(".msg-tools"))).toBe(true);
    expect(await earlier.getByRole("button", { name: "Copy message as Markdown" }).count()).toBe(1);
    expect(await earlier.getByRole("button", { name: "Regenerate" }).count()).toBe(0);
    await writing.waitFor({ state: "detached", timeout: 30_000 });

    // A double click on Regenerate writes one new version, with no complaint about the second click.
    const newest = reply(page);
    await newest.locator(".bubble").hover();
    await newest.locator(".msg-tools").getByRole("button", { name: "Regenerate" }).dblclick();
    await writing.waitFor({ timeout: 30_000 });
    await writing.waitFor({ state: "detached", timeout: 30_000 });
    await newest.getByRole("group", { name: "Reply versions" }).getByText("2 / 2").waitFor();
    expect(await page.locator(".chat-banner").count()).toBe(0);

    // Its question deleted, the reply cannot be written again: no Regenerate on it.
    const question = message(page, "and what about stoves?");
    await question.locator(".bubble").hover();
    await question.getByRole("button", { name: "Delete message" }).click();
    await question.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("log").getByText("Message deleted").last().waitFor();
    await newest.locator(".bubble").hover();
    await expect.poll(() => shown(newest.locator(".msg-tools"))).toBe(true);
    expect(await newest.getByRole("button", { name: "Regenerate" }).count()).toBe(0);
    expect([...ada.errors, ...bob.errors]).toEqual([]);
  });
});
