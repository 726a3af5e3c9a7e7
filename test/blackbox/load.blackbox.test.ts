// The k6 suite (load/) against `npm run dev`, run by the Node stand-in in load/dev, which
// mirrors real k6's API surface and threshold rules: fan-out and AI turns must send and
// measure, a run that measured nothing must exit non-zero (99, as k6 does), and a script using
// what k6 lacks (WebSocket.OPEN) must fail. Small and short: this checks the scripts work,
// the numbers are for k6 itself.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { REPO } from "./dev-server";

const vite = inject("blackbox").modes.find((m) => m.name === "vite");

/** Runs `node load/dev/run.mjs <script> -e ...`; resolves with its exit code and output. */
function standIn(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const args = ["load/dev/run.mjs", script];
  for (const [k, v] of Object.entries({ USER_PREFIX: "k6bb", REGISTER_PAUSE_MS: "0", ...env })) args.push("-e", `${k}=${v}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

/** Writes a one-off script (its lines) to a temp dir and runs it through the stand-in once
 * per environment given, one after another. */
async function scripted(lines: string[], envs: Record<string, string>[]) {
  const dir = mkdtempSync(join(tmpdir(), "parlor-k6-"));
  const script = join(dir, "script.ts");
  writeFileSync(script, `${lines.join("\n")}\n`);
  try {
    const runs = [];
    for (const env of envs) runs.push(await standIn(script, env));
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The count a summary line like `ws_deliveries......: 42 3.1/s` reports, or 0. */
const count = (out: string, metric: string) => Number(new RegExp(`${metric}\\.+: (\\d+)`).exec(out)?.[1] ?? 0);

describe.runIf(vite !== undefined)("the k6 suite through the stand-in, against npm run dev", () => {
  const base = vite?.base ?? "";
  // Latency budgets off: this machine is shared with the rest of the suite, and performance is
  // measured by `npm run bench`, not asserted here. Correctness and count thresholds stay.
  const small = { USERS: "2", ROOMS: "1", MEMBERS: "2", WS_SEND_INTERVAL_MS: "1000", NO_LATENCY_THRESHOLDS: "1" };

  it("fan-out sends, delivers and acks, and passes its thresholds", async () => {
    const run = await standIn("load/fanout.ts", { BASE_URL: base, DURATION: "8s", ...small });
    expect(run.out).toContain("ws_deliveries");
    expect(count(run.out, "ws_deliveries")).toBeGreaterThan(0);
    expect(count(run.out, "ws_acks")).toBeGreaterThan(0);
    expect(run.code, run.out.slice(-3000)).toBe(0);
  });

  it("AI turns get replies from the Gemini double and pass their thresholds", async () => {
    const run = await standIn("load/ai.ts", { BASE_URL: base, DURATION: "6s", AI_ROOMS: "1", AI_THINK_MS: "500", ...small });
    expect(count(run.out, "ai_replies")).toBeGreaterThan(0);
    expect(run.code, run.out.slice(-3000)).toBe(0);
  });

  it("fails a fan-out run in which nobody sent anything (exit 99, ws_deliveries count>0 crossed)", async () => {
    const run = await standIn("load/fanout.ts", { BASE_URL: base, DURATION: "4s", WS_SENDERS: "0", ...small });
    expect(run.out).toMatch(/✗ 'count>0' count=0/);
    expect(run.code).toBe(99);
  });

  it("refuses WebSocket.OPEN, which k6's WebSocket constructor does not define", async () => {
    const [run] = await scripted(
      [
        'import { WebSocket } from "k6/websockets";',
        "export default function () {",
        '  if (WebSocket.OPEN !== 1) throw new Error("unreachable");',
        "}",
      ],
      [{}],
    );
    expect(run?.out).toContain("k6 has no WebSocket.OPEN");
  });

  it("closes a room socket asked to close during its handshake from onopen, which k6 before v2.3 needs", async () => {
    const lib = JSON.stringify(join(REPO, "load/lib/room-socket.ts"));
    const [run] = await scripted(
      [
        `import { openRoomSocket } from ${lib};`,
        "export default function () {",
        '  const s = openRoomSocket({ token: "t", roomId: "r", afterSeq: 0, scenario: "early", onReady() {}, onFrame() {} });',
        "  s.close();",
        "}",
      ],
      [{ BASE_URL: base }],
    );
    expect(run?.out).not.toContain("grafana/k6#6351");
    expect(run?.out).not.toMatch(/VU error/);
    expect(run?.code, run?.out.slice(-3000)).toBe(0);
  });

  it("passes a threshold on a rate that got no samples, as k6 does, and still fails count>0", async () => {
    const [fed, unfed] = await scripted(
      [
        'import { Counter, Rate } from "k6/metrics";',
        'new Rate("never_fed");',
        'const fed = new Counter("fed");',
        'export const options = { thresholds: { never_fed: ["rate==1"], fed: ["count>0"] } };',
        "export default function () {",
        '  if (__ENV.FEED === "1") fed.add(1);',
        "}",
      ],
      [{ FEED: "1" }, { FEED: "0" }],
    );
    expect(fed?.out).toContain("no samples: k6 passes it");
    expect(fed?.code, fed?.out.slice(-2000)).toBe(0);
    expect(unfed?.out).toMatch(/✗ 'count>0' count=0/);
    expect(unfed?.code).toBe(99);
  });
});
