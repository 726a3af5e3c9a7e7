// A table cell breaks its lines at spaces only: every number, date or range, and every word a
// browser could break at a hyphen, dash or slash, is held on one line (the layout itself is
// measured in Chromium by test/e2e/markdown-layout.e2e.test.ts).
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render";

const render = (src: string) => {
  const host = document.createElement("div");
  host.appendChild(renderMarkdown(src));
  return host;
};

const whole = (host: HTMLElement, selector: string) => [...host.querySelectorAll(`${selector} .md-nowrap`)].map((s) => s.textContent);

describe("table cells", () => {
  const table = [
    "| Name | Qty | Price | Shipped |",
    "|:--|--:|--:|:--|",
    "| Trail mix | 3 | 1,234.50 | 2025-07-14 |",
    "| Cross-training shoes | 10–12 | -3.5% | in 2 days, `npm-run` and/or later |",
  ].join("\n");

  it("keeps each number, date, range and hyphenated word on one line", () => {
    const host = render(table);
    expect(whole(host, "td")).toEqual(["3", "1,234.50", "2025-07-14", "Cross-training", "10–12", "-3.5%", "2", "npm-run", "and/or"]);
    expect(whole(host, "th")).toEqual([]);
  });

  it("changes no text: the cells read as they were written", () => {
    const host = render(table);
    expect([...host.querySelectorAll("tr:last-child td")].map((c) => c.textContent)).toEqual([
      "Cross-training shoes",
      "10–12",
      "-3.5%",
      "in 2 days, npm-run and/or later",
    ]);
    expect(host.querySelector("td .md-code")?.textContent).toBe("npm-run");
    // Plain words between them stay one text node, not a span each.
    expect(host.querySelector("tr:last-child td:last-child")?.childNodes[0]?.textContent).toBe("in ");
  });

  it("leaves text outside tables as it was", () => {
    const host = render("Shipped 2025-07-14, 10–12 and/or `npm-run`.\n\n- 3 items");
    expect(host.querySelectorAll(".md-nowrap")).toHaveLength(0);
    expect(host.querySelector("p")?.textContent).toBe("Shipped 2025-07-14, 10–12 and/or npm-run.");
  });
});
