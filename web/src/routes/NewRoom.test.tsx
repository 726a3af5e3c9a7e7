// Starting a room: an untitled room without a character for one person you already have a
// direct chat with opens that chat (the server answers it as `existing`), saying so.
import "../test/dom";
import { createMemoryHistory, MemoryRouter, Route, type RouteSectionProps } from "@solidjs/router";
import { fireEvent, render, screen, within } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Room, RoomListItem } from "../../../shared/wire";
import { api } from "../api";
import { RoomsContext } from "../context";
import { session } from "../session";
import { createRoomListStore } from "../stores/rooms";
import { toasts } from "../stores/toasts";
import { signInAs } from "../test/session";
import NewRoom from "./NewRoom";

const at = "2026-01-01T00:00:00.000Z";
const bob = { id: "u2", username: "bob_b", displayName: "Bob Builder" };
const direct: RoomListItem = {
  id: "dm1",
  title: null,
  ownerId: "u1",
  characterId: null,
  aiMode: "off",
  createdAt: at,
  updatedAt: at,
  lastSeq: 3,
  unread: 0,
  lastMessage: null,
  peer: bob,
} as RoomListItem;

async function show() {
  signInAs();
  const rooms = createRoomListStore({ list: vi.fn().mockResolvedValue({ rooms: [direct], nextCursor: null }), search: vi.fn() });
  await rooms.refresh();
  vi.spyOn(api, "characters").mockResolvedValue({ characters: [] });
  vi.spyOn(api, "people").mockResolvedValue({ people: [{ ...bob, createdAt: at }], exact: { ...bob, createdAt: at } });
  const history = createMemoryHistory();
  history.set({ value: "/rooms/new" });
  render(() => (
    <RoomsContext.Provider value={rooms}>
      <MemoryRouter history={history}>
        <Route path="/rooms/new" component={NewRoom} />
        <Route path="/rooms/:id" component={(p: RouteSectionProps) => <h1>Room {p.params.id}</h1>} />
      </MemoryRouter>
    </RoomsContext.Provider>
  ));
}

afterEach(() => {
  vi.restoreAllMocks();
  session.signOut();
});

describe("NewRoom", () => {
  it("names the AI character choice once: the fieldset's group, with no second group of the same name inside", async () => {
    await show();
    const group = await screen.findByRole("group", { name: "AI character" });
    expect(within(group).getAllByRole("radio").length).toBeGreaterThan(0);
    expect(screen.queryAllByRole("radiogroup")).toEqual([]);
  });

  it("opens the direct chat you already have with someone, as the server answers it, and says so", async () => {
    await show();
    const create = vi.spyOn(api, "createRoom").mockResolvedValue({ room: direct, existing: true });
    fireEvent.input(await screen.findByLabelText("Invite people"), { target: { value: "Bob_B" } });
    fireEvent.click(screen.getByRole("button", { name: "Create room" }));
    expect(await screen.findByRole("heading", { name: "Room dm1" })).toBeInTheDocument();
    expect(create).toHaveBeenCalledWith(expect.objectContaining({ members: ["bob_b"] }));
    expect(toasts.map((t) => t.text)).toContain("You already have a chat with Bob Builder: here it is.");
  });

  it("asks before leaving what was filled in, and not once the room is made", async () => {
    await show();
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(false);
    fireEvent.input(await screen.findByLabelText("Title"), { target: { value: "Plans" } });
    fireEvent.click(screen.getByRole("link", { name: "Cancel" }));
    await vi.waitFor(() => expect(confirm).toHaveBeenCalledWith("Leave without creating the room?"));
    expect(screen.getByLabelText("Title")).toBeInTheDocument();
    vi.spyOn(api, "createRoom").mockResolvedValue({ room: { ...direct, id: "r3", title: "Plans" } as Room });
    fireEvent.click(screen.getByRole("button", { name: "Create room" }));
    expect(await screen.findByRole("heading", { name: "Room r3" })).toBeInTheDocument();
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it("makes a new room with them when it has a title", async () => {
    await show();
    const made = { ...direct, id: "r2", title: "Plans" } as Room;
    const create = vi.spyOn(api, "createRoom").mockResolvedValue({ room: made });
    fireEvent.input(await screen.findByLabelText("Title"), { target: { value: "Plans" } });
    fireEvent.input(screen.getByLabelText("Invite people"), { target: { value: "bob_b" } });
    fireEvent.click(screen.getByRole("button", { name: "Create room" }));
    expect(await screen.findByRole("heading", { name: "Room r2" })).toBeInTheDocument();
    expect(create).toHaveBeenCalledWith(expect.objectContaining({ title: "Plans", members: ["bob_b"] }));
  });
});
