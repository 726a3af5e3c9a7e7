// Keyboard behaviour of the composer: Enter sends, Shift+Enter and IME composition do not,
// Escape stops a streaming reply; rate limits and closed rooms block sending with a reason;
// a pasted file uploads with progress, can be cancelled, shows why it was refused, and goes
// with the next send.
import "../test/dom";
import { cleanup, fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Attachment } from "../../../shared/wire";
import { ApiError } from "../api";
import { renderComposer } from "../test/composer";

afterEach(() => sessionStorage.clear());

const setup = renderComposer;

describe("Composer", () => {
  it("is focused and sends on Enter, then clears", () => {
    const { box, type, onSend, onTyping } = setup();
    expect(box).toHaveFocus();
    type("hello");
    expect(onTyping).toHaveBeenCalled();
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("hello", []);
    expect(box.value).toBe("");
  });

  it("does not send on Shift+Enter or while an IME is composing", () => {
    const { box, type, onSend } = setup();
    type("line one");
    fireEvent.keyDown(box, { key: "Enter", shiftKey: true });
    fireEvent.keyDown(box, { key: "Enter", isComposing: true });
    expect(onSend).not.toHaveBeenCalled();
  });

  it("on a touch screen, makes Return a new line and leaves sending to the Send button", () => {
    vi.stubGlobal("matchMedia", (query: string) => ({ matches: query === "(hover: none) and (pointer: coarse)" }));
    try {
      const { box, type, onSend } = setup();
      // Nor does it take the focus, which would pull a keyboard up over the conversation.
      expect(box).not.toHaveFocus();
      type("line one");
      expect(fireEvent.keyDown(box, { key: "Enter" })).toBe(true);
      expect(onSend).not.toHaveBeenCalled();
      fireEvent.click(screen.getByRole("button", { name: "Send message" }));
      expect(onSend).toHaveBeenCalledWith("line one", []);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("keeps the text and shows the reason when the send is refused", () => {
    const { box, type } = setup({ onSend: () => "Messages can be at most 100 characters." });
    type("too long");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(screen.getByRole("alert")).toHaveTextContent("at most 100 characters");
    expect(box.value).toBe("too long");
  });

  it("says Up edits your last message while the box is empty and you have one", () => {
    const hint = () => document.getElementById("composer-hint")?.textContent ?? "";
    const { type } = setup({ canEditLast: true });
    expect(hint()).toContain("↑ to edit your last message");
    type("draft");
    expect(hint()).not.toContain("↑");
    // Elsewhere (an open editor, say), Up does not edit from here: the hint does not say it does.
    type("");
    fireEvent.blur(screen.getByLabelText("Message Test room"));
    expect(hint()).not.toContain("↑");
    cleanup();
    setup({ canEditLast: false });
    expect(hint()).not.toContain("↑");
  });

  it("stops the streaming reply on Escape and with the Stop button", () => {
    const { box, onStop } = setup({ streamingSeq: 12 });
    fireEvent.keyDown(box, { key: "Escape" });
    fireEvent.click(screen.getByRole("button", { name: "Stop the AI reply" }));
    expect(onStop).toHaveBeenCalledTimes(2);
    expect(onStop).toHaveBeenCalledWith(12);
  });

  it("takes a message while others wait for the room's send limit, and says it goes after them", () => {
    const { box, type, onSend } = setup({ held: true });
    expect(
      screen
        .getAllByRole("status")
        .map((s) => s.textContent)
        .join(" "),
    ).toContain("Sending as fast as the room allows");
    type("next one");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("next one", []);
  });

  it("is disabled with the reason when the room has ended", () => {
    const { box } = setup({ disabledReason: "This room was deleted." });
    expect(box).toBeDisabled();
    expect(box).toHaveAttribute("placeholder", "This room was deleted.");
    // No keys to teach in a box that cannot send.
    expect(document.querySelector(".composer-keys")).toHaveClass("is-hidden");
  });

  it("keeps the draft for the room across a reload", () => {
    const first = setup();
    first.type("half a thought");
    expect(sessionStorage.getItem("parlor.draft.u1.r1")).toBe("half a thought");
  });

  it("uploads a pasted file with progress and sends it with the message; Cancel drops one", async () => {
    const chart: Attachment = { id: "a1", name: "chart.png", mimeType: "image/png", size: 3, url: "/api/rooms/r1/attachments/a1" };
    const finish: ((a: Attachment) => void)[] = [];
    const aborted: boolean[] = [];
    const upload = vi.fn((_file: File, progress: (f: number) => void, signal: AbortSignal) => {
      progress(0.5);
      signal.addEventListener("abort", () => aborted.push(true));
      return new Promise<Attachment>((resolve) => finish.push(resolve));
    });
    const { box, onSend } = setup({ upload });
    const paste = (name: string) => {
      const file = new File([new Uint8Array([1, 2, 3])], name, { type: "text/plain" });
      fireEvent.paste(box, { clipboardData: { files: [file] } });
    };
    paste("chart.png");
    paste("draft.txt");
    expect(screen.getByLabelText("Uploading chart.png")).toHaveAttribute("value", "0.5");
    fireEvent.click(screen.getByRole("button", { name: "Cancel draft.txt" }));
    expect(aborted).toEqual([true]);
    expect(screen.queryByText("draft.txt")).toBeNull();
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    finish[0]?.(chart);
    await waitFor(() => expect(screen.getByRole("button", { name: "Send message" })).toBeEnabled());
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("", [chart]);
    expect(screen.queryByText("chart.png")).toBeNull();
  });

  it("does not send without a file whose upload failed, saying what to do with it", async () => {
    const upload = () => Promise.reject(new ApiError(0, "network_error", "Couldn't reach Parlor. Check your connection and try again."));
    const { box, onSend, type } = setup({ upload });
    type("here's the photo I promised");
    fireEvent.paste(box, { clipboardData: { files: [new File(["x"], "pic.png", { type: "image/png" })] } });
    await screen.findByRole("button", { name: "Try pic.png again" });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText("pic.png didn't upload: try it again or remove it to send.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Try pic.png again" })).toBeInTheDocument();
    // Removed, the text goes alone.
    fireEvent.click(screen.getByRole("button", { name: "Remove pic.png" }));
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("here's the photo I promised", []);
  });

  it("shows a picture only for a file the server found to be one", async () => {
    const named = (name: string, mimeType: Attachment["mimeType"]): Attachment => ({
      id: name,
      name,
      mimeType,
      size: 3,
      url: `/a/${name}`,
    });
    const upload = vi.fn((file: File) => Promise.resolve(named(file.name, file.name === "fake.png" ? "text/plain" : "image/png")));
    const { box } = setup({ upload });
    for (const name of ["fake.png", "real.png"]) {
      fireEvent.paste(box, { clipboardData: { files: [new File(["x"], name, { type: "image/png" })] } });
    }
    const tray = screen.getByRole("list", { name: "Files to send" });
    await waitFor(() => expect(tray.querySelectorAll(".upload.is-done")).toHaveLength(2));
    const rows = [...tray.querySelectorAll(".upload")];
    expect(rows.map((r) => [r.querySelector(".upload-name")?.textContent, r.querySelector("img") !== null])).toEqual([
      ["fake.png", false],
      ["real.png", true],
    ]);
  });

  it("attaches files dropped on the composer or picked with the button", () => {
    const upload = vi.fn(() => new Promise<Attachment>(() => {}));
    const { box } = setup({ upload });
    const file = (name: string) => new File(["x"], name, { type: "application/pdf" });
    fireEvent.drop(box.closest("form") as HTMLFormElement, { dataTransfer: { files: [file("dropped.pdf")], types: ["Files"] } });
    const picker = screen.getByLabelText("Attach files") as HTMLInputElement;
    expect(picker).toHaveAttribute("accept", expect.stringContaining("image/*"));
    fireEvent.change(picker, { target: { files: [file("picked.pdf")] } });
    expect(upload.mock.calls.map((c) => (c as unknown as [File])[0].name)).toEqual(["dropped.pdf", "picked.pdf"]);
    expect(screen.getByRole("list", { name: "Files to send" })).toHaveTextContent("dropped.pdfpicked.pdf");
  });

  it("says why the server refused a file", async () => {
    const upload = () => Promise.reject(new ApiError(415, "unsupported_type", "This file is not a PNG … file."));
    const { box } = setup({ upload });
    fireEvent.paste(box, { clipboardData: { files: [new File(["x"], "tool.exe")] } });
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("This file is not a PNG … file."));
  });
});
