// The inline confirmation: it asks once, Cancel takes the focus, and Escape cancels without
// reaching what is around it (a message's toolbar, which Escape would close).
import "../test/dom";
import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { createSignal, For } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { ConfirmButton } from "./ConfirmButton";

describe("ConfirmButton", () => {
  it("cancels on Escape, gives the focus back, and keeps the Escape to itself", async () => {
    const onConfirm = vi.fn();
    const outer = vi.fn();
    render(() => (
      // biome-ignore lint/a11y/noStaticElementInteractions: a stand-in for the toolbar around it
      <div onKeyDown={outer}>
        <ConfirmButton label="Delete message" confirmLabel="Delete" onConfirm={onConfirm}>
          Delete
        </ConfirmButton>
      </div>
    ));
    fireEvent.click(screen.getByRole("button", { name: "Delete message" }));
    const cancel = screen.getByRole("button", { name: "Cancel" });
    await Promise.resolve();
    expect(cancel).toHaveFocus();
    // What is being confirmed is said with both buttons.
    expect(cancel).toHaveAccessibleDescription("Delete message?");
    expect(screen.getByRole("button", { name: "Delete" })).toHaveAccessibleDescription("Delete message?");
    fireEvent.keyDown(cancel, { key: "Escape" });
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(screen.getByRole("button", { name: "Delete message" })).toHaveFocus();
    expect(outer).not.toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: "Delete message" }));
    fireEvent.keyDown(screen.getByRole("button", { name: "Delete" }), { key: "Escape" });
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Delete message" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it("hands the keyboard to the next row when the action takes its row away, or the one before, or what follows the list", async () => {
    const [people, setPeople] = createSignal(["ann", "bob", "cy"]);
    render(() => (
      <>
        <ul>
          <For each={people()}>
            {(name) => (
              <li>
                <ConfirmButton
                  label={`Remove ${name}`}
                  confirmLabel="Remove"
                  onConfirm={() => setPeople((p) => p.filter((n) => n !== name))}
                >
                  Remove
                </ConfirmButton>
              </li>
            )}
          </For>
        </ul>
        <input aria-label="Invite" />
      </>
    ));
    const remove = async (name: string) => {
      fireEvent.click(screen.getByRole("button", { name: `Remove ${name}` }));
      const confirm = screen.getByRole("button", { name: "Remove", exact: true } as never);
      confirm.focus();
      fireEvent.click(confirm);
    };
    await remove("bob");
    await waitFor(() => expect(screen.getByRole("button", { name: "Remove cy" })).toHaveFocus());
    await remove("cy");
    await waitFor(() => expect(screen.getByRole("button", { name: "Remove ann" })).toHaveFocus());
    await remove("ann");
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Invite" })).toHaveFocus());
  });
});
