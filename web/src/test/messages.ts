// Fixtures for the message components' tests: a message with what a test changes, and a set of
// message actions that record their calls.
import { vi } from "vitest";
import type { Message } from "../../../shared/wire";

export const actions = () => ({
  stop: vi.fn(),
  regenerate: vi.fn(),
  retry: vi.fn(),
  discard: vi.fn(),
  edit: vi.fn((_seq: number, _content: string) => true),
  remove: vi.fn(),
  selectVersion: vi.fn(),
});

/** An AI reply at seq 7 unless `extra` says otherwise. */
export const aMessage = (extra: Partial<Message> = {}): Message => ({
  id: "m7",
  roomId: "r1",
  seq: 7,
  author: { kind: "ai", id: "assistant", name: "Assistant" },
  content: "Partial answer",
  status: "complete",
  createdAt: new Date().toISOString(),
  ...extra,
});
