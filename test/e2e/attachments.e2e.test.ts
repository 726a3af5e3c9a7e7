// Attachments and AI budgets in the real app, in Chromium: Ada (desktop) pastes a picture into
// the composer, it uploads and is sent, both she and Bob (phone) see its thumbnail, Bob opens
// it in the viewer, and the AI (the dummy, offline) says what it received. Then Ada spends her
// daily AI budget (AI_DAILY_TOKENS_PER_PERSON is 7,000 in the e2e server) and sees the
// message that says so, and when it resets, instead of a reply, and her use on the AI
// characters page.
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, live, type Person, person, post, recordFailure, shot, signUp } from "./support";

const baseURL = inject("baseURL");
let browser: Browser;
let ada: Person;
let bob: Person;
let roomId = "";
let adaToken = "";

const token = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem("parlor.session") ?? "{}") as { token: string }).token);

/** Draws a PNG in the page (a 640×480 chart unless told) and pastes it into the composer. */
function pasteChart(page: Page, picture = { name: "chart.png", width: 640, height: 480 }) {
  return page.evaluate(async ({ name, width, height }) => {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext("2d") as CanvasRenderingContext2D;
    g.fillStyle = "#5b5bd6";
    g.fillRect(0, 0, width, height);
    g.fillStyle = "#fde68a";
    for (let i = 0; i < 6; i++) g.fillRect(40 + i * 95, 440 - i * 60, 60, i * 60 + 20);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b as Blob), "image/png"));
    const data = new DataTransfer();
    data.items.add(new File([blob], name, { type: "image/png" }));
    const box = document.getElementById("composer-input") as HTMLTextAreaElement;
    box.focus();
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, picture);
}

/** Sends what the composer holds once its files are uploaded; settles when the stored message
 * has replaced the pending copy (what a test then measures). */
async function sendOnceUploaded(page: Page) {
  const send = page.getByRole("button", { name: "Send message" });
  await expect.poll(() => send.isEnabled(), { timeout: 15_000 }).toBe(true);
  // Send is there while a file still uploads (it then asks to wait): every file done first.
  await expect.poll(() => page.getByRole("list", { name: "Files to send" }).locator("progress").count(), { timeout: 15_000 }).toBe(0);
  await send.click();
  await page.locator(".msg.is-pending").waitFor({ state: "detached" });
}

/** The natural width of the first thumbnail once its image has loaded. */
async function thumbnailWidth(page: Page): Promise<number> {
  const img = page.getByRole("log").locator(".msg-thumb img").first();
  await img.waitFor({ timeout: 20_000 });
  await page.waitForFunction(
    (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
    await img.elementHandle(),
  );
  return img.evaluate((el) => (el as HTMLImageElement).naturalWidth);
}

beforeAll(async () => {
  browser = await launch();
  ada = await person(browser, baseURL, "Ada Lovelace", { width: 1366, height: 850 });
  bob = await person(browser, baseURL, "Bob Carter", { scheme: "dark" });
  await signUp(ada);
  // Signed up at desktop size (the phone home shows the room list, not the welcome heading).
  await signUp(bob);
  await bob.page.setViewportSize({ width: 390, height: 844 });
  adaToken = await token(ada.page);
  const { room } = await post<{ room: { id: string } }>(
    baseURL,
    "/rooms",
    { title: "Chart talk", characterId: "assistant", members: [bob.username] },
    adaToken,
  );
  roomId = room.id;
});

afterEach(({ task }) => recordFailure(task, [ada, bob]));

afterAll(async () => {
  await browser?.close();
});

describe("attachments", () => {
  it("pastes an image: both people see its thumbnail, and the AI says what it got", async () => {
    for (const p of [ada, bob]) {
      await p.page.goto(`/rooms/${roomId}`);
      await live(p.page);
    }
    await pasteChart(ada.page);
    await ada.page.getByRole("list", { name: "Files to send" }).getByText("chart.png").waitFor();
    const send = ada.page.getByRole("button", { name: "Send message" });
    await expect.poll(() => send.isEnabled(), { timeout: 15_000 }).toBe(true);
    await send.click();
    await ada.page.getByRole("list", { name: "Files to send" }).waitFor({ state: "detached" });

    expect(await thumbnailWidth(ada.page)).toBe(640);
    expect(await thumbnailWidth(bob.page)).toBe(640);
    await ada.page.getByText("I can see a 640×480 PNG named chart.png.").waitFor({ timeout: 30_000 });
    await bob.page.getByText("I can see a 640×480 PNG named chart.png.").waitFor({ timeout: 30_000 });
    await shot(ada.page, "attachments-desktop");

    await bob.page.getByRole("button", { name: "Open chart.png" }).click();
    const viewer = bob.page.getByRole("dialog", { name: "chart.png" });
    await viewer.getByRole("img", { name: "chart.png" }).waitFor();
    // Named, and kept with Download: the picture's own bytes under its own name.
    const [picture, name, bar] = await Promise.all([
      viewer.getByRole("img").boundingBox(),
      viewer.locator(".file-viewer-name").textContent(),
      viewer.locator(".file-viewer-bar").boundingBox(),
    ]);
    expect(name).toBe("chart.png");
    expect(picture && bar && picture.y >= bar.y + bar.height - 1 && picture.x >= 0 && picture.x + picture.width <= 390).toBe(true);
    const saving = bob.page.waitForEvent("download");
    await viewer.getByRole("link", { name: "Download" }).click();
    const saved = await saving;
    expect(saved.suggestedFilename()).toBe("chart.png");
    const bytes = await readFile((await saved.path()) as string);
    expect([...bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    await shot(bob.page, "attachments-viewer-phone");
    await viewer.getByRole("button", { name: "Close" }).click();
    await viewer.waitFor({ state: "hidden" });
    expect([...ada.errors, ...bob.errors]).toEqual([]);
  });

  it("keeps Bob's room and his typing while a picture loads, and says so in place when it cannot", async () => {
    const box = bob.page.locator("#composer-input");
    await box.click();
    await box.fill("I am typing a reply");
    // Bob's copy of the next picture takes 3 s to come.
    const files = (url: URL) => url.pathname.includes("/attachments/");
    let slow = true;
    await bob.page.route(files, async (route) => {
      if (slow) await new Promise((r) => setTimeout(r, 3000));
      await route.continue().catch(() => {});
    });
    await pasteChart(ada.page, { name: "slow.png", width: 320, height: 240 });
    await sendOnceUploaded(ada.page);
    const waiting = bob.page.getByRole("log").locator(".msg-thumb-wait");
    await waiting.waitFor({ timeout: 15_000 });
    // Meanwhile the room is all there and the composer keeps the focus and what he typed.
    expect(await bob.page.getByRole("log").isVisible()).toBe(true);
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.pressSequentially(" and more");
    expect(await box.inputValue()).toBe("I am typing a reply and more");
    await bob.page.getByRole("button", { name: "Open slow.png" }).locator("img").waitFor({ timeout: 15_000 });
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    // A picture the server fails to send: a tile that says so, the room untouched.
    slow = false;
    await bob.page.unroute(files);
    let failing = true;
    await bob.page.route(files, (route) => (failing ? route.fulfill({ status: 500, body: "boom" }) : route.continue()));
    await pasteChart(ada.page, { name: "broken.png", width: 320, height: 240 });
    await sendOnceUploaded(ada.page);
    const broken = bob.page.getByRole("button", { name: "Couldn't load broken.png; try again" });
    await broken.waitFor({ timeout: 15_000 });
    expect(await broken.textContent()).toContain("Couldn't load broken.png");
    expect(await bob.page.locator("#composer-input").inputValue()).toBe("I am typing a reply and more");
    await shot(bob.page, "attachments-failed-phone");
    // Tapped once the server answers again, it loads.
    failing = false;
    await broken.click();
    await bob.page.getByRole("button", { name: "Open broken.png" }).locator("img").waitFor({ timeout: 15_000 });
    await bob.page.unroute(files);
    await box.fill("");
    expect(ada.errors).toEqual([]);
  });

  it("gives a tiny picture a thumbnail big enough to see and to tap", async () => {
    await pasteChart(ada.page, { name: "dot.png", width: 2, height: 2 });
    await ada.page.getByRole("list", { name: "Files to send" }).getByText("dot.png").waitFor();
    const send = ada.page.getByRole("button", { name: "Send message" });
    await expect.poll(() => send.isEnabled(), { timeout: 15_000 }).toBe(true);
    await send.click();
    for (const p of [ada, bob]) {
      const thumb = p.page.getByRole("button", { name: "Open dot.png" });
      await thumb.waitFor({ timeout: 20_000 });
      // Its picture, not only the button: a 2 px image was a sliver beside the file chip.
      // (Measured until it holds: the copy shown while sending gives way to the stored message.)
      const size = async () => {
        const box = await thumb.locator("img").boundingBox();
        return box ? Math.min(box.width, box.height) : 0;
      };
      await expect.poll(size, { timeout: 20_000 }).toBeGreaterThanOrEqual(48);
    }
  });

  it("keeps a file chip its own height beside a tall picture in the same message", async () => {
    await pasteChart(ada.page, { name: "tall.png", width: 60, height: 1200 });
    await ada.page.getByLabel("Attach files").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("Notes\n") });
    const tray = ada.page.getByRole("list", { name: "Files to send" });
    await tray.getByText("notes.txt").waitFor();
    await sendOnceUploaded(ada.page);
    const chip = ada.page.getByRole("log").locator(".file-chip").filter({ hasText: "notes.txt" });
    const thumb = ada.page.getByRole("button", { name: "Open tall.png" });
    await thumb.locator("img").waitFor({ timeout: 20_000 });
    const [chipBox, thumbBox] = [await chip.boundingBox(), await thumb.boundingBox()];
    if (!chipBox || !thumbBox) throw new Error("not laid out");
    expect(thumbBox.height).toBeGreaterThan(100);
    expect(chipBox.height).toBeLessThan(50);
    expect(Math.abs(chipBox.y - thumbBox.y)).toBeLessThanOrEqual(1);
  });

  it("keeps a long file name inside a phone's screen, cut with an ellipsis and its size shown", async () => {
    const name = "A very long file name for the quarterly travel budget report 2026 final v3.txt";
    await bob.page.getByLabel("Attach files").setInputFiles({ name, mimeType: "text/plain", buffer: Buffer.from("Budget: 1,200\n") });
    await sendOnceUploaded(bob.page);
    const chip = bob.page.getByRole("log").locator(".file-chip").filter({ hasText: "quarterly travel" });
    const [log, box, size, label] = await Promise.all([
      bob.page.getByRole("log").boundingBox(),
      chip.boundingBox(),
      chip.locator(".file-chip-size").boundingBox(),
      chip
        .locator(".file-chip-name")
        .evaluate((el) => ({ cut: el.scrollWidth > el.clientWidth, overflow: getComputedStyle(el).textOverflow })),
    ]);
    expect(box && log && box.x + box.width).toBeLessThanOrEqual((log?.x ?? 0) + (log?.width ?? 0));
    expect(size && box && size.x + size.width).toBeLessThanOrEqual((box?.x ?? 0) + (box?.width ?? 0));
    expect(label).toEqual({ cut: true, overflow: "ellipsis" });
    expect(await bob.page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(390);
  });

  it("shows a refused file's reason under its name, so the name stays readable on a phone", async () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x01]);
    await bob.page.getByLabel("Attach files").setInputFiles({ name: "archive-of-photos.zip", mimeType: "application/zip", buffer: zip });
    const item = bob.page.getByRole("list", { name: "Files to send" }).locator(".upload.is-failed");
    const reason = item.locator(".upload-error");
    await reason.waitFor({ timeout: 15_000 });
    const [name, why] = await Promise.all([item.locator(".upload-name").boundingBox(), reason.boundingBox()]);
    expect(name?.width).toBeGreaterThan(100);
    expect(why && name && why.y).toBeGreaterThanOrEqual((name?.y ?? 0) + (name?.height ?? 0) - 1);
    await item.getByRole("button", { name: /Remove archive/ }).click();
    await item.waitFor({ state: "detached" });
  });

  it("refuses a file over the size limit at once, before uploading any of it", async () => {
    let uploads = 0;
    bob.page.on("request", (r) => r.method() === "POST" && r.url().includes("/attachments") && uploads++);
    const big = Buffer.alloc(11 * 1024 * 1024, 0x41);
    await bob.page.getByLabel("Attach files").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: big });
    const item = bob.page.getByRole("list", { name: "Files to send" }).locator(".upload.is-failed");
    expect(await item.locator(".upload-error").textContent({ timeout: 5000 })).toBe("Files are limited to 10 MB; this one is 11 MB.");
    expect(await item.locator("progress").count()).toBe(0);
    expect(uploads).toBe(0);
    await item.getByRole("button", { name: /Remove notes/ }).click();
    await item.waitFor({ state: "detached" });
  });

  it("offers to try an upload again that failed on the way, and sends it once it is through", async () => {
    const files = (url: URL) => url.pathname.endsWith("/attachments");
    await bob.page.route(files, (route) => route.abort("internetdisconnected"));
    await bob.page
      .getByLabel("Attach files")
      .setInputFiles({ name: "plan.txt", mimeType: "text/plain", buffer: Buffer.from("The plan\n") });
    const tray = bob.page.getByRole("list", { name: "Files to send" });
    const again = tray.getByRole("button", { name: "Try plan.txt again" });
    await again.waitFor({ timeout: 15_000 });
    await bob.page.unroute(files);
    await again.click();
    await expect.poll(() => tray.locator(".upload.is-done").count(), { timeout: 15_000 }).toBe(1);
    expect(await tray.locator(".upload-error").count()).toBe(0);
    await sendOnceUploaded(bob.page);
    await bob.page.getByRole("log").locator(".file-chip").filter({ hasText: "plan.txt" }).last().waitFor();
  });

  it("tells a person over the daily AI budget so, with the time it resets", async () => {
    // A long message costs the dummy about 2,000 prompt tokens, and each reply's context holds
    // the ones before it: three replies, one after the other, spend well over 7,000.
    const long = (n: number) => `Message ${n}: ${"lorem ipsum dolor sit amet ".repeat(290)}`.slice(0, 7900);
    for (const n of [1, 2, 3]) await post(baseURL, `/rooms/${roomId}/messages?wait=true`, { content: long(n) }, adaToken);

    await ada.page.getByRole("textbox", { name: /Message/ }).fill("Just one more question?");
    await ada.page.keyboard.press("Enter");
    // The reply that spent the budget may say so too: the last notice is this message's.
    const notice = ada.page
      .getByRole("log")
      .getByText(/you have used today's AI budget \([\d,]+ of 7,000 tokens\)/)
      .last();
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toMatch(/resets at 00:00 UTC \(in/);
    await shot(ada.page, "budget-desktop");
    // Her own use shows in the app, beside the AI characters.
    await ada.page.goto("/characters");
    await ada.page
      .getByRole("status")
      .filter({ hasText: /Your AI use today: [\d,]+ of 7,000 tokens, all spent; resets at/ })
      .waitFor();
  });
});
