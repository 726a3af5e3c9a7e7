// A message's text as its bubble shows it: a reply stopped or failed part-way, its text cut
// mid-Markdown, keeps the formatting it had while it streamed (not raw `**`); a finished message
// is plain CommonMark; and lines typed on their own stay on their own, in people's and AI
// messages alike.
import "../test/dom";
import { render } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import type { Message } from "../../../shared/wire";
import { actions, aMessage } from "../test/messages";
import { MessageItem } from "./MessageItem";

const show = (message: () => Message) =>
  render(() => <MessageItem message={message()} mine={false} compact={false} groupEnd latestAi actions={actions()} />).container;

const bubble = (container: HTMLElement) => container.querySelector(".bubble .md") as HTMLElement;

describe("a reply cut short", () => {
  it.each(["stopped", "error"] as const)("renders a %s reply's unfinished Markdown as it looked while streaming", (status) => {
    const container = show(() => aMessage({ status, content: "Here is **three easy" }));
    expect(bubble(container).querySelector("strong")?.textContent).toBe("three easy");
    expect(bubble(container).textContent).toBe("Here is three easy");
  });

  it("shows a half-written link's words, and holds back a last line that is only a bullet", () => {
    const container = show(() => aMessage({ status: "stopped", content: "See [the docs](https://exa" }));
    expect(bubble(container).textContent).toBe("See the docs");
    const list = show(() => aMessage({ status: "error", content: "Steps:\n\n1. Pack water\n-" }));
    expect(bubble(list).textContent).toBe("Steps:Pack water");
  });

  it("keeps what the reader saw when Stop lands: the same nodes, still bold", () => {
    const [message, setMessage] = createSignal(aMessage({ status: "streaming", content: "Here is **three easy" }));
    const container = show(message);
    const strong = bubble(container).querySelector("strong");
    expect(strong?.textContent).toBe("three easy");
    setMessage(aMessage({ status: "stopped", content: "Here is **three easy" }));
    expect(bubble(container).querySelector("strong")).toBe(strong);
    expect(bubble(container).textContent).not.toContain("*");
  });

  it("renders a finished message as written: its stray asterisks are text", () => {
    const container = show(() => aMessage({ status: "complete", content: "Here is **three easy" }));
    expect(bubble(container).querySelector("strong")).toBeNull();
    expect(bubble(container).textContent).toBe("Here is **three easy");
  });
});

describe("lines typed on their own", () => {
  const person = { kind: "user" as const, id: "u1", name: "Ada", username: "ada" };

  it.each([
    ["a person's message", aMessage({ author: person, status: "complete", content: "first line\nsecond line\nthird line" })],
    ["an AI reply", aMessage({ status: "complete", content: "first line\nsecond line\nthird line" })],
    ["an AI reply as it streams", aMessage({ status: "streaming", content: "first line\nsecond line\nthird line" })],
  ])("break the line in %s", (_, message) => {
    expect(bubble(show(() => message)).innerHTML).toBe('<p dir="auto">first line<br>second line<br>third line</p>');
  });
});
