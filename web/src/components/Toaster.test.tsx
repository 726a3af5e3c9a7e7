// Toasts: an error says so with its mark, a success with a tick, and a tip or notice with
// neither (it succeeded at nothing).
import "../test/dom";
import { render } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { dismissToast, toast, toasts } from "../stores/toasts";
import { Toaster } from "./Toaster";

afterEach(() => {
  for (const t of [...toasts]) dismissToast(t.id);
});

describe("Toaster", () => {
  it("marks each kind of toast with its own icon", () => {
    toast("Couldn't save", "error");
    toast("Saved", "success");
    toast("Press and hold a message to see what you can do with it.", "info");
    const { container } = render(() => <Toaster />);
    const icons = [...container.querySelectorAll(".toast")].map((el) => el.querySelector(".icon")?.getAttribute("class")?.trim());
    expect(icons).toEqual(["icon icon-alert", "icon icon-check", "icon icon-info"]);
  });
});
