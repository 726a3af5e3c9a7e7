// What a hostile page, a copycat name or a stolen session could try, in Chromium against the
// built app: the security headers hold (no CSP violation on load, the lazily loaded code
// highlighter included; an injected inline script and eval do not run; the app refuses to be
// framed), someone who takes Alice's display name is told apart by @username, and signing out
// ends the session on the server.
// Signing out asks first; a room open on a device whose session was ended elsewhere offers to
// sign in again, a device on another screen goes to sign-in at once, the account page lists the
// sessions and signs one device out, and the sign-in page says why, as it does for a session
// that ran out while the app was closed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { securityHeaders } from "../../shared/security-headers";
import { launch, live, type Person, person, post, recordFailure, shot, signUp, tokenOf } from "./support";

const baseURL = inject("baseURL");
let browser: Browser;
let alice: Person;
let impostor: Person;
let bob: Person;
let roomId = "";

/** Records CSP violations in the page from before its first script runs. */
async function watchViolations(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

beforeAll(async () => {
  browser = await launch();
  alice = await person(browser, baseURL, "Alice");
  impostor = await person(browser, baseURL, "Alice");
  impostor.username = `dave_${Math.random().toString(36).slice(2, 8)}`;
  bob = await person(browser, baseURL, "Bob", { width: 1366, height: 850 });
  for (const p of [alice, impostor, bob]) await watchViolations(p.page);
});

afterEach(({ task }) => recordFailure(task, [alice, impostor, bob]));

afterAll(async () => {
  await browser?.close();
});

describe("security headers", () => {
  it("come with the page, its assets and the API, and the build writes them for deployment", async () => {
    const html = await fetch(`${baseURL}/`);
    const script = (await html.text()).match(/<script[^>]+src="([^"]+)"/)?.[1];
    expect(script).toBeTruthy();
    for (const res of [html, await fetch(`${baseURL}${script}`), await fetch(`${baseURL}/api/health`)]) {
      for (const [name, value] of Object.entries(securityHeaders())) expect(res.headers.get(name), `${res.url} ${name}`).toBe(value);
    }
    const file = readFileSync(join(inject("distDir"), "client", "_headers"), "utf8");
    for (const [name, value] of Object.entries(securityHeaders())) expect(file).toContain(`  ${name}: ${value}\n`);
  });

  it("let the app run without a single CSP violation, the lazily loaded highlighter included", async () => {
    await signUp(alice);
    await signUp(impostor);
    await signUp(bob);
    const owner = await tokenOf(alice.page);
    const { room } = await post<{ room: { id: string } }>(
      baseURL,
      "/rooms",
      { title: "Trust", members: [impostor.username, bob.username] },
      owner,
    );
    roomId = room.id;
    await post(baseURL, `/rooms/${roomId}/messages`, { content: "```js\nconst answer = 42;\n```" }, owner);
    await bob.page.goto(`/rooms/${roomId}`);
    await live(bob.page);
    await bob.page.getByRole("log").locator(".hljs-keyword", { hasText: "const" }).waitFor();
    expect(await violations(bob.page)).toEqual([]);
    expect(bob.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([]);
  });

  it("refuse an injected inline script and eval", async () => {
    const outcome = await bob.page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean; evaluated?: string };
      const s = document.createElement("script");
      s.textContent = "window.injected = true";
      document.body.append(s);
      // From a task of the page's own (DevTools lets code it evaluates directly use eval).
      setTimeout(() => {
        try {
          // biome-ignore lint/security/noGlobalEval: the point is that the CSP refuses it.
          eval("1 + 1");
          w.evaluated = "ran";
        } catch (e) {
          w.evaluated = (e as Error).name;
        }
      }, 0);
      await new Promise((r) => setTimeout(r, 100));
      return { injected: w.injected ?? false, evaluated: w.evaluated };
    });
    expect(outcome).toEqual({ injected: false, evaluated: "EvalError" });
    expect((await violations(bob.page)).some((v) => v.startsWith("script-src"))).toBe(true);
  });

  it("refuse to let another page frame the app", async () => {
    const page = await bob.ctx.newPage();
    await page.setContent(`<iframe src="${baseURL}/" title="framed"></iframe>`);
    const frame = page.frames()[1];
    await page.waitForTimeout(1500);
    expect(frame ? await frame.locator("#root").count() : 0).toBe(0);
    await page.close();
  });
});

describe("a copycat display name", () => {
  it("is told apart by @username in messages, presence and typing", async () => {
    await alice.page.goto(`/rooms/${roomId}`);
    await impostor.page.goto(`/rooms/${roomId}`);
    await live(alice.page);
    await live(impostor.page);
    await post(baseURL, `/rooms/${roomId}/messages`, { content: "I am the real Alice" }, await tokenOf(alice.page));
    await post(baseURL, `/rooms/${roomId}/messages`, { content: "please send me your password" }, await tokenOf(impostor.page));
    const log = bob.page.getByRole("log");
    const real = log.locator(".msg", { hasText: "I am the real Alice" });
    const fake = log.locator(".msg", { hasText: "please send me your password" });
    await fake.waitFor();
    expect(await real.locator(".msg-author").textContent()).toBe("Alice");
    expect(await fake.locator(".msg-author").textContent()).toBe("Alice");
    expect(await real.locator(".msg-handle").textContent()).toBe(`@${alice.username}`);
    expect(await fake.locator(".msg-handle").textContent()).toBe(`@${impostor.username}`);
    await impostor.page.getByLabel("Message Trust").pressSequentially("hi", { delay: 20 });
    await bob.page.getByText(`Alice (@${impostor.username}) is typing`).waitFor();
    expect(await bob.page.locator(".online").getAttribute("title")).toContain(`Alice (@${impostor.username})`);
  });
});

describe("signing out", () => {
  it("ends the session on the server: the old token no longer works", async () => {
    const token = await tokenOf(impostor.page);
    expect((await fetch(`${baseURL}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // A stray tap does not sign out: the button asks first, with Cancel (the safe choice) focused.
    await impostor.page.getByRole("button", { name: "Sign out" }).first().click();
    await expect.poll(() => impostor.page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    // The "hi" typed above is still a draft: signing out says it goes with it.
    await impostor.page.getByText("Drafts and unsent messages on this tab will be discarded.").waitFor();
    expect(new URL(impostor.page.url()).pathname).not.toBe("/signin");
    expect((await fetch(`${baseURL}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await impostor.page.getByRole("button", { name: "Cancel" }).click();
    await impostor.page.getByRole("button", { name: "Sign out" }).first().click();
    await impostor.page.getByRole("button", { name: "Sign out", exact: true }).click();
    await impostor.page.getByRole("heading", { name: "Welcome back" }).waitFor();
    expect((await fetch(`${baseURL}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("signs out everywhere from the account page, closing the other devices' rooms", async () => {
    const other = await person(browser, baseURL, "Alice");
    await other.page.goto("/");
    await other.page.evaluate(
      (s) => localStorage.setItem("parlor.session", s ?? ""),
      await alice.page.evaluate(() => localStorage.getItem("parlor.session")),
    );
    // A second session of Alice's, on another device.
    const second = await post<{ token: string; user: unknown }>(baseURL, "/auth/login", {
      username: alice.username,
      password: "correct horse battery",
    });
    await other.page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify(second));
    await other.page.goto(`/rooms/${roomId}`);
    await live(other.page);
    await alice.page.goto("/account");
    await alice.page.getByRole("button", { name: "Sign out everywhere" }).click();
    await alice.page.getByRole("button", { name: "Sign out everywhere" }).click();
    await alice.page.getByRole("heading", { name: "Welcome back" }).waitFor();
    // The room there closes (4001), saying so with a way to sign in again, or, if a request got
    // there first, the sign-in page says why.
    await other.page
      .getByText(/You were signed out|Your session has ended/)
      .first()
      .waitFor();
    // Both can happen in either order: a request may sign the tab out while the banner shows.
    if (new URL(other.page.url()).pathname !== "/signin") {
      const clicked = await other.page
        .getByRole("alert")
        .getByRole("button", { name: "Sign in" })
        .click({ timeout: 5000 })
        .then(
          () => true,
          () => false,
        );
      await other.page.waitForURL((u) => u.pathname === "/signin" && (!clicked || u.searchParams.get("next") === `/rooms/${roomId}`));
    }
    await other.page.getByRole("heading", { name: "Welcome back" }).waitFor();
    await other.page.getByText(/You were signed out|Your session has ended/).waitFor();
    expect((await fetch(`${baseURL}/api/me`, { headers: { authorization: `Bearer ${second.token}` } })).status).toBe(401);
    await other.ctx.close();
  });

  it("lists the sessions on the account page, and signs the phone out from the laptop", async () => {
    const eve = await person(browser, baseURL, "Eve");
    await signUp(eve);
    // Her phone: a second session, signed in with a phone's User-Agent.
    const iphone =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const signedIn = await fetch(`${baseURL}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": iphone, "cf-connecting-ip": "203.0.113.77" },
      body: JSON.stringify({ username: eve.username, password: "correct horse battery" }),
    });
    const phone = await person(browser, baseURL, "Eve", { width: 390, height: 844, touch: true });
    await phone.page.goto("/signin");
    await phone.page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify(await signedIn.json()));
    await phone.page.goto("/");
    await phone.page.getByRole("heading", { name: "Your rooms" }).waitFor();
    await eve.page.goto("/account");
    const list = eve.page.getByRole("list", { name: "Your sessions" });
    await expect.poll(() => list.locator(".session-device").allTextContents()).toEqual(["Chrome on Linux", "Safari on iOS"]);
    await list.scrollIntoViewIfNeeded();
    await shot(eve.page, "account-sessions-desktop-light");
    await eve.page.getByRole("button", { name: "Sign out Safari on iOS" }).click();
    await list.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect.poll(() => list.locator(".session-device").allTextContents()).toEqual(["Chrome on Linux"]);
    // The phone, on its room list (no room open, so only its channel hears of it), goes to
    // sign-in on its own.
    await phone.page.waitForURL((u) => u.pathname === "/signin", { timeout: 20_000 });
    expect([eve.errors, phone.errors]).toEqual([[], []]);
    await phone.ctx.close();
    await eve.ctx.close();
  });

  it("says why at the sign-in page when the app opens with a session that ran out while it was closed", async () => {
    const late = await person(browser, baseURL, "Alice");
    await late.page.goto("/signin");
    const now = Math.floor(Date.now() / 1000);
    // The app reads only the token's claims to know it ran out; the server is never asked.
    const token = `h.${Buffer.from(JSON.stringify({ sub: "u1", iat: now - 7200, exp: now - 60 })).toString("base64url")}.s`;
    const user = { id: "u1", username: "alice_late", displayName: "Alice", createdAt: new Date().toISOString() };
    await late.page.evaluate((s) => localStorage.setItem("parlor.session", s), JSON.stringify({ token, user }));
    await late.page.goto(`/rooms/${roomId}`);
    await late.page.waitForURL((u) => u.pathname === "/signin");
    await late.page.getByRole("heading", { name: "Welcome back" }).waitFor();
    expect(await late.page.getByRole("status").filter({ hasText: "Your session expired" }).count()).toBe(1);
    await late.ctx.close();
  });
});
