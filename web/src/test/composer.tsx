// The composer rendered alone for its tests: every handler a mock, the box found by its label,
// and `type` to put text in it as an input event does.
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { vi } from "vitest";
import type { Attachment } from "../../../shared/wire";
import { Composer } from "../components/Composer";

export function renderComposer(over: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = vi.fn((_: string, _files?: Attachment[]): string | null => null);
  const onStop = vi.fn();
  const onTyping = vi.fn();
  render(() => (
    <Composer
      draftKey="parlor.draft.u1.r1"
      label="Message Test room"
      placeholder="Message Test room"
      onSend={onSend}
      onTyping={onTyping}
      onStop={onStop}
      disabledReason={null}
      held={false}
      maxChars={100}
      upload={() => new Promise<Attachment>(() => {})}
      {...over}
    />
  ));
  const box = screen.getByLabelText("Message Test room") as HTMLTextAreaElement;
  const type = (text: string) => fireEvent.input(box, { target: { value: text } });
  return { box, type, onSend, onStop, onTyping };
}
