// The connection pill says what state the socket is in, and offers to skip the backoff.
import "../test/dom";
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import type { Connection } from "../stores/room";
import { ConnectionStatus, RECONNECT_GRACE_MS } from "./ConnectionStatus";

describe("ConnectionStatus", () => {
  it.each([
    ["connecting", "Connecting…"],
    ["live", "Live"],
    ["closed", "Disconnected"],
  ] as const)("shows %s", (state, text) => {
    render(() => <ConnectionStatus state={state} onRetry={() => {}} />);
    expect(screen.getByRole("status")).toHaveTextContent(text);
  });

  it("stays Live through a reconnect that takes less than a moment, and says so after it", () => {
    vi.useFakeTimers();
    try {
      const [state, setState] = createSignal<Connection>("live");
      render(() => <ConnectionStatus state={state()} onRetry={() => {}} />);
      setState("reconnecting");
      vi.advanceTimersByTime(RECONNECT_GRACE_MS - 100);
      expect(screen.getByRole("status")).toHaveTextContent("Live");
      setState("live");
      vi.advanceTimersByTime(RECONNECT_GRACE_MS);
      expect(screen.getByRole("status")).toHaveTextContent("Live");
      setState("reconnecting");
      vi.advanceTimersByTime(RECONNECT_GRACE_MS);
      expect(screen.getByRole("status")).toHaveTextContent("Reconnecting…");
    } finally {
      vi.useRealTimers();
    }
  });

  it("says Offline while reconnecting on a device that has no network, and Reconnecting once it has", () => {
    const onLine = vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    try {
      render(() => <ConnectionStatus state="reconnecting" onRetry={() => {}} />);
      expect(screen.getByRole("status")).toHaveTextContent("Offline");
      onLine.mockReturnValue(true);
      window.dispatchEvent(new Event("online"));
      expect(screen.getByRole("status")).toHaveTextContent("Reconnecting…");
    } finally {
      onLine.mockRestore();
    }
  });

  it("offers Retry now while reconnecting", () => {
    const retry = vi.fn();
    render(() => <ConnectionStatus state="reconnecting" onRetry={retry} />);
    fireEvent.click(screen.getByRole("button", { name: "Retry now" }));
    expect(retry).toHaveBeenCalled();
  });
});
