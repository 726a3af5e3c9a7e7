// Sign up and sign in: what is checked before sending, and how the API's refusals read.
import "../test/dom";
import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "../api";
import { session } from "../session";
import { renderAt } from "../test/router";
import { signInAs } from "../test/session";
import Auth from "./Auth";

afterEach(() => {
  vi.restoreAllMocks();
  session.signOut();
  session.clearNotice();
});

const fill = (label: string | RegExp, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

describe("Auth", () => {
  it("checks the username pattern and password length before signing up", async () => {
    const register = vi.spyOn(api, "register");
    renderAt("/signup", () => <Auth mode="signup" />);
    await screen.findByLabelText("Username");
    fill("Username", "No Spaces!");
    fill("Password", "short");
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText(/lowercase letters, digits and _/)).toBeInTheDocument();
    expect(screen.getByText("Use at least 8 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Username")).toHaveAttribute("aria-invalid", "true");
    expect(register).not.toHaveBeenCalled();
  });

  it("takes at most 64 characters of display name, and says so under the field for a longer one", async () => {
    const register = vi.spyOn(api, "register");
    renderAt("/signup", () => <Auth mode="signup" />);
    await screen.findByLabelText("Username");
    const name = screen.getByLabelText(/Display name/);
    expect(name).toHaveAttribute("maxlength", "64");
    fill("Username", "bart");
    fill(/Display name/, "Bartholomew Maximilian Featherstonehaugh-Cholmondeley the Third, Esq.");
    fill("Password", "correct horse battery");
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("At most 64 characters.")).toBeInTheDocument();
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(register).not.toHaveBeenCalled();
    fill(/Display name/, "Bart");
    expect(screen.queryByText("At most 64 characters.")).toBeNull();
  });

  it("says when a username is taken", async () => {
    vi.spyOn(api, "register").mockRejectedValue(new ApiError(409, "username_taken", "Username is taken"));
    renderAt("/signup", () => <Auth mode="signup" />);
    fill("Username", "ada");
    fill("Password", "correct horse battery");
    // Enter pressed in the password field, where the person typed last.
    screen.getByLabelText("Password").focus();
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("That username is taken. Try another.")).toBeInTheDocument();
    // The person goes on at the field at fault.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Username")));
    // Typing another one clears the complaint about the last.
    fill("Username", "ada_l");
    expect(screen.queryByText("That username is taken. Try another.")).toBeNull();
    expect(screen.getByLabelText("Username")).not.toHaveAttribute("aria-invalid");
  });

  it("says when the password is wrong, and signs in otherwise", async () => {
    const login = vi.spyOn(api, "login").mockRejectedValueOnce(new ApiError(401, "invalid_credentials", "Invalid credentials"));
    renderAt("/signin", () => <Auth mode="signin" />);
    fill("Username", "ada");
    fill("Password", "nope nope");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong username or password.");
    login.mockResolvedValueOnce({ token: "t", user: { id: "u1", username: "ada", displayName: "Ada", createdAt: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(session.user()?.username).toBe("ada"));
  });

  it("lists the password rules before anything is typed, then says while typing why a password is weak", async () => {
    renderAt("/signup", () => <Auth mode="signup" />);
    expect(await screen.findByText(/Not a commonly used password/)).toBeInTheDocument();
    fill("Password", "password1");
    expect(await screen.findByText(/commonly used password|most used passwords/)).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(/password/);
    fill("Password", "pale lantern orbit");
    expect(await screen.findByText("Strong enough.")).toBeInTheDocument();
  });

  it("refuses a guessable password before sending, and shows the server's reason if it refuses one", async () => {
    const register = vi.spyOn(api, "register").mockRejectedValue(new ApiError(400, "weak_password", "This is a commonly used password."));
    renderAt("/signup", () => <Auth mode="signup" />);
    fill("Username", "ada");
    fill("Password", "12345678");
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true"));
    expect(register).not.toHaveBeenCalled();
    fill("Password", "pale lantern orbit");
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("This is a commonly used password.")).toBeInTheDocument();
  });

  it("shows and hides the password with a toggle", async () => {
    renderAt("/signin", () => <Auth mode="signin" />);
    const input = screen.getByLabelText("Password");
    expect(input).toHaveAttribute("type", "password");
    fireEvent.click(screen.getByRole("button", { name: "Show password" }));
    expect(input).toHaveAttribute("type", "text");
    expect(screen.getByRole("button", { name: "Hide password" })).toHaveAttribute("aria-pressed", "true");
  });

  it("shows why the last session ended, with whose it was filled in and the cursor in Password", async () => {
    signInAs("ada_l", "Ada");
    session.signOut("Your session has expired. Please sign in again.");
    renderAt("/signin", () => <Auth mode="signin" />);
    expect(screen.getByRole("status")).toHaveTextContent("Your session has expired");
    expect(screen.getByLabelText("Username")).toHaveValue("ada_l");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Password")));
  });

  it("fills in nobody after a sign-out by choice", () => {
    signInAs("ada_l", "Ada");
    session.signOut();
    renderAt("/signin", () => <Auth mode="signin" />);
    expect(screen.getByLabelText("Username")).toHaveValue("");
  });
});
