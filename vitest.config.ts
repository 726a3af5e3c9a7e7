// One `npm test` runs every suite: the Worker and its Durable Objects inside workerd against
// D1 and against the real Postgres (through Hyperdrive's local connection string), the AI
// pipeline against local doubles of Gemini and of an OpenAI-compatible endpoint, the web app's
// components in jsdom, and the end-to-end tests in Chromium.
import { existsSync, readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import solid from "vite-plugin-solid";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { testBindings } from "./test/bindings";
import { LongFirstSequencer } from "./test/sequencer";

const migrations = await readD1Migrations("migrations/d1");
const bindings = { ...shieldFromDevVars(), ...testBindings, TEST_MIGRATIONS: migrations };

/**
 * A developer's .dev.vars must not reach the tests. wrangler.toml has no [secrets] table (it
 * would hide keys of .dev.vars from `npm run dev`), so the pool, which reads wrangler.toml
 * like `wrangler dev` does, would load every key of a local .dev.vars: real Gemini keys would
 * send tests to Google, a changed limit would fail them. Each key found there is set back to
 * its wrangler.toml value, or to "" (which the Worker reads as unset).
 */
function shieldFromDevVars(): Record<string, string> {
  if (!existsSync(".dev.vars")) return {};
  const vars = (unstable_readConfig({ config: "wrangler.toml" }).vars ?? {}) as Record<string, unknown>;
  const names = readFileSync(".dev.vars", "utf8").match(/^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*(?=\s*=)/gm) ?? [];
  const shield: Record<string, string> = {};
  for (const raw of names) {
    const name = raw.replace(/^\s*(?:export\s+)?/, "");
    shield[name] = typeof vars[name] === "string" ? (vars[name] as string) : "";
  }
  return shield;
}

/** Suites that need the AI doubles run in their own projects, each with its own keys, so one
 * suite never consumes another's scripted replies or cools its keys. */
const aiTests = ["worker/ai/**/*.test.ts", "durable-objects/key-pool/**/*.test.ts"];
const pipelineTests = ["worker/queue/**/*.test.ts"];
const opsAiTests = ["worker/ops-ai.test.ts"];
/** The shared text modules the web app runs too (test/layers.ts, "text") are tested with it. */
const textTests = ["shared/{markdown,password,text}.test.ts"];
const hotLogTests = [
  "durable-objects/chat-room/hot-log.test.ts",
  "durable-objects/chat-room/edits-pruned.test.ts",
  "durable-objects/chat-room/catch-up-limit.test.ts",
  "worker/routes/room-limits.test.ts",
];

type Inject = <T>(key: string) => T;

/** The groups run one after another (`sequence.groupOrder`), each project's files two at a
 * time unless it says otherwise. */
const GROUP = { parallel: 0, aiDoubles: 1, browser: 2, blackbox: 3 } as const;

/** A project running inside workerd with the Worker from wrangler.toml and the test bindings. */
function workerProject(
  name: string,
  include: string[],
  opts: {
    exclude?: string[];
    globalSetup?: string[];
    extra?: (inject: Inject) => { bindings?: Record<string, string>; hyperdrives?: Record<string, string> };
    testTimeout?: number;
    /** Files one at a time, in the second group: suites that share one double's scripted
     * replies and request log. */
    serial?: boolean;
  } = {},
): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(({ inject }) => {
        const extra = opts.extra?.(inject as Inject) ?? {};
        return {
          wrangler: { configPath: "./wrangler.toml" },
          miniflare: {
            bindings: { ...bindings, ...extra.bindings },
            ...(extra.hyperdrives ? { hyperdrives: extra.hyperdrives } : {}),
          },
        };
      }),
    ],
    test: {
      name,
      include,
      exclude: opts.exclude,
      globalSetup: opts.globalSetup ?? [],
      setupFiles: ["./test/setup-worker.ts"],
      testTimeout: opts.testTimeout ?? 20_000,
      ...(opts.serial
        ? { fileParallelism: false, sequence: { groupOrder: GROUP.aiDoubles } }
        : { sequence: { groupOrder: GROUP.parallel } }),
    },
  };
}

/** Bindings for a project that talks to the Gemini double with its own keys (and, with
 * `openai`, to the OpenAI-compatible double too). */
const gemini =
  (keys: string, more: Record<string, string> = {}, openai = false) =>
  (inject: Inject) => ({
    bindings: {
      GEMINI_BASE_URL: inject<string>("geminiUrl"),
      GEMINI_API_KEYS: keys,
      ...(openai ? { OPENAI_BASE_URL: `${inject<string>("openaiUrl")}/v1`, OPENAI_API_KEY: "test-openai-key" } : {}),
      ...more,
    },
  });
const aiDoubles = ["./test/doubles/global-setup.ts"];
const fastRetries = { KEYS_MAX_PER_MINUTE: "1000", QUEUE_RETRY_DELAYS: "0,0,0" };

export default defineConfig({
  test: {
    // Two files at a time (vitest's default on two cores is one): each workerd file has its own
    // storage. The suites sharing an AI double and the black-box servers run one file at a
    // time; each group runs after the one before (GROUP).
    maxWorkers: 2,
    sequence: { sequencer: LongFirstSequencer },
    // Access-log lines from the Worker are noise in test output; errors still show.
    onConsoleLog: (line) => !line.includes('"event":"request"'),
    projects: [
      workerProject("worker-d1", ["shared/**/*.test.ts", "worker/**/*.test.ts", "durable-objects/**/*.test.ts"], {
        exclude: [...aiTests, ...pipelineTests, ...opsAiTests, ...hotLogTests, ...textTests, "shared/store/pg-socket.test.ts"],
      }),
      // Rooms that keep only their newest five messages, so pruning and the catch-up from the
      // history store that it implies run within a test's worth of messages; and that take at
      // most four people, so a full room is a test's worth of sign-ups.
      workerProject("worker-hot-log", hotLogTests, {
        extra: () => ({
          bindings: { HOT_LOG_ROWS: "5", HOT_LOG_HOURS: "0", SEND_BURST: "1000", SEND_PER_SECOND: "1000", ROOM_MAX_MEMBERS: "4" },
        }),
      }),
      workerProject("worker-pg", ["shared/store/**/*.test.ts", "worker/routes/**/*.test.ts"], {
        exclude: ["shared/store/d1-limits.test.ts", ...hotLogTests],
        globalSetup: ["./test/pg-global-setup.ts"],
        extra: (inject) => ({ hyperdrives: { HYPERDRIVE: inject<string>("pgUrl") } }),
      }),
      // The history store going down and coming back: a PostgreSQL server of the project's own
      // (test/outage/global-setup.ts) that the tests stop and start. The retry backoff may grow
      // to a minute here, so what brings the backlog home is the wake-up, not a short cap.
      workerProject("worker-outage", ["test/outage/**/*.test.ts"], {
        globalSetup: ["./test/outage/global-setup.ts"],
        extra: (inject) => ({
          hyperdrives: { HYPERDRIVE: inject<string>("outagePgUrl") },
          bindings: {
            OUTAGE_CONTROL_URL: inject<string>("outageControlUrl"),
            FLUSH_RETRY_MAX_MS: "60000",
            STORE_TIMEOUT_SECONDS: "2",
            SEND_BURST: "1000",
            SEND_PER_SECOND: "1000",
          },
        }),
        testTimeout: 90_000,
      }),
      // Two keys sharing project "alpha" and one on its own (see key-pool.test.ts).
      workerProject("worker-ai", aiTests, {
        globalSetup: aiDoubles,
        extra: gemini("alpha:test-alpha-key-1111,alpha:test-alpha-key-2222,test-solo-key-3333", {}, true),
        serial: true,
      }),
      // Two keys in projects of their own, so a 429 on one leaves the other usable.
      workerProject("worker-pipeline", pipelineTests, {
        globalSetup: aiDoubles,
        // Budgets high enough that only the test that spends one on purpose reaches it.
        extra: gemini(
          "pipeline-key-aaaa,pipeline-key-bbbb",
          { ...fastRetries, QUEUE_MAX_RETRIES: "3", AI_DAILY_TOKENS_PER_PERSON: "1000000", AI_DAILY_TOKENS_PER_ROOM: "5000000" },
          true,
        ),
        testTimeout: 30_000,
        serial: true,
      }),
      workerProject("worker-ops", opsAiTests, {
        globalSetup: aiDoubles,
        extra: gemini("ops-key-cccc,ops-key-dddd", { ...fastRetries, QUEUE_MAX_RETRIES: "2" }),
        testTimeout: 30_000,
        serial: true,
      }),
      {
        test: {
          // Debian's Chromium through playwright-core against the built app served by
          // `vite preview` with the Cloudflare plugin (test/e2e/global-setup.ts builds and
          // starts it with a fresh state directory). Runs after the other projects, so the
          // browser isn't competing with workerd suites for the two cores; two files at a time,
          // each with its own Chromium and its own people.
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.e2e.test.ts"],
          globalSetup: ["./test/e2e/global-setup.ts"],
          sequence: { groupOrder: GROUP.browser },
          testTimeout: 90_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          // Parlor started by the README's own commands (`npm run dev`, `npm run dev --
          // --wrangler`, `npm run pg:local` then `npm run dev`) in copies of the working tree,
          // configured only through a .dev.vars, and driven over HTTP and WebSockets only
          // (test/blackbox/global-setup.ts starts one server per mode for every file). Runs
          // last, one file at a time. Alone: `npx vitest run --project blackbox`.
          name: "blackbox",
          environment: "node",
          include: ["test/blackbox/**/*.blackbox.test.ts"],
          globalSetup: ["./test/blackbox/global-setup.ts"],
          fileParallelism: false,
          sequence: { groupOrder: GROUP.blackbox },
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [solid()],
        test: {
          name: "web",
          environment: "jsdom",
          // One jsdom per worker, each file still in its own context: a jsdom per file cost
          // about a second each, most of this project's time.
          pool: "vmThreads",
          include: ["web/**/*.test.{ts,tsx}", ...textTests],
          sequence: { groupOrder: GROUP.parallel },
        },
      },
      // The layering and size rules of docs/architecture.md, over the source tree as text.
      { test: { name: "layers", environment: "node", include: ["test/layers.test.ts"], sequence: { groupOrder: GROUP.parallel } } },
    ],
  },
});
