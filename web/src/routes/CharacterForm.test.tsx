// The character form: instructions counted as they near their limit and refused past it before
// anything is sent, and unsaved changes asked about before leaving (not once saved).
import "../test/dom";
import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SYSTEM_PROMPT_MAX } from "../../../shared/wire";
import { api } from "../api";
import { session } from "../session";
import { renderAt } from "../test/router";
import { signInAs } from "../test/session";
import { CharacterForm } from "./CharacterForm";

const fill = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

beforeEach(() => {
  signInAs();
});
afterEach(() => {
  vi.restoreAllMocks();
  session.signOut();
});

describe("CharacterForm", () => {
  it("counts the instructions near their limit and refuses them past it, sending nothing", async () => {
    const create = vi.spyOn(api, "createCharacter");
    renderAt("/characters/new", () => <CharacterForm onSaved={() => {}} />);
    fill("Name", "Sous-chef");
    fill("Instructions (system prompt)", "x".repeat(6000));
    expect(screen.queryByText(/of 8,000 characters/)).toBeNull();
    fill("Instructions (system prompt)", "x".repeat(SYSTEM_PROMPT_MAX + 120));
    expect(screen.getByText("8,120 of 8,000 characters")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: /Create|Save/ }));
    expect(await screen.findByText("At most 8,000 characters: shorten it by 120.")).toBeInTheDocument();
    expect(create).not.toHaveBeenCalled();
  });

  it("leaves a form without asking while nothing in it changed", async () => {
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(false);
    renderAt("/characters/new", () => <CharacterForm onSaved={() => {}} />);
    fireEvent.click(screen.getByRole("link", { name: /Back to characters/ }));
    expect(confirm).not.toHaveBeenCalled();
  });

  it("asks before leaving a form with changes, and not once they are saved", async () => {
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(false);
    const onSaved = vi.fn();
    renderAt("/characters/new", () => <CharacterForm onSaved={onSaved} />);
    fill("Name", "Sous-chef");
    fireEvent.click(screen.getByRole("link", { name: /Back to characters/ }));
    await waitFor(() => expect(confirm).toHaveBeenCalledWith("Leave without saving your changes?"));
    expect(screen.getByLabelText("Name")).toBeInTheDocument();
    fill("Instructions (system prompt)", "You cook.");
    const made = { id: "c1", name: "Sous-chef", description: "", avatar: null, builtIn: false, systemPrompt: "You cook." };
    vi.spyOn(api, "createCharacter").mockResolvedValue({ character: made } as Awaited<ReturnType<typeof api.createCharacter>>);
    fireEvent.click(screen.getByRole("button", { name: /Create|Save/ }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(made));
    // Saved, it goes back to the list without asking again.
    await new Promise((r) => setTimeout(r, 50));
    expect(confirm).toHaveBeenCalledTimes(1);
  });
});
