// Imported by every component test: jest-dom matchers, and unmounting what a test rendered
// (the web project runs without vitest globals, so the testing library cannot hook it itself).
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";

afterEach(cleanup);
