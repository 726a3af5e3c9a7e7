// What a screen reader is told as the conversation moves: each new message once, an AI reply
// only when it is finished, never your own sends or the history there at opening, a burst as a
// count.
import "../test/dom";
import { render } from "@solidjs/testing-library";
import { createStore, produce } from "solid-js/store";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Message } from "../../../shared/wire";
import { loadPlainText } from "../format";
import { RoomPeople } from "../mentions";
import { aMessage } from "../test/messages";
import { Announcer, spokenText } from "./Announcer";

const from = (seq: number, id: string, name: string, content: string, extra: Partial<Message> = {}) =>
  aMessage({ id: `m${seq}`, seq, author: { kind: "user", id, name, username: id }, content, ...extra });

function room(history: Message[]) {
  const [list, setList] = createStore<Message[]>(history);
  const { container } = render(() => <Announcer messages={list} myId="ada" />);
  const region = container.querySelector("[aria-live=polite]") as HTMLElement;
  return {
    /** What was said, once the burst window is over. */
    said: () => {
      vi.advanceTimersByTime(300);
      return [...region.querySelectorAll("p")].map((p) => p.textContent);
    },
    add: (...m: Message[]) => setList(produce((l) => void l.push(...m))),
    change: (seq: number, extra: Partial<Message>) =>
      setList(
        (m) => m.seq === seq,
        produce((m) => void Object.assign(m, extra)),
      ),
  };
}

beforeAll(() => loadPlainText());
beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("Announcer", () => {
  it("says someone else's new message once, and nothing of the history or of your own", () => {
    const r = room([from(1, "bob", "Bob", "an old one")]);
    expect(r.said()).toEqual([]);
    r.add(from(2, "ada", "Ada", "my own words"));
    r.add(from(3, "bob", "Bob", "**Lunch** at noon?"));
    expect(r.said()).toEqual(["Bob: Lunch at noon?"]);
    r.change(3, { editedAt: new Date().toISOString(), content: "Lunch at one?" });
    expect(r.said()).toEqual(["Bob: Lunch at noon?"]);
  });

  it("lets a line go once it has been heard, so the page read later does not say it again", () => {
    const r = room([]);
    r.add(from(1, "bob", "Bob", "see you at noon"));
    expect(r.said()).toEqual(["Bob: see you at noon"]);
    vi.advanceTimersByTime(10_000);
    expect(r.said()).toEqual([]);
  });

  it("says an AI reply when it is complete, not chunk by chunk", () => {
    const r = room([from(1, "ada", "Ada", "a question")]);
    r.add(aMessage({ seq: 2, content: "", status: "streaming" }));
    r.change(2, { content: "The short" });
    r.change(2, { content: "The short answer is" });
    expect(r.said()).toEqual([]);
    r.change(2, { content: "The short answer is yes.", status: "complete" });
    expect(r.said()).toEqual(["Assistant: The short answer is yes."]);
    r.change(2, { content: "The short answer is yes!" });
    expect(r.said()).toHaveLength(1);
  });

  it("says a stopped reply is stopped, and a failed one why", () => {
    const r = room([]);
    r.add(aMessage({ seq: 1, content: "", status: "streaming" }), aMessage({ seq: 2, content: "", status: "streaming" }));
    r.change(1, { content: "Half of it", status: "stopped" });
    r.change(2, { status: "error", error: "The AI is unavailable." });
    expect(r.said()).toEqual(["Assistant: Half of it (stopped)", "Assistant couldn't reply: The AI is unavailable."]);
  });

  it("says a new version of a reply once it is written (a regenerate)", () => {
    const r = room([from(1, "ada", "Ada", "a question"), aMessage({ seq: 2, content: "The first answer." })]);
    r.change(2, { content: "", status: "streaming" });
    r.change(2, { content: "A second", status: "streaming" });
    expect(r.said()).toEqual([]);
    r.change(2, { content: "A second answer.", status: "complete" });
    expect(r.said()).toEqual(["Assistant: A second answer."]);
  });

  it("says a reply that was being written when the room opened, once it is done", () => {
    const r = room([from(1, "ada", "Ada", "a question"), aMessage({ seq: 2, content: "Thinking it", status: "streaming" })]);
    r.change(2, { content: "Thinking it over: yes.", status: "complete" });
    expect(r.said()).toEqual(["Assistant: Thinking it over: yes."]);
  });

  it("counts a burst instead of reading it all (the catch-up after a reconnect, a frame each)", () => {
    const r = room([]);
    for (let i = 1; i <= 5; i++) r.add(from(i, "bob", "Bob", `catching up ${i}`));
    expect(r.said()).toEqual(["5 new messages."]);
    r.add(from(6, "bob", "Bob", "and live again"));
    expect(r.said()).toEqual(["5 new messages.", "Bob: and live again"]);
  });

  it("reads a mention of you as 'you', and of someone the room knows as their name", () => {
    const [list, setList] = createStore<Message[]>([]);
    const people = {
      style: () => undefined,
      nameOf: () => undefined,
      avatarOf: () => undefined,
      me: () => "ada",
      nameOfUser: (u: string) => (u === "cy_y" ? "Cy Young" : undefined),
    };
    const { container } = render(() => (
      <RoomPeople.Provider value={people}>
        <Announcer messages={list} myId="ada" />
      </RoomPeople.Provider>
    ));
    setList(produce((l) => void l.push(from(1, "bob", "Bob", "hey @ada, ask @cy_y"))));
    vi.advanceTimersByTime(300);
    expect(container.querySelector("[aria-live=polite] p")?.textContent).toBe("Bob: hey you, ask Cy Young");
  });

  it("names the files sent with a message", () => {
    const r = room([]);
    const file = { id: "f1", name: "chart.png", mimeType: "image/png" as const, size: 10, url: "/f1" };
    r.add(from(1, "bob", "Bob", "", { attachments: [file] }), from(2, "bob", "Bob", "see this", { attachments: [file, file] }));
    expect(r.said()).toEqual(["Bob sent chart.png", "Bob: see this, and sent 2 files"]);
  });

  it("reads each line as a sentence, skips code fences and table rules, and names who is mentioned", () => {
    const names = (u: string) => (u === "cy_y" ? "Cy Young" : undefined);
    const table = "| Step | Minutes |\n|:--|--:|\n| Boil the pasta | 10 |";
    expect(spokenText(table)).toBe("Step Minutes. Boil the pasta 10");
    expect(spokenText("## Plan\n- one\n- two\n```ts\nconst x = 1;\n```", names)).toBe("Plan. one. two. const x = 1;");
    expect(spokenText("ask @cy_y or @dee_d, not mail@cy_y", names)).toBe("ask Cy Young or @dee_d, not mail@cy_y");
  });
});
