// The connection pill says what state the socket is in, and offers to skip the backoff.
import "../test/dom";
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { ConnectionStatus } from "./ConnectionStatus";

describe("ConnectionStatus", () => {
  it.each([
    ["connecting", "Connecting…"],
    ["live", "Live"],
    ["closed", "Disconnected"],
  ] as const)("shows %s", (state, text) => {
    render(() => <ConnectionStatus state={state} onRetry={() => {}} />);
    expect(screen.getByRole("status")).toHaveTextContent(text);
  });

  it("offers Retry now while reconnecting", () => {
    const retry = vi.fn();
    render(() => <ConnectionStatus state="reconnecting" onRetry={retry} />);
    fireEvent.click(screen.getByRole("button", { name: "Retry now" }));
    expect(retry).toHaveBeenCalled();
  });
});
