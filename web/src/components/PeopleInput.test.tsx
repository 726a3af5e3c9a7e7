// The invite field: completions among people you share rooms with, a check of the typed name,
// and what reaches the parent when a name is picked.
import "../test/dom";
import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../api";
import { PeopleInput } from "./PeopleInput";

afterEach(() => vi.restoreAllMocks());

const bob = { id: "u2", username: "bob_c", displayName: "Bob Carter", createdAt: "" };

function setup(taken: string[] = []) {
  const onPick = vi.fn();
  let controls: { settle: () => Promise<boolean> } | undefined;
  render(() => (
    <PeopleInput
      id="invite"
      taken={taken}
      me="ada"
      onPick={onPick}
      hint="Type a username"
      placeholder="Invite"
      controls={(c) => (controls = c)}
    />
  ));
  return { onPick, input: screen.getByRole("combobox"), settle: () => controls?.settle() };
}

describe("PeopleInput", () => {
  it("offers people you share a room with, and picks one with the arrow keys and Enter", async () => {
    vi.spyOn(api, "people").mockImplementation(async (q) => ({ people: [bob], exact: q === "bob_c" ? bob : null }));
    const { onPick, input } = setup();
    fireEvent.input(input, { target: { value: "bo" } });
    expect(await screen.findByRole("option", { name: /Bob Carter/ })).toBeInTheDocument();
    expect(input).toHaveAttribute("aria-expanded", "true");
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(input).toHaveAttribute("aria-activedescendant", "invite-options-0");
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(onPick).toHaveBeenCalledWith("bob_c"));
  });

  it("picks the top completion with Enter when the typed text is no one's name", async () => {
    const carol = { id: "u3", username: "carol_b", displayName: "Carol Baker", createdAt: "" };
    vi.spyOn(api, "people").mockImplementation(async (q) => ({ people: [carol], exact: q === "carol_b" ? carol : null }));
    const { onPick, input } = setup();
    fireEvent.input(input, { target: { value: "caro" } });
    expect(await screen.findByRole("option", { name: /Carol Baker/ })).toHaveAttribute("aria-selected", "true");
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(onPick).toHaveBeenCalledWith("carol_b"));
  });

  it("says as you type that no one has a name, as a hint (it may be half-typed), and refuses it when picked", async () => {
    vi.spyOn(api, "people").mockResolvedValue({ people: [], exact: null });
    const { onPick, input } = setup();
    fireEvent.input(input, { target: { value: "nobody_here" } });
    const said = await screen.findByText("No one is called @nobody_here.");
    expect(input).not.toHaveAttribute("aria-invalid");
    expect(said).toHaveClass("hint");
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(input).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("No one is called @nobody_here.")).toHaveClass("field-error");
    expect(onPick).not.toHaveBeenCalled();
  });

  it("settles before a form submits: a pick under way finishes and a name typed without Enter is picked", async () => {
    vi.spyOn(api, "people").mockImplementation(async (q) => ({ people: [], exact: q === "bob_c" ? bob : null }));
    const { onPick, input, settle } = setup();
    fireEvent.input(input, { target: { value: "bob_c" } });
    expect(await settle()).toBe(true);
    expect(onPick).toHaveBeenCalledWith("bob_c");
    fireEvent.input(input, { target: { value: "ada" } });
    expect(await settle()).toBe(false);
  });

  it("refuses your own name and names that cannot be usernames", async () => {
    vi.spyOn(api, "people").mockResolvedValue({ people: [], exact: null });
    const { onPick, input } = setup();
    fireEvent.input(input, { target: { value: "ada" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(await screen.findByText("You're already in the room.")).toBeInTheDocument();
    fireEvent.input(input, { target: { value: "No Way" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(await screen.findByText("“no way” isn't a valid username.")).toBeInTheDocument();
    expect(onPick).not.toHaveBeenCalled();
  });
});
