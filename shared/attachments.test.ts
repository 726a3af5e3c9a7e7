// The type of a file comes from its bytes: each accepted kind is recognised by its magic
// number (with its pixel size for PNG, JPEG and GIF), text by being clean UTF-8, and the rest
// is refused whatever it is called.
import { describe, expect, it } from "vitest";
import { elf, jpeg, pdf, png, text } from "../test/attachments";
import { cleanFileName, contentDisposition, describeKind, sniff } from "./attachments";

describe("sniff", () => {
  it("recognises images with their size, PDFs and plain text", () => {
    expect(sniff(png(640, 480))).toEqual({ mimeType: "image/png", width: 640, height: 480 });
    expect(sniff(jpeg(1024, 768))).toEqual({ mimeType: "image/jpeg", width: 1024, height: 768 });
    expect(sniff(new Uint8Array([...text("GIF89a"), 0x20, 0x03, 0x58, 0x02, 0, 0]))).toEqual({
      mimeType: "image/gif",
      width: 800,
      height: 600,
    });
    expect(sniff(new Uint8Array([...text("RIFF"), 0, 0, 0, 0, ...text("WEBPVP8 ")]))).toEqual({ mimeType: "image/webp" });
    expect(sniff(pdf())).toEqual({ mimeType: "application/pdf" });
    // A size no image has is no size at all (the app lays images out by it).
    expect(sniff(png(4294967295, 1))).toEqual({ mimeType: "image/png" });
    expect(sniff(png(0, 10))).toEqual({ mimeType: "image/png" });
    expect(sniff(text("héllo\n\tworld <b>not html here</b>"))).toEqual({ mimeType: "text/plain" });
  });

  it("refuses binaries and broken UTF-8", () => {
    expect(sniff(elf())).toBeNull();
    expect(sniff(new Uint8Array([0x68, 0x69, 0xc3]))).toBeNull();
    expect(sniff(text("nul\u0000inside"))).toBeNull();
  });

  it("cleans names and quotes them for Content-Disposition", () => {
    expect(cleanFileName("../../etc/pass\u0000wd")).toBe("passwd");
    expect(cleanFileName('C:\\tmp\\"q".png', "image/png")).toBe("q.png");
    expect(cleanFileName("")).toBe("file");
    // What the names rule refuses: bidi overrides, invisible and zero-width characters.
    expect(cleanFileName("C:\\dir\\evil\u202Etxt.exe")).toBe("eviltxt.exe.txt");
    expect(cleanFileName("in\u200Bvoice\u00AD.pdf", "application/pdf")).toBe("invoice.pdf");
    // The extension says what the bytes are.
    expect(cleanFileName("photo", "image/png")).toBe("photo.png");
    expect(cleanFileName("Scan.JPEG", "image/jpeg")).toBe("Scan.JPEG");
    expect(cleanFileName("chart.png", "image/jpeg")).toBe("chart.png.jpg");
    expect(cleanFileName("report.exe", "application/pdf")).toBe("report.exe.pdf");
    for (const name of ["page.html", "x.SVG", "run.bat", "a.js", "go.ps1", "link.url"]) expect(cleanFileName(name)).toBe(`${name}.txt`);
    for (const name of ["notes.md", "data.csv", "main.py", "config.json", "README"]) expect(cleanFileName(name)).toBe(name);
    expect(cleanFileName(`${"a".repeat(300)}.png`, "image/png")).toHaveLength(194);
    expect(contentDisposition("attachment", "résumé.pdf")).toBe(`attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
    expect(describeKind({ mimeType: "image/png", width: 640, height: 480 })).toBe("a 640×480 PNG");
  });
});
