// The characters screens as a person uses them, at phone size in the dark theme: a character is
// made through the form with an avatar (an emoji) and a description as long as the API takes,
// and the avatar is what its card, the room's header, its replies, the room list and the character choice show; the
// built-in Assistant has no edit form to offer; deleting asks with the character's name and
// says what happens to the rooms using it. A reply held back by the person's limit on replies
// at once says why, and counts down to its next try.
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, type Person, person, post, recordFailure, signUp, textContrast, tokenOf } from "./support";

const baseURL = inject("baseURL");
const WAIT = { timeout: 20_000 };
const DESCRIPTION = `${`Knows every stock and sauce. ${"Slow-cooked, never rushed. ".repeat(10)}`.slice(0, 279)}!`;
let browser: Browser;
let cook: Person;

beforeAll(async () => {
  browser = await launch();
  cook = await person(browser, baseURL, "Remy Cook", { width: 390, height: 844, touch: true, scheme: "dark" });
  await signUp(cook);
});

afterEach(({ task }) => recordFailure(task, [cook]));

afterAll(async () => {
  await browser?.close();
});

describe("characters", () => {
  it("made with an avatar and a 280-character description, shown on its card, in its room and in settings", async () => {
    const page = cook.page;
    await page.goto("/characters/new");
    await page.getByLabel("Name").fill("Sous-chef");
    await page.getByLabel("Avatar").fill("🧑‍🍳");
    await page.getByLabel("Description").fill(DESCRIPTION);
    await page.getByLabel("Instructions (system prompt)").fill("You suggest recipes from what people have at home.");
    await page.getByRole("button", { name: "Create character" }).tap();
    const card = page.getByRole("list", { name: "Characters" }).getByRole("listitem").filter({ hasText: "Sous-chef" });
    await card.waitFor(WAIT);
    expect(await card.locator(".avatar-emoji").textContent()).toBe("🧑‍🍳");
    // The form kept every character of the description (it stopped at 200).
    expect(await card.locator(".character-desc").textContent()).toBe(DESCRIPTION);
    await card.getByRole("button", { name: "Start chat" }).tap();
    await page.getByRole("heading", { name: "Chat with Sous-chef" }).waitFor(WAIT);
    await expect.poll(() => page.locator(".chat-head .avatar-emoji").textContent(), WAIT).toBe("🧑‍🍳");
    // Its replies, and the room in the list, wear it too, not the generic sparkle.
    const box = page.getByRole("textbox", { name: /^Message/ });
    await box.fill("What can I cook with three eggs?");
    await page.getByRole("button", { name: "Send message" }).tap();
    await expect.poll(() => page.locator(".msg.is-ai .avatar-emoji").first().textContent(), WAIT).toBe("🧑‍🍳");
    const roomPath = new URL(page.url()).pathname;
    await page.getByRole("link", { name: "Back to rooms" }).tap();
    const row = page.locator(".room-row", { hasText: "Sous-chef" });
    await expect.poll(() => row.locator(".avatar-emoji").textContent(), WAIT).toBe("🧑‍🍳");
    await page.goto(`${roomPath}/settings`);
    await page.getByRole("radio", { name: /Sous-chef/ }).waitFor({ state: "attached", ...WAIT });
    expect(await page.locator(".choice.is-selected .avatar-emoji").textContent()).toBe("🧑‍🍳");
    expect(cook.errors).toEqual([]);
  });

  it("shows a refused field's reason under that field, and clears it as the person fixes it", async () => {
    const page = cook.page;
    await page.goto("/characters/new");
    // Nothing filled in: the name is what is missing, said under it, and the focus goes there.
    await page.getByRole("button", { name: "Create character" }).tap();
    const name = page.getByLabel("Name");
    await page.locator("#character-name-error").filter({ hasText: "Give the character a name." }).waitFor(WAIT);
    await expect.poll(() => name.evaluate((el) => el === document.activeElement), WAIT).toBe(true);
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    // Typed key by key: the error goes with the first key, and no key after it is lost.
    await name.pressSequentially("Pastry chef");
    expect(await name.inputValue()).toBe("Pastry chef");
    expect(await name.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByLabel("Instructions (system prompt)").fill("You bake.");
    const model = page.getByLabel("Model (optional)");
    await model.fill("gpt-4o");
    await page.getByRole("button", { name: "Create character" }).tap();
    await page.getByRole("alert").filter({ hasText: "Check the field marked below." }).waitFor(WAIT);
    expect(await model.getAttribute("aria-invalid")).toBe("true");
    // The server's refusal puts the cursor in the field at fault, as the form's own checks do.
    await expect.poll(() => model.evaluate((el) => el === document.activeElement), WAIT).toBe(true);
    // Said under the field, without the field's name in front (it was "model: a model name: …"; now it says what to write).
    const why = page.locator("#character-model-error");
    expect(await why.textContent()).toMatch(/^Write the model as gemini-/);
    await model.fill("");
    await why.waitFor({ state: "detached", ...WAIT });
    expect(await page.getByRole("alert").count()).toBe(0);
    // A temperature out of range is said under its field too, not in the browser's own bubble.
    const temperature = page.getByLabel(/Temperature/);
    await temperature.fill("3");
    await page.getByRole("button", { name: "Create character" }).tap();
    await page.locator("#character-temperature-error").filter({ hasText: "A number from 0 to 2." }).waitFor(WAIT);
    await temperature.fill("");
    await page.getByRole("button", { name: "Create character" }).tap();
    await page.getByRole("list", { name: "Characters" }).getByText("Pastry chef").waitFor(WAIT);
  });

  it("starts a screen opened from the keyboard at its title, not on the page's body", async () => {
    const page = cook.page;
    const { room } = await post<{ room: { id: string } }>(baseURL, "/rooms", { title: "Kitchen" }, await tokenOf(page));
    await page.goto(`/rooms/${room.id}`);
    await page.getByRole("link", { name: "Room settings" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Room settings" }).waitFor(WAIT);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()), WAIT).toBe("Room settings");
  });

  it("offers no edit form for the built-in Assistant", async () => {
    const page = cook.page;
    await page.goto("/characters/assistant");
    await page.getByRole("heading", { name: "Assistant is built in" }).waitFor(WAIT);
    expect(await page.getByRole("button", { name: /Save/ }).count()).toBe(0);
  });

  it("says why a reply waits, and counts down to its next try, when the person's replies are at their limit", async () => {
    const page = cook.page;
    const token = await tokenOf(page);
    const rooms: string[] = [];
    for (const title of ["Soups", "Sauces", "Stocks", "Roasts", "Breads"]) {
      rooms.push((await post<{ room: { id: string } }>(baseURL, "/rooms", { title, characterId: "assistant" }, token)).room.id);
    }
    // The local queue hands its consumer one batch at a time: the first question's long reply
    // (the dummy's Markdown showcase, about 11 s at the e2e's pace) holds the queue while the
    // next four questions gather into one batch. Of those four, three are written at once (the
    // e2e server's AI_REPLIES_AT_ONCE is 3), and the last one asked waits its turn.
    const ask = (roomId: string, content: string) => post(baseURL, `/rooms/${roomId}/messages`, { content }, token);
    await ask(rooms[0] as string, "Show me a table, please.");
    for (const roomId of rooms.slice(1, 4)) await ask(roomId, "Hello there.");
    // The last one waits its turn, and the room says so in place of "Writing…".
    await page.goto(`/rooms/${rooms[4]}`);
    await page.getByRole("textbox", { name: /Message/ }).fill("What bread goes with soup?");
    await page.getByRole("button", { name: "Send" }).tap();
    const reply = page.locator(".msg.is-ai").last();
    const why = reply.getByText("Waiting its turn: one person's messages get at most 3 AI replies at once.");
    await why.waitFor({ timeout: 60_000 });
    expect(await textContrast(why)).toBeGreaterThanOrEqual(4.5);
    expect(await reply.getAttribute("class")).toContain("is-waiting");
    await reply.getByText(/^Trying again (in \d+ s\.|now…)$/).waitFor(WAIT);
    expect(await reply.getByText("Writing…").count()).toBe(0);
    // Its turn comes: the reply is written, and the waiting words go.
    await reply.getByText(/What bread goes with soup/).waitFor({ timeout: 60_000 });
    await page.locator(".msg.is-ai.is-streaming").waitFor({ state: "detached", timeout: 60_000 });
    expect(await why.count()).toBe(0);
    expect(cook.errors).toEqual([]);
  });

  it("asks before deleting, naming the character and what its rooms keep", async () => {
    const page = cook.page;
    await page.goto("/characters");
    // On the phone the back arrow sits beside the title, as on every other page, and New
    // character under them on the right.
    const [back, title, add] = await Promise.all([
      page.getByRole("link", { name: "Back to rooms" }).boundingBox(),
      page.getByRole("heading", { level: 1, name: "AI characters" }).boundingBox(),
      page.getByRole("link", { name: "New character" }).boundingBox(),
    ]);
    if (!back || !title || !add) throw new Error("not laid out");
    expect(back.x + back.width).toBeLessThanOrEqual(title.x);
    expect(Math.abs(back.y + back.height / 2 - (title.y + title.height / 2))).toBeLessThan(8);
    expect(add.y).toBeGreaterThan(title.y + title.height);
    expect(add.x + add.width).toBeGreaterThan(390 - 40);
    const card = page.getByRole("list", { name: "Characters" }).getByRole("listitem").filter({ hasText: "Sous-chef" });
    await card.getByRole("button", { name: "Delete Sous-chef" }).tap();
    await card.getByText("Delete Sous-chef? Rooms using it keep their messages and stop getting replies.").waitFor(WAIT);
    await card.getByRole("button", { name: "Delete", exact: true }).tap();
    await card.waitFor({ state: "detached", ...WAIT });
    expect(cook.errors).toEqual([]);
  });
});
