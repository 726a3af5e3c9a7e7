// Keyboard behaviour of the composer: Enter sends, Shift+Enter and IME composition do not,
// Escape stops a streaming reply; rate limits and closed rooms block sending with a reason.
import "../test/dom";
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Composer } from "./Composer";

afterEach(() => sessionStorage.clear());

function setup(over: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = vi.fn((_: string): string | null => null);
  const onStop = vi.fn();
  const onTyping = vi.fn();
  render(() => (
    <Composer
      roomId="r1"
      label="Message Test room"
      placeholder="Message Test room"
      onSend={onSend}
      onTyping={onTyping}
      onStop={onStop}
      disabledReason={null}
      rateLimitedFor={0}
      maxChars={100}
      {...over}
    />
  ));
  const box = screen.getByLabelText("Message Test room") as HTMLTextAreaElement;
  const type = (text: string) => fireEvent.input(box, { target: { value: text } });
  return { box, type, onSend, onStop, onTyping };
}

describe("Composer", () => {
  it("is focused and sends on Enter, then clears", () => {
    const { box, type, onSend, onTyping } = setup();
    expect(box).toHaveFocus();
    type("hello");
    expect(onTyping).toHaveBeenCalled();
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("hello");
    expect(box.value).toBe("");
  });

  it("does not send on Shift+Enter or while an IME is composing", () => {
    const { box, type, onSend } = setup();
    type("line one");
    fireEvent.keyDown(box, { key: "Enter", shiftKey: true });
    fireEvent.keyDown(box, { key: "Enter", isComposing: true });
    expect(onSend).not.toHaveBeenCalled();
  });

  it("keeps the text and shows the reason when the send is refused", () => {
    const { box, type } = setup({ onSend: () => "Messages can be at most 100 characters." });
    type("too long");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(screen.getByRole("alert")).toHaveTextContent("at most 100 characters");
    expect(box.value).toBe("too long");
  });

  it("stops the streaming reply on Escape and with the Stop button", () => {
    const { box, onStop } = setup({ streamingSeq: 12 });
    fireEvent.keyDown(box, { key: "Escape" });
    fireEvent.click(screen.getByRole("button", { name: "Stop the AI reply" }));
    expect(onStop).toHaveBeenCalledTimes(2);
    expect(onStop).toHaveBeenCalledWith(12);
  });

  it("blocks sending while rate limited and says for how long", () => {
    const { box, type, onSend } = setup({ rateLimitedFor: 4 });
    type("wait");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("status")).toHaveTextContent("send again in 4 s");
    expect(screen.getByRole("button", { name: "Send message" })).toBeDisabled();
  });

  it("is disabled with the reason when the room has ended", () => {
    const { box } = setup({ disabledReason: "This room was deleted." });
    expect(box).toBeDisabled();
    expect(box).toHaveAttribute("placeholder", "This room was deleted.");
  });

  it("keeps the draft for the room across a reload", () => {
    const first = setup();
    first.type("half a thought");
    expect(sessionStorage.getItem("parlor.draft.r1")).toBe("half a thought");
  });
});
