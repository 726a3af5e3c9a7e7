// What a screen reader is told as the conversation moves: each new message once, an AI reply
// only when it is finished, never your own sends or the history there at opening, a burst as a
// count.
import "../test/dom";
import { render } from "@solidjs/testing-library";
import { createStore, produce } from "solid-js/store";
import { beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../../shared/wire";
import { loadPlainText } from "../format";
import { aMessage } from "../test/messages";
import { Announcer } from "./Announcer";

const from = (seq: number, id: string, name: string, content: string, extra: Partial<Message> = {}) =>
  aMessage({ id: `m${seq}`, seq, author: { kind: "user", id, name, username: id }, content, ...extra });

function room(history: Message[]) {
  const [list, setList] = createStore<Message[]>(history);
  const { container } = render(() => <Announcer messages={list} myId="ada" />);
  const region = container.querySelector("[aria-live=polite]") as HTMLElement;
  return {
    said: () => [...region.querySelectorAll("p")].map((p) => p.textContent),
    add: (...m: Message[]) => setList(produce((l) => void l.push(...m))),
    change: (seq: number, extra: Partial<Message>) =>
      setList(
        (m) => m.seq === seq,
        produce((m) => void Object.assign(m, extra)),
      ),
  };
}

beforeAll(() => loadPlainText());

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

  it("says a stopped reply is stopped, and leaves a failed one to its own alert", () => {
    const r = room([]);
    r.add(aMessage({ seq: 1, content: "", status: "streaming" }), aMessage({ seq: 2, content: "", status: "streaming" }));
    r.change(1, { content: "Half of it", status: "stopped" });
    r.change(2, { status: "error", error: "The AI is unavailable." });
    expect(r.said()).toEqual(["Assistant: Half of it (stopped)"]);
  });

  it("counts a burst instead of reading it all (the catch-up after a reconnect)", () => {
    const r = room([]);
    r.add(...Array.from({ length: 5 }, (_, i) => from(i + 1, "bob", "Bob", `catching up ${i + 1}`)));
    expect(r.said()).toEqual(["5 new messages."]);
    r.add(from(6, "bob", "Bob", "and live again"));
    expect(r.said()).toEqual(["5 new messages.", "Bob: and live again"]);
  });

  it("names the files sent with a message", () => {
    const r = room([]);
    const file = { id: "f1", name: "chart.png", mimeType: "image/png" as const, size: 10, url: "/f1" };
    r.add(from(1, "bob", "Bob", "", { attachments: [file] }), from(2, "bob", "Bob", "see this", { attachments: [file, file] }));
    expect(r.said()).toEqual(["Bob sent chart.png", "Bob: see this, and sent 2 files"]);
  });
});
