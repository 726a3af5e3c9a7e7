// One message's states and the actions they offer: Stop while streaming, Regenerate on the
// newest AI reply, Retry (same clientId) and Discard on a failed send; the message actions (copy,
// edit, delete, regenerate, versions) and how an edited or deleted message shows.
import "../test/dom";
import { fireEvent, render, screen, within } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { RoomPeople } from "../mentions";
import { actions, aMessage } from "../test/messages";
import { MessageItem } from "./MessageItem";
import { PendingItem } from "./PendingItem";

const ai = aMessage;

describe("MessageItem", () => {
  it("names a person by display name and @username, so two people called Alice differ", () => {
    const from = (id: string, username: string) =>
      ai({ id, seq: id === "a" ? 1 : 2, author: { kind: "user", id, name: "Alice", username }, content: `from ${username}` });
    const { container } = render(() => (
      <>
        <MessageItem message={from("a", "alice")} mine={false} compact={false} groupEnd latestAi={false} actions={actions()} />
        <MessageItem message={from("d", "dave")} mine={false} compact={false} groupEnd latestAi={false} actions={actions()} />
      </>
    ));
    const heads = [...container.querySelectorAll(".msg-head")].map((h) => h.textContent);
    expect(heads[0]).toContain("Alice@alice");
    expect(heads[1]).toContain("Alice@dave");
  });

  it("gives your own message's time to a screen reader once", () => {
    const mine = ai({ seq: 4, author: { kind: "user", id: "me", name: "Me", username: "me" }, content: "see you at noon" });
    const { container } = render(() => <MessageItem message={mine} mine compact={false} groupEnd latestAi={false} actions={actions()} />);
    const times = [...container.querySelectorAll("time")];
    expect(times).toHaveLength(2); // one in the header, one under the bubble
    expect(times.filter((t) => !t.closest("[aria-hidden=true]"))).toHaveLength(1);
  });

  it("names an author the room knows by their current name, and anyone else by the name the message carries", () => {
    const people = {
      style: () => undefined,
      nameOf: (id: string) => (id === "a" ? "Alice Renamed" : undefined),
      avatarOf: () => undefined,
    };
    const from = (id: string, username: string) =>
      ai({ id, seq: id === "a" ? 1 : 2, author: { kind: "user", id, name: "Alice", username }, content: `from ${username}` });
    const { container } = render(() => (
      <RoomPeople.Provider value={people}>
        <MessageItem message={from("a", "alice")} mine={false} compact={false} groupEnd latestAi={false} actions={actions()} />
        <MessageItem message={from("d", "dave")} mine={false} compact={false} groupEnd latestAi={false} actions={actions()} />
      </RoomPeople.Provider>
    ));
    const heads = [...container.querySelectorAll(".msg-head")].map((h) => h.textContent);
    expect(heads[0]).toContain("Alice Renamed@alice");
    expect(heads[1]).toContain("Alice@dave");
    expect(container.querySelector(".avatar")?.textContent).toBe("AR");
  });

  it("says a notice about a member as its reader knows them: 'you', or their current name", () => {
    const people = {
      style: () => undefined,
      nameOf: () => undefined,
      avatarOf: () => undefined,
      nameOfUser: (u: string) => (u === "cy_y" ? "Cy Young" : undefined),
      me: () => "ann_b",
    };
    const notice = (seq: number, content: string) => ai({ seq, author: { kind: "system", id: "u2", name: "Bob" }, content });
    const { container } = render(() => (
      <RoomPeople.Provider value={people}>
        <MessageItem message={notice(1, "added @ann_b")} mine={false} compact={false} groupEnd latestAi={false} actions={actions()} />
        <MessageItem message={notice(2, "removed @cy_y")} mine={false} compact={false} groupEnd latestAi={false} actions={actions()} />
      </RoomPeople.Provider>
    ));
    const lines = [...container.querySelectorAll(".msg-system")].map((l) => l.textContent?.replace(/\s\d{1,2}:\d{2}.*$/, ""));
    expect(lines).toEqual(["Bob added you", "Bob removed Cy Young"]);
  });

  it("offers Stop while an AI reply streams, and marks it busy", () => {
    const a = actions();
    const { container } = render(() => (
      <MessageItem message={ai({ status: "streaming" })} mine={false} compact={false} groupEnd latestAi actions={a} />
    ));
    fireEvent.click(screen.getByRole("button", { name: "Stop" }));
    expect(a.stop).toHaveBeenCalledWith(7);
    expect(container.querySelector("article")).toHaveAttribute("aria-busy", "true");
  });

  it("shows a thinking indicator before the first token", () => {
    render(() => (
      <MessageItem message={ai({ status: "streaming", content: "" })} mine={false} compact={false} groupEnd latestAi actions={actions()} />
    ));
    expect(screen.getByRole("img", { name: "Thinking" })).toBeInTheDocument();
  });

  it("offers Regenerate in the open on the newest stopped reply, and among the actions on older ones", () => {
    const a = actions();
    const { unmount } = render(() => (
      <MessageItem message={ai({ status: "stopped" })} mine={false} compact={false} groupEnd latestAi actions={a} />
    ));
    expect(screen.getByText("Stopped")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Regenerate" }));
    expect(a.regenerate).toHaveBeenCalledWith(7);
    fireEvent.pointerEnter(document.querySelector("article") as HTMLElement);
    expect(within(screen.getByRole("group", { name: "Message actions" })).queryByRole("button", { name: "Regenerate" })).toBeNull();
    unmount();
    render(() => <MessageItem message={ai({ status: "stopped" })} mine={false} compact={false} groupEnd latestAi={false} actions={a} />);
    fireEvent.pointerEnter(document.querySelector("article") as HTMLElement);
    expect(screen.getAllByRole("button", { name: "Regenerate" })).toHaveLength(1);
    expect(within(screen.getByRole("group", { name: "Message actions" })).getByRole("button", { name: "Regenerate" })).toBeInTheDocument();
  });

  it("offers no Regenerate once the room has no character to answer again", () => {
    const { regenerate: _, ...a } = actions();
    render(() => (
      <>
        <MessageItem message={ai({ status: "stopped" })} mine={false} compact={false} groupEnd latestAi actions={a} />
        <MessageItem message={ai({ seq: 5 })} mine={false} compact={false} groupEnd latestAi={false} actions={a} />
      </>
    ));
    expect(screen.getByText("Stopped")).toBeInTheDocument();
    for (const article of document.querySelectorAll("article")) fireEvent.pointerEnter(article);
    expect(screen.getAllByRole("group", { name: "Message actions" })).toHaveLength(2);
    expect(screen.queryByRole("button", { name: "Regenerate" })).toBeNull();
  });

  it("says why a reply is waiting, and counts down to when it tries again, instead of Writing…", () => {
    vi.useFakeTimers({ now: Date.parse("2026-01-01T10:00:00.000Z") });
    const retryAt = "2026-01-01T10:00:05.000Z";
    const reason = "Waiting its turn: one person's messages get at most 3 AI replies at once.";
    render(() => (
      <MessageItem
        message={ai({ status: "streaming", content: "", retryAt, error: reason })}
        mine={false}
        compact={false}
        groupEnd
        latestAi
        actions={actions()}
      />
    ));
    const state = document.querySelector(".msg-state") as HTMLElement;
    expect(state).toHaveTextContent(`${reason} Trying again in 5 s.`);
    expect(state).not.toHaveTextContent("Writing…");
    expect(screen.getByRole("button", { name: "Stop" })).toBeInTheDocument();
    // Nothing is being written meanwhile: the reply is marked waiting (its dots stand still).
    expect(document.querySelector("article")).toHaveClass("is-waiting");
    vi.advanceTimersByTime(3000);
    expect(state).toHaveTextContent("Trying again in 2 s.");
    vi.advanceTimersByTime(3000);
    expect(state).toHaveTextContent("Trying again now…");
    vi.useRealTimers();
  });

  it("says a reply stopped before its first word wrote nothing, rather than show an empty bubble", () => {
    render(() => (
      <MessageItem message={ai({ status: "stopped", content: "" })} mine={false} compact={false} groupEnd latestAi actions={actions()} />
    ));
    expect(document.querySelector(".bubble")).toHaveTextContent("Nothing was written.");
    expect(screen.getByText("Stopped")).toBeInTheDocument();
  });

  it("says why an AI reply failed", () => {
    render(() => (
      <MessageItem
        message={ai({ status: "error", error: "Every API key is rate limited." })}
        mine={false}
        compact={false}
        groupEnd
        latestAi
        actions={actions()}
      />
    ));
    // Said here, not as an alert: the log's announcer says it once (a row drawn again, as history
    // scrolls back into view, would say it again).
    expect(document.querySelector(".msg-meta-error")).toHaveTextContent("Every API key is rate limited.");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("offers Regenerate in the open on a failed reply, the newest or not", () => {
    const a = actions();
    render(() => (
      <MessageItem
        message={ai({ status: "error", error: "The AI is unavailable." })}
        mine={false}
        compact={false}
        groupEnd
        latestAi={false}
        actions={a}
      />
    ));
    fireEvent.click(within(document.querySelector(".msg-meta-error") as HTMLElement).getByRole("button", { name: "Regenerate" }));
    expect(a.regenerate).toHaveBeenCalledWith(7);
    // Once: not again among the actions.
    fireEvent.pointerEnter(document.querySelector("article") as HTMLElement);
    expect(screen.getAllByRole("button", { name: "Regenerate" })).toHaveLength(1);
  });

  it("names the author for screen readers even in a folded run", () => {
    render(() => <MessageItem message={ai()} mine={false} compact groupEnd={false} latestAi={false} actions={actions()} />);
    expect(screen.getByText("Assistant")).toHaveClass("msg-author");
  });
});

describe("PendingItem", () => {
  it("retries a failed send with its clientId, or discards it", () => {
    const a = actions();
    const send = {
      clientId: "c-42",
      content: "hello",
      status: "failed" as const,
      error: "Not sent: the connection dropped.",
      createdAt: new Date().toISOString(),
    };
    render(() => <PendingItem send={send} actions={a} now={Date.now()} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Not sent: the connection dropped.");
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(a.retry).toHaveBeenCalledWith("c-42");
    fireEvent.click(screen.getByRole("button", { name: "Discard" }));
    expect(a.discard).toHaveBeenCalledWith("c-42");
  });

  it("holds Retry until a rate limit has passed", () => {
    const now = Date.now();
    const send = {
      clientId: "c1",
      content: "x",
      status: "failed" as const,
      error: "Slow down",
      retryAt: now + 3000,
      createdAt: new Date().toISOString(),
    };
    render(() => <PendingItem send={send} actions={actions()} now={now} />);
    expect(screen.getByRole("button", { name: /Retry in 3 s/ })).toBeDisabled();
  });

  it("says when a send is waiting for the connection", () => {
    const send = { clientId: "c1", content: "x", status: "pending" as const, waiting: true, createdAt: new Date().toISOString() };
    render(() => <PendingItem send={send} actions={actions()} now={Date.now()} />);
    expect(screen.getByText("Waiting for connection…")).toBeInTheDocument();
  });

  it("says a send held back by the room's send limit is waiting to send, not for the connection", () => {
    const now = Date.now();
    const send = {
      clientId: "c1",
      content: "x",
      status: "pending" as const,
      waiting: true,
      held: true,
      createdAt: new Date().toISOString(),
    };
    const a = actions();
    render(() => <PendingItem send={send} actions={a} now={now} />);
    expect(screen.getByText("Waiting to send…")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Retry/ })).toBeNull();
    // Not on its way yet: it can be taken back.
    fireEvent.click(screen.getByRole("button", { name: "Discard" }));
    expect(a.discard).toHaveBeenCalledWith("c1");
  });
});
