// Shared pieces of the end-to-end tests: launching Debian's Chromium through playwright-core,
// a browser context per person (with a watch on dialogs and page errors, so an injected
// script cannot go unnoticed), signing up through the UI, seeding rooms through the API and
// one socket, and saving screenshots.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";

export const ARTIFACTS = join(import.meta.dirname, "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });
/** Where the screenshots of every screen go: docs/screenshots when PARLOR_SCREENSHOTS is set
 * (`npm run screenshots`), else the gitignored artifacts, so ordinary runs leave the tree clean. */
export const SCREENSHOTS = process.env.PARLOR_SCREENSHOTS ? join(import.meta.dirname, "../../docs/screenshots") : ARTIFACTS;
mkdirSync(SCREENSHOTS, { recursive: true });

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

export type Person = {
  ctx: BrowserContext;
  page: Page;
  username: string;
  displayName: string;
  /** Any alert/confirm/prompt the page opened: must stay empty. */
  dialogs: string[];
  /** Uncaught errors in the page. */
  errors: string[];
  /** Console errors and warnings, printed when a test fails. */
  console: string[];
};

export async function person(
  browser: Browser,
  baseURL: string,
  displayName: string,
  opts: { scheme?: "light" | "dark"; width?: number; height?: number; touch?: boolean } = {},
): Promise<Person> {
  const ctx = await browser.newContext({
    baseURL,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    colorScheme: opts.scheme ?? "light",
    deviceScaleFactor: 1,
    ...(opts.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  // Each person from an address of their own, as people are: the sign-up throttle counts per
  // address, and every test file's people would otherwise share one.
  await ctx.setExtraHTTPHeaders({ "CF-Connecting-IP": clientAddress() });
  const page = await ctx.newPage();
  const username = `${displayName.split(" ")[0]?.toLowerCase()}_${Math.random().toString(36).slice(2, 8)}`;
  const p: Person = { ctx, page, username, displayName, dialogs: [], errors: [], console: [] };
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") p.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    p.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => p.errors.push(e.message));
  return p;
}

export async function signUp(p: Person, screenshot?: string) {
  await p.page.goto("/signup");
  await p.page.getByLabel("Username").fill(p.username);
  await p.page.getByLabel("Display name").fill(p.displayName);
  await p.page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  if (screenshot) await shot(p.page, screenshot);
  await p.page.getByRole("button", { name: "Create account" }).click();
  // A desktop shows the empty room beside the list; a phone shows the list alone.
  const phone = (p.page.viewportSize()?.width ?? 1280) < 700;
  await (phone
    ? p.page.getByRole("link", { name: "Account and sessions" })
    : p.page.getByRole("heading", { name: /^(Welcome to Parlor|Pick a room, or start a new one)$/ })
  ).waitFor();
}

/** Waits for the room's connection pill to say Live. */
export async function live(page: Page) {
  await page.getByRole("status").filter({ hasText: "Live" }).first().waitFor({ timeout: 20_000 });
}

export function bubbles(page: Page) {
  return page.getByRole("log").locator(".msg .bubble");
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const IMPACTS = ["minor", "moderate", "serious", "critical"];

/** axe-core's WCAG 2 A/AA and best-practice findings for the page as it is now, one line each;
 * with `atLeast`, only those of that impact or worse. */
export async function a11yViolations(page: Page, atLeast: "minor" | "serious" = "minor"): Promise<string[]> {
  // Evaluated through DevTools: the app's CSP refuses a <script> added to the page, as it should.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  // What a person reads is the page at rest: a toast still fading in (0.18 s) is not yet at the
  // contrast it settles at. Endless animations (spinners, the streaming caret) are left running.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const found = await page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<Result> } }).axe;
    const result = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "best-practice"] });
    return result.violations.map((v) => ({
      impact: v.impact,
      line: `${v.id} (${v.impact}): ${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")}`,
    }));
  });
  return found.filter((v) => IMPACTS.indexOf(v.impact) >= IMPACTS.indexOf(atLeast)).map((v) => v.line);
}

/** The WCAG contrast ratio between an element's text colour (or its placeholder's, with
 * `::placeholder`) and the colour it is drawn on (its own background, or the nearest ancestor's
 * that is not transparent), as computed right now: hovered, focused, in the page's scheme. */
export function textContrast(l: Locator, pseudo?: "::placeholder"): Promise<number> {
  return l.evaluate((el, pseudo) => {
    // rgb()/rgba() in 0–255, or color(srgb …) in 0–1, as Chromium computes colour-mix() results.
    const rgba = (css: string) => {
      const [r = 0, g = 0, b = 0, a = 1] = (css.match(/-?[\d.]+/g) ?? []).map(Number);
      const scale = css.startsWith("color(") ? 1 : 255;
      return { rgb: [r / scale, g / scale, b / scale], a };
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r ?? 0) + 0.7152 * lin(g ?? 0) + 0.0722 * lin(b ?? 0);
    };
    let back: number[] | undefined;
    for (let node: Element | null = el; node && !back; node = node.parentElement) {
      const bg = rgba(getComputedStyle(node).backgroundColor);
      if (bg.a > 0.5) back = bg.rgb;
    }
    // A faded element (opacity on it or an ancestor) is drawn over the page's background.
    let opacity = 1;
    for (let node: Element | null = el; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
    const page = rgba(getComputedStyle(document.body).backgroundColor).rgb;
    const faded = (c: number[]) => c.map((v, i) => opacity * v + (1 - opacity) * (page[i] ?? 1));
    const [fg, bg] = [luminance(faded(rgba(getComputedStyle(el, pseudo).color).rgb)), luminance(faded(back ?? [1, 1, 1]))];
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  }, pseudo);
}

/** The taps 21 px from each control's centre (each side) that would miss it: empty when every
 * control has 44 × 44 px to hit. The controls must be on screen. */
export async function touchMisses(controls: Locator[]): Promise<string[]> {
  const each = await Promise.all(
    controls.map((l) =>
      l.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
        const name = `${el.getAttribute("aria-label") ?? el.textContent?.trim()} (${Math.round(r.width)}×${Math.round(r.height)})`;
        return [
          [-21, 0],
          [21, 0],
          [0, -21],
          [0, 21],
        ]
          .map(([dx = 0, dy = 0]) => ({ dx, dy, hit: document.elementFromPoint(x + dx, y + dy) }))
          .filter(({ hit }) => !el.contains(hit))
          .map(({ dx, dy, hit }) => `${name} at ${dx},${dy} (${hit?.tagName.toLowerCase()}.${hit?.className})`);
      }),
    ),
  );
  return each.flat();
}

export async function shot(page: Page, name: string, dir = ARTIFACTS) {
  // Let fonts and transitions settle so the artifact shows the screen as a person sees it.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** After a failed test: a screenshot of each person's page and their errors, to see why. */
export async function recordFailure(task: { name: string; result?: { state?: string } }, people: Person[]) {
  if (task.result?.state !== "fail") return;
  const name = task.name.replace(/\W+/g, "-").slice(0, 40);
  for (const p of people) {
    await shot(p.page, `FAILED-${name}-${p.username.split("_")[0]}`).catch(() => {});
    console.log(`${p.displayName} at ${p.page.url()}:\n${[...p.errors, ...p.console].join("\n")}`);
  }
}

type Box = { x: number; y: number; width: number; height: number };
/** Whether two boxes on the page share any area (a missing box shares none). */
export const overlaps = (a: Box | null, b: Box | null) =>
  !!a && !!b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The signed-in page's token, as the app keeps it. */
export function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem("parlor.session") ?? "{}") as { token: string }).token);
}

/** A documentation address (RFC 5737) of its own for each caller. */
function clientAddress(): string {
  return `198.51.100.${Math.floor(Math.random() * 254) + 1}`;
}

/** POSTs JSON to the app's API (from an address of its own); throws with the body on anything but 2xx. */
export async function post<T>(baseURL: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${baseURL}/api${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "CF-Connecting-IP": clientAddress(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Sends each of `contents` as a message through one socket; resolves when all are acked. */
export function seed(baseURL: string, roomId: string, token: string, contents: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseURL.replace("http", "ws")}/api/rooms/${roomId}/ws?token=${token}`);
    let acked = 0;
    // Unique per call: a clientId the sender used before would be taken for a resend.
    const batch = Math.random().toString(36).slice(2, 8);
    const timer = setTimeout(() => reject(new Error(`only ${acked} of ${contents.length} acked`)), 100_000);
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", afterSeq: 0 }));
    ws.onmessage = (e) => {
      const frame = JSON.parse(String(e.data)) as { type: string };
      if (frame.type === "ready") {
        contents.forEach((content, i) => void ws.send(JSON.stringify({ type: "send", clientId: `seed-${batch}-${i}`, content })));
      } else if (frame.type === "ack" && ++acked === contents.length) {
        clearTimeout(timer);
        ws.close();
        resolve();
      } else if (frame.type === "rate_limited" || frame.type === "error") {
        clearTimeout(timer);
        reject(new Error(`seeding refused: ${JSON.stringify(frame)}`));
      }
    };
    ws.onerror = () => reject(new Error("seeding socket failed"));
  });
}
