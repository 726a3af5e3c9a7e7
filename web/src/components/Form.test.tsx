// A form field keeps its control while its error and hint come and go: the person typing in it
// keeps the focus and every key (the control was re-made with each, and the keys after the
// first went nowhere).
import "../test/dom";
import { render, screen } from "@solidjs/testing-library";
import { createRoot, createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api";
import { createSubmit, Field } from "./Form";

describe("Field", () => {
  it("keeps the same control, focused, as its error and hint change, and describes it by them", () => {
    const [error, setError] = createSignal<string | null>(null);
    const [hint, setHint] = createSignal("3–32 characters");
    render(() => (
      <Field id="username" label="Username" hint={hint()} error={error()}>
        {(aria) => <input {...aria} class="input" />}
      </Field>
    ));
    const input = screen.getByLabelText("Username");
    input.focus();
    expect(input.getAttribute("aria-describedby")).toBe("username-hint");
    setError("Taken: try another.");
    expect(screen.getByLabelText("Username")).toBe(input);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("username-error");
    setError(null);
    setHint("Lowercase letters, digits and _");
    expect(screen.getByLabelText("Username")).toBe(input);
    expect(input).toHaveFocus();
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(input.getAttribute("aria-describedby")).toBe("username-hint");
  });
});

describe("createSubmit", () => {
  it("gives the server's reason for a field as a sentence under it", async () => {
    const reason = "contains control, direction-override or invisible characters";
    const refused = new ApiError(400, "invalid_input", "Invalid input", [{ path: "displayName", message: reason }]);
    const form = createRoot(() =>
      createSubmit(async () => {
        throw refused;
      }, ["displayName"]),
    );
    await form.submit();
    expect(form.field("displayName")).toBe("Contains control, direction-override or invisible characters.");
    expect(form.error()).toBe("Check the field marked below.");
  });
});
