// The history banner follows what the API says: a 503 store_unavailable shows it (and the call
// still fails with the API's message), the next successful call hides it again.
import "../test/dom";
import { render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "../api";
import { HistoryBanner } from "./HistoryBanner";

const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

afterEach(() => vi.unstubAllGlobals());

describe("HistoryBanner", () => {
  it("shows while the history store is unavailable and hides once a call succeeds", async () => {
    render(() => <HistoryBanner />);
    expect(screen.queryByRole("status")).toBeNull();
    const unavailable = { error: { code: "store_unavailable", message: "Message history is temporarily unavailable." } };
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => reply(503, unavailable, { "Retry-After": "5" })),
    );
    const err = await api.rooms().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).retryAfterMs).toBe(5000);
    expect(screen.getByRole("status")).toHaveTextContent("Message history is briefly unavailable. Live chat keeps working");
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => reply(200, { rooms: [], nextCursor: null })),
    );
    await api.rooms();
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("stays hidden for other failures", async () => {
    render(() => <HistoryBanner />);
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => reply(500, { error: { code: "internal_error", message: "Something went wrong." } })),
    );
    await api.rooms().catch(() => {});
    expect(screen.queryByRole("status")).toBeNull();
  });
});
