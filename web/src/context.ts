// Shared state handed down by the signed-in shell: the room list, so the open room can report
// its traffic to the sidebar and screens that create or delete rooms can update it.
import { createContext, useContext } from "solid-js";
import type { RoomListStore } from "./stores/rooms";

export const RoomsContext = createContext<RoomListStore>();

export function useRooms(): RoomListStore {
  const rooms = useContext(RoomsContext);
  if (!rooms) throw new Error("useRooms() outside the signed-in shell");
  return rooms;
}
