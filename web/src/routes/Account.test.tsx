// The account page: a display name changed for everyone, and a password change whose refusals
// are said under the field at fault.
import "../test/dom";
import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "../api";
import { session } from "../session";
import { draftKey } from "../stores/outbox";
import { renderAt } from "../test/router";
import { signInAs } from "../test/session";
import Account from "./Account";

const fill = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

// The new-password field loads the strength estimator on mount: loaded once here, so no test
// ends with that import still on its way.
beforeAll(() => import("../../../shared/password"));
let user: ReturnType<typeof signInAs>;
beforeEach(() => {
  user = signInAs();
});
afterEach(() => {
  vi.restoreAllMocks();
  session.signOut();
});

describe("Account", () => {
  it("changes the display name, and offers Save only once it differs", async () => {
    const update = vi.spyOn(api, "updateProfile").mockResolvedValue({ user: { ...user, displayName: "Ann Lee" } });
    renderAt("/account", () => <Account />);
    const save = await screen.findByRole("button", { name: "Save name" });
    expect(save).toBeDisabled();
    fill("Display name", "  Ann Lee ");
    fireEvent.click(save);
    await waitFor(() => expect(session.user()?.displayName).toBe("Ann Lee"));
    expect(update).toHaveBeenCalledWith({ displayName: "Ann Lee" });
  });

  it("warns before signing out everywhere that this tab's drafts go with it", async () => {
    sessionStorage.setItem(draftKey(user.id, "r1"), "half a thought");
    try {
      renderAt("/account", () => <Account />);
      fireEvent.click(await screen.findByRole("button", { name: "Sign out everywhere" }));
      expect(screen.getByText("Drafts and unsent messages on this tab will be discarded.")).toBeInTheDocument();
    } finally {
      sessionStorage.clear();
    }
  });

  it("says under the field that the current password is wrong, and focuses it", async () => {
    vi.spyOn(api, "changePassword").mockRejectedValue(new ApiError(401, "invalid_credentials", "The current password is wrong."));
    renderAt("/account", () => <Account />);
    await screen.findByLabelText("Current password");
    fill("Current password", "not my password");
    fill("New password", "correct horse battery staple");
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText("That isn't your current password.")).toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).toHaveAttribute("aria-invalid", "true");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Current password")));
  });

  it("refuses the current password as the new one while it is typed, and does not send it", async () => {
    const change = vi.spyOn(api, "changePassword");
    renderAt("/account", () => <Account />);
    await screen.findByLabelText("Current password");
    fill("Current password", "correct horse battery");
    fill("New password", "correct horse battery");
    expect(screen.getByText("That is your current password; choose another.")).toBeInTheDocument();
    expect(screen.queryByText(/Strong enough/)).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));
    await screen.findByText(/Check the field/);
    expect(change).not.toHaveBeenCalled();
  });

  it("lists the sessions, this device first, and signs another one out after asking", async () => {
    const at = "2026-12-01T10:00:00.000Z";
    const phone = {
      id: "s2",
      current: false,
      startedAt: at,
      lastActiveAt: at,
      userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) Safari/604.1",
    };
    const here = { id: "s1", current: true, startedAt: at, lastActiveAt: at, userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0" };
    const listed = vi
      .spyOn(api, "sessions")
      .mockResolvedValueOnce({ sessions: [here, phone] })
      .mockResolvedValue({ sessions: [here] });
    const end = vi.spyOn(api, "endSession").mockResolvedValue(undefined);
    renderAt("/account", () => <Account />);
    const list = await screen.findByRole("list", { name: "Your sessions" });
    expect([...list.querySelectorAll(".session-device")].map((d) => d.textContent)).toEqual(["Chrome on Linux", "Safari on iOS"]);
    expect(list.textContent).toContain("This device");
    // This device has no Sign out of its own here (Sign out everywhere is below).
    fireEvent.click(screen.getByRole("button", { name: "Sign out Safari on iOS" }));
    expect(end).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(end).toHaveBeenCalledWith("s2"));
    await waitFor(() => expect(list.querySelectorAll(".session-row")).toHaveLength(1));
    expect(listed).toHaveBeenCalledTimes(2);
  });
});
