// Who is online in the room's header.
import "../test/dom";
import { render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import type { OnlineUser } from "../../../shared/wire";
import { OnlineAvatars } from "./Presence";

const me: OnlineUser = { id: "u1", username: "ada", displayName: "Ada" };
const bob: OnlineUser = { id: "u2", username: "bob_c", displayName: "Bob Carter" };

describe("OnlineAvatars", () => {
  it("shows nothing while you are alone, and everyone once someone else comes", () => {
    const [online, setOnline] = createSignal<OnlineUser[]>([me]);
    const { container } = render(() => <OnlineAvatars online={online()} myId={me.id} />);
    expect(container.textContent).toBe("");
    setOnline([me, bob]);
    expect(screen.getByText("2 online")).toBeInTheDocument();
    expect(screen.getByText("Online: you, Bob Carter (@bob_c)")).toBeInTheDocument();
  });
});
