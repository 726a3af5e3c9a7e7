// What the account page says of mention notifications, as the browser's permission changes.
import "../test/dom";
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NotificationSetting } from "./NotificationSetting";

/** The browser's answer so far, and to the next request; the app reads it when the tab is back. */
function browserSays(permission: NotificationPermission, answer: NotificationPermission = permission) {
  vi.stubGlobal("Notification", { permission, requestPermission: vi.fn(async () => answer) });
  window.dispatchEvent(new Event("focus"));
}

afterEach(() => vi.unstubAllGlobals());

describe("NotificationSetting", () => {
  it("turns notifications on from the account page", async () => {
    browserSays("default", "granted");
    render(() => <NotificationSetting />);
    fireEvent.click(screen.getByRole("button", { name: "Turn on notifications" }));
    expect(await screen.findByText(/^On:/)).toBeInTheDocument();
  });

  it("says where to allow them once the browser blocks them, and follows a change made there", () => {
    browserSays("denied");
    render(() => <NotificationSetting />);
    expect(screen.getByText(/Blocked by your browser/)).toBeInTheDocument();
    expect(screen.queryByRole("button")).toBeNull();
    browserSays("granted");
    expect(screen.getByText(/^On:/)).toBeInTheDocument();
  });
});
