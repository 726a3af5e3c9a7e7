// Room settings: a character picked for a room without AI replies to every message unless told
// otherwise (as when a room is made), and a refused invitation keeps the name typed and says why.
import "../test/dom";
import { createMemoryHistory, MemoryRouter, Route } from "@solidjs/router";
import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Character, Member, Room } from "../../../shared/wire";
import { ApiError, api } from "../api";
import { RoomsContext } from "../context";
import { session } from "../session";
import { createRoomListStore } from "../stores/rooms";
import { toasts } from "../stores/toasts";
import { signInAs } from "../test/session";
import RoomSettings from "./RoomSettings";

const at = "2026-12-07T10:00:00.000Z";
const room: Room = { id: "r1", title: "Plans", ownerId: "u1", characterId: null, aiMode: "off", createdAt: at, updatedAt: at, lastSeq: 3 };
const assistant = { id: "assistant", name: "Assistant", description: "Helpful", avatar: null, builtIn: true } as Character;

function show() {
  const user = signInAs();
  const members: Member[] = [{ user, role: "owner", joinedAt: at, lastReadSeq: 3 }];
  vi.spyOn(api, "room").mockResolvedValue({ room, members, character: null });
  vi.spyOn(api, "characters").mockResolvedValue({ characters: [assistant] });
  const rooms = createRoomListStore({ list: vi.fn().mockResolvedValue({ rooms: [], nextCursor: null }), search: vi.fn() });
  const history = createMemoryHistory();
  history.set({ value: "/rooms/r1/settings" });
  render(() => (
    <RoomsContext.Provider value={rooms}>
      <MemoryRouter history={history}>
        <Route path="/rooms/:id/settings" component={RoomSettings} />
      </MemoryRouter>
    </RoomsContext.Provider>
  ));
}

beforeEach(show);
afterEach(() => {
  vi.restoreAllMocks();
  session.signOut();
});

describe("RoomSettings", () => {
  it("gives a character picked for a room without AI the new room's default: replies to every message", async () => {
    const update = vi.spyOn(api, "updateRoom").mockResolvedValue({ room: { ...room, characterId: "assistant", aiMode: "always" } });
    fireEvent.click(await screen.findByRole("radio", { name: /Assistant/ }));
    expect(screen.getByRole("radio", { name: /Replies to every message/ })).toBeChecked();
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(update).toHaveBeenCalledWith("r1", { characterId: "assistant", aiMode: "always" }));
  });

  it("keeps a refused invitation's username typed, and says once when to try again", async () => {
    const cy = { id: "u3", username: "cy_b", displayName: "Cy", createdAt: at };
    vi.spyOn(api, "people").mockResolvedValue({ people: [], exact: cy });
    const refusal = new ApiError(429, "rate_limited", "Too many invitations at once. Wait a moment and try again.", undefined, 3000);
    const add = vi.spyOn(api, "addMember").mockRejectedValue(refusal);
    const input = (await screen.findByPlaceholderText("Invite by username")) as HTMLInputElement;
    fireEvent.input(input, { target: { value: "cy_b" } });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    await waitFor(() => expect(add).toHaveBeenCalledWith("r1", "cy_b"));
    await waitFor(() =>
      expect(toasts.map((t) => t.text)).toContain("Couldn't invite @cy_b: Too many invitations at once. Try again in 3 s."),
    );
    expect(input.value).toBe("cy_b");
  });
});
