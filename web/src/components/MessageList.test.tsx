// The message log: a capped window of rows however long the room, grouping, day separators,
// local sends at the end, and the log's accessible name and role.
import "../test/dom";
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import type { Message } from "../../../shared/wire";
import type { LocalSend } from "../stores/messages";
import { MessageList, WINDOW } from "./MessageList";

const actions = { stop: vi.fn(), regenerate: vi.fn(), retry: vi.fn(), discard: vi.fn() };
const msg = (seq: number, author = "u2", at = Date.UTC(2026, 0, 1, 12, 0, seq)): Message => ({
  id: `m${seq}`,
  roomId: "r1",
  seq,
  author: { kind: "user", id: author, name: author === "u1" ? "Ada" : "Bob" },
  content: `message number ${seq}`,
  status: "complete",
  createdAt: new Date(at).toISOString(),
});

function list(messages: Message[], pending: LocalSend[] = [], hasMoreBefore = false, intro?: string) {
  return render(() => (
    <MessageList
      messages={messages}
      pending={pending}
      myId="u1"
      hasMoreBefore={hasMoreBefore}
      loadingOlder={false}
      loadOlder={async () => {}}
      actions={actions}
      label="Messages in Test"
      now={Date.now()}
      intro={intro}
    />
  ));
}

describe("MessageList", () => {
  it("keeps at most a window of rows in the DOM for a 5,000-message room", () => {
    const many = Array.from({ length: 5000 }, (_, i) => msg(i + 1));
    const { container } = list(many);
    const rows = container.querySelectorAll("[data-seq]");
    expect(rows.length).toBe(WINDOW);
    // Following the conversation: the newest messages are the ones rendered.
    expect(rows[rows.length - 1]?.getAttribute("data-seq")).toBe("5000");
    expect(screen.getByText("message number 5000")).toBeInTheDocument();
    expect(screen.queryByText("message number 1")).toBeNull();
  });

  it("counts the newer messages not loaded yet when it opens at a search hit", async () => {
    // A page around seq 40 and the latest page, with seqs 151-272 not loaded between them.
    const loaded = [...Array.from({ length: 150 }, (_, i) => msg(i + 1)), ...Array.from({ length: 50 }, (_, i) => msg(i + 273))];
    render(() => (
      <MessageList
        messages={loaded}
        pending={[]}
        myId="u1"
        hasMoreBefore={false}
        loadingOlder={false}
        loadOlder={async () => {}}
        actions={actions}
        label="Messages in Test"
        now={Date.now()}
        target={{ seq: 40 }}
        gaps={[{ after: 150, before: 273 }]}
      />
    ));
    const last = Number([...document.querySelectorAll("[data-seq]")].at(-1)?.getAttribute("data-seq"));
    expect(await screen.findByRole("button", { name: `${322 - last} newer messages` })).toBeInTheDocument();
    expect(322 - last).toBeGreaterThan(150);
  });

  it("puts one message in the tab order, the newest, and moves between them with the arrow keys", () => {
    const { container } = list(Array.from({ length: 6 }, (_, i) => msg(i + 1)));
    const stops = () =>
      [...container.querySelectorAll<HTMLElement>("[data-seq]")].filter((el) => el.tabIndex === 0).map((el) => el.dataset.seq);
    expect(stops()).toEqual(["6"]);
    const row = (seq: number) => container.querySelector<HTMLElement>(`[data-seq="${seq}"]`) as HTMLElement;
    row(6).focus();
    fireEvent.keyDown(row(6), { key: "ArrowUp" });
    expect(document.activeElement).toBe(row(5));
    expect(stops()).toEqual(["5"]);
    fireEvent.keyDown(row(5), { key: "Home" });
    expect(document.activeElement).toBe(row(1));
    fireEvent.keyDown(row(1), { key: "ArrowUp" });
    expect(document.activeElement).toBe(row(1));
    fireEvent.keyDown(row(1), { key: "End" });
    expect(document.activeElement).toBe(row(6));
    expect(stops()).toEqual(["6"]);
  });

  it("is a labelled log region", () => {
    list([msg(1)]);
    expect(screen.getByRole("log", { name: "Messages in Test" })).toBeInTheDocument();
  });

  it("marks the beginning of the conversation only when there is no older history", () => {
    const { unmount } = list([msg(5)], [], true);
    expect(screen.queryByText("This is the beginning of the conversation.")).toBeNull();
    unmount();
    list([msg(1)]);
    expect(screen.getByText("This is the beginning of the conversation.")).toBeInTheDocument();
  });

  it("folds a run of messages from one person under one name", () => {
    const { container } = list([msg(1), msg(2), msg(3, "u3")]);
    expect(container.querySelectorAll(".msg.is-compact")).toHaveLength(1);
  });

  it("separates days", () => {
    const day = 24 * 3600_000;
    list([msg(1, "u2", Date.now() - day), msg(2, "u2", Date.now())]);
    expect(screen.getByText("Yesterday")).toBeInTheDocument();
    expect(screen.getByText("Today")).toBeInTheDocument();
  });

  it("shows local sends after the server's messages", () => {
    const pending: LocalSend = { clientId: "c1", content: "still sending", status: "pending", createdAt: new Date().toISOString() };
    const { container } = list([msg(1)], [pending]);
    const texts = [...container.querySelectorAll(".bubble")].map((b) => b.textContent);
    expect(texts).toEqual(["message number 1", "still sending"]);
    expect(screen.getByText("Sending…")).toBeInTheDocument();
  });

  it("shows a change to the room as a line of its own, 'You' for yours, outside the arrow keys' rows", () => {
    const change = (seq: number, by: string, content: string): Message => ({
      ...msg(seq, by),
      author: { kind: "system", id: by, name: by === "u1" ? "Ada" : "Bob" },
      content,
    });
    const { container } = list([msg(1), change(2, "u2", "added Cy"), change(3, "u1", "renamed the room to “Plans”"), msg(4)]);
    const lines = [...container.querySelectorAll(".msg-system")].map((l) => l.textContent?.replace(/\s*\d{1,2}:\d{2}.*$/, ""));
    expect(lines).toEqual(["Bob added Cy", "You renamed the room to “Plans”"]);
    // Not a message: no actions, no bubble, not a row the arrow keys stop on.
    expect(container.querySelectorAll(".msg[data-seq]")).toHaveLength(2);
    expect(container.querySelectorAll(".msg-system time")).toHaveLength(2);
    // The message after a change starts a new run, under its author's name.
    expect(container.querySelector('.msg[data-seq="4"]')?.classList.contains("is-compact")).toBe(false);
  });

  it("still says what to do first in a room where only its settings changed", () => {
    const named: Message = { ...msg(1), author: { kind: "system", id: "u1", name: "Ada" }, content: "named the room “Plans”" };
    const show = (messages: Message[]) => list(messages, [], false, "Say hello to Owl.");
    expect(show([named]).container.querySelector(".log-intro")?.textContent).toBe("Say hello to Owl.");
    expect(show([named, msg(2)]).container.querySelectorAll(".log-intro")).toHaveLength(0);
  });

  it("hands a message its actions without making a computation on each click (no leak)", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const question = { ...msg(1, "u1"), deletedAt: new Date().toISOString(), content: "" };
    const reply: Message = { ...msg(2), author: { kind: "ai", id: "owl", name: "Owl" }, status: "streaming", replyTo: 1 };
    list([question, reply]);
    fireEvent.click(screen.getByRole("button", { name: "Stop" }));
    fireEvent.click(screen.getByRole("button", { name: "Stop" }));
    expect(actions.stop).toHaveBeenCalledWith(2);
    expect(warn.mock.calls.filter((c) => String(c[0]).includes("createRoot"))).toEqual([]);
    warn.mockRestore();
  });
});
