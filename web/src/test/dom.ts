// Imported by every component test: jest-dom matchers, and unmounting what a test rendered
// (the web project runs without vitest globals, so the testing library cannot hook it itself).
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";

afterEach(cleanup);

// jsdom does no layout, so nothing ever resizes: an observer that never calls back is exact.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
