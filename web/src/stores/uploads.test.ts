// The composer's files: each file gets its own verdict, and a refused one takes no place in the
// 4-file limit (a file over the size limit used to hide the errors of those after it).
import { createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import type { Attachment } from "../../../shared/wire";
import { ApiError } from "../api";
import { createUploads } from "./uploads";

const file = (name: string, bytes = 10) => new File([new Uint8Array(bytes)], name, { type: "text/plain" });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("createUploads", () => {
  it("keeps refused files out of the limit, says which files were left out, and refuses an empty one at once", async () => {
    await createRoot(async (dispose) => {
      const asked: string[] = [];
      const uploads = createUploads(async (f) => {
        asked.push(f.name);
        if (f.name === "big.txt") throw new ApiError(413, "payload_too_large", "Files are limited to 10 MB.");
        return { id: f.name, name: f.name, mimeType: "text/plain", size: f.size, url: `/x/${f.name}` } as Attachment;
      });
      expect(uploads.add([file("a.txt"), file("big.txt"), file("empty.txt", 0)])).toBeNull();
      await settle();
      expect(uploads.items.map((u) => [u.name, u.status, u.error ?? ""])).toEqual([
        ["a.txt", "done", ""],
        ["big.txt", "failed", "Files are limited to 10 MB."],
        ["empty.txt", "failed", "The file is empty."],
      ]);
      expect(asked).toEqual(["a.txt", "big.txt"]);
      // Three more fit beside a.txt; the two after them are named, not silently dropped.
      const said = uploads.add([file("b.txt"), file("c.txt"), file("d.txt"), file("e.txt"), file("f.txt")]);
      expect(said).toBe("A message can carry at most 4 files: e.txt and f.txt were not added.");
      await settle();
      expect(uploads.ready().map((a) => a.name)).toEqual(["a.txt", "b.txt", "c.txt", "d.txt"]);
      dispose();
    });
  });

  it("refuses a file over the server's limit at once, without uploading any of it", async () => {
    await createRoot(async (dispose) => {
      const asked: string[] = [];
      const uploads = createUploads(
        async (f) => {
          asked.push(f.name);
          return { id: f.name, name: f.name, mimeType: "text/plain", size: f.size, url: `/x/${f.name}` } as Attachment;
        },
        () => 1024 * 1024,
      );
      uploads.add([file("huge.txt", 1024 * 1024 + 200 * 1024), file("fits.txt", 1024 * 1024)]);
      await settle();
      expect(uploads.items.map((u) => [u.name, u.status, u.error ?? ""])).toEqual([
        ["huge.txt", "failed", "Files are limited to 1 MB; this one is 1.2 MB."],
        ["fits.txt", "done", ""],
      ]);
      expect(asked).toEqual(["fits.txt"]);
      dispose();
    });
  });

  it("offers to try a file again when its upload failed on the way, not when the file was refused", async () => {
    await createRoot(async (dispose) => {
      let offline = true;
      const uploads = createUploads(async (f) => {
        if (f.name === "big.txt") throw new ApiError(413, "payload_too_large", "Files are limited to 10 MB.");
        if (offline) throw new ApiError(0, "network_error", "Couldn't reach Parlor. Check your connection and try again.");
        return { id: f.name, name: f.name, mimeType: "text/plain", size: f.size, url: `/x/${f.name}` } as Attachment;
      });
      uploads.add([file("notes.txt"), file("big.txt")]);
      await settle();
      const [notes, big] = uploads.items;
      expect([notes?.status, big?.status]).toEqual(["failed", "failed"]);
      expect(big?.retry).toBeUndefined();
      offline = false;
      notes?.retry?.();
      expect(uploads.items[0]?.status).toBe("uploading");
      await settle();
      expect(uploads.items.map((u) => [u.name, u.status])).toEqual([
        ["notes.txt", "done"],
        ["big.txt", "failed"],
      ]);
      expect(uploads.ready().map((a) => a.name)).toEqual(["notes.txt"]);
      dispose();
    });
  });

  it("drops a refused picture's local preview, which may not be a picture at all", async () => {
    await createRoot(async (dispose) => {
      const uploads = createUploads(async () => {
        throw new ApiError(415, "unsupported_media_type", "This file is not a PNG, JPEG, GIF, WebP, PDF or plain UTF-8 text file.");
      });
      uploads.add([new File(["not a picture"], "fake.png", { type: "image/png" })]);
      expect(uploads.items[0]?.preview).toMatch(/^blob:/);
      await settle();
      expect(uploads.items[0]?.status).toBe("failed");
      expect(uploads.items[0]?.preview).toBeUndefined();
      dispose();
    });
  });
});
