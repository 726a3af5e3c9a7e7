// The actions on a message already in the room: copy the Markdown source, edit your own in
// place (Enter saves, Escape cancels) and be offered a new AI reply to the new text, delete
// after confirming, flip a regenerated reply's versions; a tombstone offers nothing.
import "../test/dom";
import { fireEvent, render, screen, within } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import type { Message } from "../../../shared/wire";
import { toasts } from "../stores/toasts";
import { actions, aMessage } from "../test/messages";
import { MessageItem } from "./MessageItem";

const mine = (extra: Partial<Message> = {}) =>
  aMessage({ id: "m3", seq: 3, author: { kind: "user", id: "me", name: "Me" }, content: "**bold** words", ...extra });
/** The message rendered, with the pointer over it (the actions are built on first approach). */
function item(message: Message, a = actions(), extra: { mine?: boolean; answeredBy?: number; canDeleteAny?: boolean } = {}) {
  const r = render(() => (
    <MessageItem message={message} mine={extra.mine ?? true} compact={false} groupEnd latestAi={false} actions={a} {...extra} />
  ));
  fireEvent.pointerEnter(r.container.querySelector("article") as HTMLElement);
  return r;
}

describe("message actions", () => {
  it("builds the actions only once a pointer or the keyboard reaches the message", () => {
    const r = render(() => <MessageItem message={mine()} mine compact={false} groupEnd latestAi={false} actions={actions()} />);
    expect(screen.queryByRole("group", { name: "Message actions" })).toBeNull();
    fireEvent.focusIn(r.container.querySelector("article") as HTMLElement);
    expect(screen.getByRole("group", { name: "Message actions" })).toBeInTheDocument();
  });

  it("copies the Markdown source, not the rendered text", async () => {
    const writeText = vi.fn(async () => {});
    Object.assign(navigator, { clipboard: { writeText } });
    item(mine());
    fireEvent.click(screen.getByRole("button", { name: "Copy message as Markdown" }));
    expect(writeText).toHaveBeenCalledWith("**bold** words");
    expect(await screen.findByText("Copied")).toBeInTheDocument();
  });

  it("edits your message in place, and offers to regenerate the reply that answered it", () => {
    const a = actions();
    item(mine(), a, { answeredBy: 4 });
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    const box = screen.getByRole("textbox", { name: "Edit message" }) as HTMLTextAreaElement;
    expect(box.value).toBe("**bold** words");
    fireEvent.input(box, { target: { value: "new words" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(a.edit).toHaveBeenCalledWith(3, "new words");
    fireEvent.click(screen.getByRole("button", { name: /Regenerate reply/ }));
    expect(a.regenerate).toHaveBeenCalledWith(4);
    expect(screen.queryByRole("button", { name: /Regenerate reply/ })).toBeNull();
  });

  it("keeps what you type when the message changes on another device meanwhile, and closes, saying so, when it is deleted", () => {
    const [message, setMessage] = createSignal(mine());
    const a = actions();
    render(() => <MessageItem message={message()} mine compact={false} groupEnd latestAi={false} actions={a} />);
    fireEvent.pointerEnter(document.querySelector("article") as HTMLElement);
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    const box = () => screen.getByRole("textbox", { name: "Edit message" }) as HTMLTextAreaElement;
    fireEvent.input(box(), { target: { value: "my careful rewrite" } });
    setMessage(mine({ content: "changed on my phone", editedAt: new Date().toISOString() }));
    expect(box().value).toBe("my careful rewrite");
    setMessage(mine({ content: "", deletedAt: new Date().toISOString() }));
    expect(screen.queryByRole("textbox", { name: "Edit message" })).toBeNull();
    expect(toasts.map((t) => t.text)).toContain("That message was deleted while you were editing it; your changes were not saved.");
    expect(a.edit).not.toHaveBeenCalled();
  });

  it("keeps the editor open with the new text when the edit could not be sent (offline)", () => {
    const a = actions();
    a.edit.mockReturnValue(false);
    item(mine(), a);
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    const box = screen.getByRole("textbox", { name: "Edit message" }) as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: "written offline" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(a.edit).toHaveBeenCalledWith(3, "written offline");
    expect((screen.getByRole("textbox", { name: "Edit message" }) as HTMLTextAreaElement).value).toBe("written offline");
    // Back online, saving again sends it and closes the editor.
    a.edit.mockReturnValue(true);
    fireEvent.keyDown(screen.getByRole("textbox", { name: "Edit message" }), { key: "Enter" });
    expect(a.edit).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole("textbox", { name: "Edit message" })).toBeNull();
  });

  it("on a touch screen, makes Return a new line in the editor and saves with Save", () => {
    vi.stubGlobal("matchMedia", (query: string) => ({ matches: query === "(hover: none) and (pointer: coarse)" }));
    try {
      const a = actions();
      item(mine(), a);
      fireEvent.click(screen.getByRole("button", { name: "Edit" }));
      const box = screen.getByRole("textbox", { name: "Edit message" });
      fireEvent.input(box, { target: { value: "new words" } });
      expect(fireEvent.keyDown(box, { key: "Enter" })).toBe(true);
      expect(a.edit).not.toHaveBeenCalled();
      fireEvent.click(screen.getByRole("button", { name: "Save" }));
      expect(a.edit).toHaveBeenCalledWith(3, "new words");
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("cancels an edit with Escape and changes nothing", () => {
    const a = actions();
    item(mine(), a);
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    fireEvent.keyDown(screen.getByRole("textbox", { name: "Edit message" }), { key: "Escape" });
    expect(a.edit).not.toHaveBeenCalled();
    expect(screen.getByText("bold")).toBeInTheDocument();
  });

  it("deletes after confirming; others' messages only as the room's owner", () => {
    const a = actions();
    const { unmount } = item(mine(), a);
    fireEvent.click(screen.getByRole("button", { name: "Delete message" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(a.remove).toHaveBeenCalledWith(3);
    unmount();
    const theirs = mine({ author: { kind: "user", id: "bob", name: "Bob" } });
    const second = item(theirs, a, { mine: false });
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete message" })).toBeNull();
    second.unmount();
    item(theirs, a, { mine: false, canDeleteAny: true });
    expect(screen.getByRole("button", { name: "Delete message" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
  });

  it("shows a tombstone with no actions, and marks an edited message", () => {
    const { unmount } = item(mine({ content: "", deletedAt: new Date().toISOString() }));
    expect(screen.getByText("Message deleted")).toBeInTheDocument();
    expect(screen.queryByRole("group", { name: "Message actions" })).toBeNull();
    unmount();
    item(mine({ editedAt: new Date().toISOString() }));
    expect(screen.getByText("edited")).toBeInTheDocument();
  });

  it("flips a regenerated reply's versions", () => {
    const a = actions();
    const at = new Date().toISOString();
    const reply = mine({
      author: { kind: "ai", id: "assistant", name: "Assistant" },
      content: "second",
      version: 2,
      versions: [
        { content: "first", status: "complete", createdAt: at },
        { content: "second", status: "complete", createdAt: at },
        { content: "", status: "stopped", createdAt: at },
      ],
    });
    item(reply, a, { mine: false });
    const flipper = screen.getByRole("group", { name: "Reply versions" });
    expect(flipper).toHaveTextContent("2 / 3");
    // Read out with its meaning, not as "2 slash 3".
    expect(within(flipper).getByText("Version 2 of 3")).toHaveClass("sr-only");
    fireEvent.click(within(flipper).getByRole("button", { name: "Previous version" }));
    expect(a.selectVersion).toHaveBeenCalledWith(3, 1);
    fireEvent.click(within(flipper).getByRole("button", { name: "Next version" }));
    expect(a.selectVersion).toHaveBeenCalledWith(3, 3);
    fireEvent.click(within(screen.getByRole("group", { name: "Message actions" })).getByRole("button", { name: "Regenerate" }));
    expect(a.regenerate).toHaveBeenCalledWith(3);
  });
});
