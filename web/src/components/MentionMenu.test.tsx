// The composer's @mention list: opens while a mention is typed, follows the arrows, picks on
// Enter, Tab or a click without sending, and Escape closes it without stopping a reply.
import "../test/dom";
import { fireEvent, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import type { Mentionable } from "../mentions";
import { renderComposer } from "../test/composer";

afterEach(() => sessionStorage.clear());

const people: Mentionable[] = [
  { kind: "ai", id: "c1", insert: "Ada Lovelace", name: "Ada Lovelace" },
  { kind: "user", id: "u1", insert: "adam_k", name: "Adam Kowalski" },
  { kind: "user", id: "u2", insert: "bea", name: "Bea Smith" },
];

function setup(over: Parameters<typeof renderComposer>[0] = {}) {
  const composer = renderComposer({ mentionables: people, ...over });
  // Each option's name and handle (the avatar beside them is decoration).
  const options = () =>
    screen
      .queryAllByRole("option")
      .map((o) => [...o.querySelectorAll(".mention-name, .mention-handle")].map((t) => t.textContent).join(" "));
  return { ...composer, options };
}

describe("Composer @mentions", () => {
  it("lists who the mention could be, moves with the arrows and picks on Enter without sending", () => {
    const { box, type, onSend, options } = setup();
    type("hi @ad");
    expect(options()).toEqual(["Ada Lovelace AI", "Adam Kowalski @adam_k"]);
    // Said to a screen reader as it opens, with how to use it.
    const said = () =>
      screen
        .getAllByRole("status")
        .map((s) => s.textContent)
        .join(" ");
    expect(said()).toContain("2 to mention: up and down arrows choose, Enter picks, Escape closes.");
    expect(box).toHaveAttribute("aria-controls", "mention-menu");
    expect(box).toHaveAttribute("aria-activedescendant", "mention-menu-0");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(box).toHaveAttribute("aria-activedescendant", "mention-menu-1");
    expect(screen.getAllByRole("option")[1]).toHaveAttribute("aria-selected", "true");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    expect(box.value).toBe("hi @adam_k ");
    expect(box.selectionStart).toBe(11);
    expect(options()).toEqual([]);
    expect(box).not.toHaveAttribute("aria-activedescendant");
    expect(said()).not.toContain("to mention");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("hi @adam_k ", []);
  });

  it("puts a character's whole name in on Tab, and wraps from the top with ArrowUp", () => {
    const { box, type } = setup();
    type("@");
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(box).toHaveAttribute("aria-activedescendant", "mention-menu-2");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "Tab" });
    expect(box.value).toBe("@Ada Lovelace ");
  });

  it("picks with a click and keeps the focus in the box", () => {
    const { box, type } = setup();
    type("thanks @b");
    fireEvent.mouseDown(screen.getByRole("option", { name: /Bea Smith/ }));
    expect(box.value).toBe("thanks @bea ");
    expect(box).toHaveFocus();
  });

  it("closes on Escape without stopping the reply, stays closed for that mention, opens for the next", () => {
    const { box, type, onStop, options } = setup({ streamingSeq: 7 });
    type("@a");
    fireEvent.keyDown(box, { key: "Escape" });
    expect(onStop).not.toHaveBeenCalled();
    expect(options()).toEqual([]);
    type("@ad");
    expect(options()).toEqual([]);
    type("@ad hi @b");
    expect(options()).toEqual(["Bea Smith @bea"]);
    fireEvent.keyDown(box, { key: "Escape" });
    fireEvent.keyDown(box, { key: "Escape" });
    expect(onStop).toHaveBeenCalledWith(7);
  });

  it("stays closed with nobody to mention, for an address, and once the mention is whole", () => {
    const { type, options } = setup();
    type("mail me@ad");
    expect(options()).toEqual([]);
    type("@bea");
    expect(options()).toEqual([]);
  });
});
