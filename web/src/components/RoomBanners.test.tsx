// Why a room ended, and the one thing to do about it: a session that expired or was ended on
// another device offers to sign in, and says why it is going there.
import "../test/dom";
import { fireEvent, screen } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { CloseCode } from "../../../shared/wire";
import { explainClose } from "../stores/close-codes";
import type { RoomStore } from "../stores/room";
import { renderAt } from "../test/router";
import { RoomBanners } from "./RoomBanners";

function banners(code: number, sessionExpired = false) {
  const ended = explainClose(code, sessionExpired);
  const store = { state: { ended, trouble: null, notice: null, loadError: null } } as unknown as RoomStore;
  const signIn = vi.fn();
  renderAt("/rooms/r1", () => <RoomBanners store={store} onSignInAgain={signIn} />);
  return { ended, signIn };
}

describe("RoomBanners", () => {
  it.each([
    ["ended on another device", CloseCode.sessionEnded, false, "You were signed out."],
    ["expired", CloseCode.policy, true, "Your session expired."],
  ])("offers to sign in when the session %s", (_, code, expired, title) => {
    const { ended, signIn } = banners(code, expired);
    expect(screen.getByRole("alert")).toHaveTextContent(title);
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(signIn).toHaveBeenCalledWith(ended);
  });

  it("offers the way back to the rooms, not a sign-in, when the room was deleted", () => {
    banners(CloseCode.roomDeleted);
    expect(screen.queryByRole("button", { name: "Sign in" })).toBeNull();
    expect(screen.getByRole("link", { name: "Back to rooms" })).toBeInTheDocument();
  });
});
