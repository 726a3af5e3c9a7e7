// Room rows: title, preview with the author, unread badge, and the open room marked current.
import "../test/dom";
import { screen, waitFor } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { RoomListItem } from "../../../shared/wire";
import { loadPlainText } from "../format";
import { renderAt } from "../test/router";
import { RoomList } from "./RoomList";

const room = (id: string, title: string | null, unread: number, last?: string): RoomListItem => ({
  id,
  title,
  ownerId: "u1",
  characterId: null,
  aiMode: "off",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  lastSeq: 3,
  unread,
  lastMessage: last
    ? {
        id: "m",
        roomId: id,
        seq: 3,
        author: { kind: "user", id: "u2", name: "Bob" },
        content: last,
        status: "complete",
        createdAt: new Date().toISOString(),
      }
    : null,
});

beforeAll(() => loadPlainText());

describe("RoomList", () => {
  it("shows previews as plain text with the author, and unread counts", () => {
    renderAt("/", () => (
      <RoomList rooms={[room("r1", "Hiking", 3, "See you **there**, Alice #59 (my_var)")]} hits={[]} query="" myId="u1" />
    ));
    expect(screen.getByText("Bob: See you there, Alice #59 (my_var)")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Hiking/ })).toHaveTextContent("3 unread");
    // Read out as one line, each part followed by its comma (the browser's name puts a space
    // between parts laid out apart, which jsdom does not lay out: see live-sidebar.e2e).
    expect(screen.getByRole("link", { name: /Hiking/ })).toHaveAccessibleName(
      /^Hiking,\s*[^\s,]+,\s*Bob: See you there, Alice #59 \(my_var\),\s*3\s*unread$/,
    );
  });

  it("says a deleted last message was deleted, and names a last message that is only files", () => {
    const deleted = room("r1", "Hiking", 0, "gone");
    const last = deleted.lastMessage as NonNullable<RoomListItem["lastMessage"]>;
    deleted.lastMessage = { ...last, content: "", deletedAt: new Date().toISOString(), author: { kind: "user", id: "u1", name: "Ann" } };
    const files = room("r2", "Photos", 0, "x");
    const file = { id: "f", mimeType: "image/png" as const, size: 1, url: "/f" };
    files.lastMessage = { ...last, roomId: "r2", content: "", attachments: [{ ...file, name: "summit.png" }] };
    const two = room("r3", "Docs", 0, "x");
    two.lastMessage = {
      ...last,
      roomId: "r3",
      content: "",
      attachments: [
        { ...file, name: "a.png" },
        { ...file, id: "g", name: "b.png" },
      ],
    };
    renderAt("/", () => <RoomList rooms={[deleted, files, two]} hits={[]} query="" myId="u1" />);
    expect(screen.getByText("You: Message deleted")).toBeInTheDocument();
    expect(screen.getByText("Bob: summit.png")).toBeInTheDocument();
    expect(screen.getByText("Bob: 2 files")).toBeInTheDocument();
  });

  it("marks the open room as the current page and hides its badge", () => {
    renderAt("/rooms/r1", () => <RoomList rooms={[room("r1", "Hiking", 3), room("r2", null, 0)]} hits={[]} query="" />);
    expect(screen.getByRole("link", { name: /Hiking/ })).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("link", { name: /Hiking/ })).not.toHaveTextContent("unread");
    expect(screen.getByText("Untitled room")).toBeInTheDocument();
  });

  it("lists message hits under their room, marks the matching words and links to the message", () => {
    const r = room("r2", "Recipes", 0);
    const long = `${"Some words before it all. ".repeat(8)}Try **pasta** al limone, or Pastas with *peas*.`;
    const message = { ...(room("r2", "x", 0, long).lastMessage as NonNullable<RoomListItem["lastMessage"]>), seq: 42 };
    renderAt("/", () => <RoomList rooms={[]} hits={[{ room: r, message }]} query="pasta pea" />);
    const hits = screen.getByRole("list", { name: "Matching messages" });
    expect(hits).toHaveTextContent("Recipes");
    expect([...hits.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["pasta", "Pastas", "peas"]);
    // The snippet starts near the match, not at the start of a long message.
    expect(hits.textContent).toContain("…");
    expect(screen.getByRole("link", { name: /Recipes/ })).toHaveAttribute("href", "/rooms/r2?at=42");
  });

  it("says when each hit was written, and calls your own messages yours, as the room list does", () => {
    const r = room("r2", "Recipes", 0);
    const base = room("r2", "x", 0, "pasta tonight").lastMessage as NonNullable<RoomListItem["lastMessage"]>;
    const theirs = { ...base, seq: 5, createdAt: "2026-03-02T09:05:00.000Z" };
    const mine = { ...base, seq: 6, author: { kind: "user" as const, id: "u1", name: "Alice" } };
    renderAt("/", () => (
      <RoomList
        rooms={[]}
        hits={[
          { room: r, message: theirs },
          { room: r, message: mine },
        ]}
        query="pasta"
        myId="u1"
      />
    ));
    const [first, second] = screen.getByRole("list", { name: "Matching messages" }).querySelectorAll("li");
    expect(first?.querySelector("time")?.getAttribute("datetime")).toBe("2026-03-02T09:05:00.000Z");
    expect(first?.querySelector("time")?.textContent).not.toBe("");
    expect(first?.querySelector("strong")?.textContent).toBe("Bob:");
    expect(second?.querySelector("strong")?.textContent).toBe("You:");
  });

  it("ends each list that has another page in its own Show more button, which waits while it loads", () => {
    const r = room("r2", "Recipes", 0, "pasta");
    const message = { ...(r.lastMessage as NonNullable<RoomListItem["lastMessage"]>), seq: 3 };
    const [loads, busy] = [[] as string[], { rooms: false, hits: true }];
    renderAt("/", () => (
      <RoomList
        rooms={[r]}
        hits={[{ room: r, message }]}
        query="pasta"
        moreRooms={{ load: () => loads.push("rooms"), busy: busy.rooms }}
        moreHits={{ load: () => loads.push("hits"), busy: busy.hits }}
      />
    ));
    screen.getByRole("button", { name: "Show more rooms" }).click();
    expect(loads).toEqual(["rooms"]);
    // The messages' button comes after the messages, and says it is busy while their page loads.
    const hitsButton = screen.getByRole("button", { name: "Loading…" });
    expect(hitsButton).toHaveAttribute("aria-disabled", "true");
    hitsButton.click();
    expect(loads).toEqual(["rooms"]);
    const list = screen.getByRole("list", { name: "Matching messages" });
    expect(list.compareDocumentPosition(hitsButton) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("keeps a keyboard user's place: after Show more, the focus is on the first new room", async () => {
    const [rooms, setRooms] = createSignal([room("r1", "Alpha", 0)]);
    const [more, setMore] = createSignal<{ load: () => void; busy: boolean } | undefined>({
      load: () => {
        setMore({ load: () => {}, busy: true });
        setTimeout(() => {
          setRooms([room("r1", "Alpha", 0), room("r2", "Beta", 0)]);
          setMore(undefined);
        }, 20);
      },
      busy: false,
    });
    renderAt("/", () => <RoomList rooms={rooms()} hits={[]} query="" moreRooms={more()} />);
    const button = screen.getByRole("button", { name: "Show more rooms" });
    button.focus();
    button.click();
    // Busy, it keeps the focus; the last page in, the button goes and Beta has the focus.
    expect(screen.getByRole("button", { name: "Loading…" })).toHaveFocus();
    await waitFor(() => expect(screen.getByRole("link", { name: /Beta/ })).toHaveFocus());
  });
});
