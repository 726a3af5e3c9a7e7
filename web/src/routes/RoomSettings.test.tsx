// Room settings: a character picked for a room without AI replies to every message unless told
// otherwise (as when a room is made), and a refused invitation keeps the name typed and says why.
import "../test/dom";
import { createMemoryHistory, MemoryRouter, Route } from "@solidjs/router";
import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
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

function show(others: Member[] = []) {
  const user = signInAs();
  const members: Member[] = [{ user, role: "owner", joinedAt: at, lastReadSeq: 3 }, ...others];
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

afterEach(() => {
  vi.restoreAllMocks();
  session.signOut();
});

describe("RoomSettings", () => {
  it("gives a character picked for a room without AI the new room's default: replies to every message", async () => {
    show();
    const update = vi.spyOn(api, "updateRoom").mockResolvedValue({ room: { ...room, characterId: "assistant", aiMode: "always" } });
    fireEvent.click(await screen.findByRole("radio", { name: /Assistant/ }));
    expect(screen.getByRole("radio", { name: /Replies to every message/ })).toBeChecked();
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(update).toHaveBeenCalledWith("r1", { characterId: "assistant", aiMode: "always" }));
  });

  it("keeps a refused invitation's username typed, and says once when to try again", async () => {
    show();
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

  it("offers the only member Delete, not Leave, which the server would refuse", async () => {
    show();
    await screen.findByRole("button", { name: "Delete room" });
    expect(screen.queryByRole("button", { name: "Leave room" })).toBeNull();
  });

  it("lets an owner with others leave, naming who owns the room then: the member who joined first after them", async () => {
    const person = (id: string, name: string, joinedAt: string): Member => ({
      user: { id, username: `${name.toLowerCase()}_b`, displayName: name, createdAt: at },
      role: "member",
      joinedAt,
      lastReadSeq: 0,
    });
    show([person("u3", "Cy", "2026-12-07T12:00:00.000Z"), person("u2", "Bo", "2026-12-07T11:00:00.000Z")]);
    const remove = vi.spyOn(api, "removeMember").mockResolvedValue(undefined);
    await screen.findByText(/Bo \(@bo_b\) becomes the owner and the others keep chatting\./);
    expect(screen.getByRole("button", { name: "Delete room" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Leave room" }));
    fireEvent.click(await screen.findByRole("button", { name: "Leave" }));
    await waitFor(() => expect(remove).toHaveBeenCalledWith("r1", session.user()?.id));
  });
});
