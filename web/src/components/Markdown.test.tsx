// What reaches the DOM from message text: sanitized Markdown, copyable code, and never markup
// from the message itself.
import "../test/dom";
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { Markdown } from "./Markdown";

describe("Markdown", () => {
  it("shows an HTML payload as text and creates no element from it", () => {
    const payload = "<img src=x onerror=alert(1)> <script>alert(2)</script> <a href=javascript:alert(3)>x</a>";
    const { container } = render(() => <Markdown text={payload} />);
    expect(container.querySelector("img, script, [onerror]")).toBeNull();
    expect(container.querySelectorAll("a")).toHaveLength(0);
    expect(container.textContent).toBe(payload);
  });

  it("keeps markup in code blocks and link text as text", () => {
    const { container } = render(() => <Markdown text={"[<b>hi</b>](https://e.com)\n\n```html\n<iframe src=x></iframe>\n```"} />);
    expect(container.querySelector("b, iframe")).toBeNull();
    expect(container.querySelector("a")?.textContent).toBe("<b>hi</b>");
    expect(container.querySelector("pre")?.textContent).toBe("<iframe src=x></iframe>");
  });

  it("opens links in a new tab without opener or referrer", () => {
    render(() => <Markdown text="read [the docs](https://example.com/docs)" />);
    const link = screen.getByRole("link", { name: "the docs" });
    expect(link).toHaveAttribute("href", "https://example.com/docs");
    expect(link).toHaveAttribute("target", "_blank");
    expect(link.getAttribute("rel")).toContain("noopener");
  });

  it("renders lists, emphasis, and code coloured once its grammar has loaded", async () => {
    const { container } = render(() => <Markdown text={"- **one**\n- _two_\n\n```js\nconst a = 1;\n```"} />);
    expect(container.querySelectorAll("ul > li")).toHaveLength(2);
    expect(container.querySelector("li strong")?.textContent).toBe("one");
    expect(container.querySelector("li em")?.textContent).toBe("two");
    // Plain text of the same size first, then the tokens.
    expect(container.querySelector("pre code")?.textContent).toBe("const a = 1;");
    await vi.waitFor(() => expect(container.querySelector(".hljs-keyword")?.textContent).toBe("const"));
    expect(container.querySelector("pre code")?.textContent).toBe("const a = 1;");
  });

  it("copies a code block's text with its Copy button", async () => {
    const writeText = vi.fn(async () => {});
    Object.assign(navigator, { clipboard: { writeText } });
    render(() => <Markdown text={"```sh\nnpm run dev\n```"} />);
    fireEvent.click(screen.getByRole("button", { name: /copy sh/i }));
    expect(writeText).toHaveBeenCalledWith("npm run dev");
    expect(await screen.findByText("Copied")).toBeInTheDocument();
  });

  it("re-renders as streamed text grows, showing half-written bold as bold", () => {
    const [text, setText] = createSignal("Hel");
    const { container } = render(() => <Markdown text={text()} streaming />);
    setText("Hello **wor");
    expect(container.querySelector("strong")?.textContent).toBe("wor");
    expect(container.textContent).toBe("Hello wor");
    setText("Hello **world**");
    expect(container.querySelector("strong")?.textContent).toBe("world");
  });
});
