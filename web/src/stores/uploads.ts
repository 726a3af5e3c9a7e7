// The files a person is about to send: each is uploaded as soon as it is picked, pasted or
// dropped, with its progress, a way to cancel it, and the server's reason when it is refused.
// What finished uploading goes with the next send; a cancelled or refused file is simply
// dropped (the server collects an upload no message carries). One that failed on the way (no
// connection, the server busy or down) can be tried again as it is.
import { createStore, produce } from "solid-js/store";
import { megabytes } from "../../../shared/text";
import type { Attachment } from "../../../shared/wire";
import { MAX_ATTACHMENTS_PER_MESSAGE } from "../../../shared/wire";
import { describeError, failedOnTheWay } from "../api";

export type Upload = {
  key: number;
  name: string;
  /** 0–1 while uploading. */
  progress: number;
  status: "uploading" | "done" | "failed";
  attachment?: Attachment;
  error?: string;
  /** A local preview of an image, while and after it uploads. */
  preview?: string;
  cancel: () => void;
  /** Uploads it again: a failure on the way, not a refusal of the file. */
  retry?: () => void;
};

export type Uploader = (file: File, onProgress: (fraction: number) => void, signal: AbortSignal) => Promise<Attachment>;

let nextKey = 1;
const listOf = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);

/** `maxBytes`: the largest file the server takes, when known: a larger one is refused at once,
 * before minutes of a phone's data go into an upload that ends in 413. */
export function createUploads(upload: Uploader, maxBytes: () => number | undefined = () => undefined) {
  const [items, setItems] = createStore<Upload[]>([]);
  const index = (key: number) => items.findIndex((u) => u.key === key);
  const remove = (key: number) => {
    const i = index(key);
    if (i < 0) return;
    if (items[i]?.preview) URL.revokeObjectURL(items[i].preview as string);
    setItems(produce((list) => list.splice(i, 1)));
  };

  /** Uploads `file` as item `key`, which shows its progress and then its attachment or why not. */
  function start(key: number, file: File) {
    const controller = new AbortController();
    const preview = file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined;
    const cancel = () => {
      controller.abort();
      remove(key);
    };
    setItems(index(key), { progress: 0, status: "uploading", error: undefined, retry: undefined, preview, cancel });
    upload(file, (p) => index(key) >= 0 && setItems(index(key), "progress", p), controller.signal).then(
      (attachment) => {
        const i = index(key);
        if (i < 0) return;
        // The server types a file by its bytes: a "photo.png" that is really text gets no picture.
        const image = attachment.mimeType.startsWith("image/");
        if (!image && preview) URL.revokeObjectURL(preview);
        setItems(i, { status: "done", progress: 1, attachment, ...(image ? {} : { preview: undefined }) });
      },
      (err) => {
        if (controller.signal.aborted || index(key) < 0) return;
        // Refused (often for not being the picture its name says): a file's icon, not a broken image.
        if (preview) URL.revokeObjectURL(preview);
        const retry = failedOnTheWay(err) ? () => again(key, file) : undefined;
        setItems(index(key), { status: "failed", error: describeError(err), preview: undefined, retry });
      },
    );
  }

  /** The same file again, if the message still has room for it. */
  function again(key: number, file: File) {
    if (index(key) < 0) return;
    const full = items.filter((u) => u.status !== "failed").length >= MAX_ATTACHMENTS_PER_MESSAGE;
    if (full) setItems(index(key), "error", `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files: remove one first.`);
    else start(key, file);
  }

  /** Adds files, each with its own verdict; returns what was left out for the 4-file limit (a
   * refused file takes no place in it). */
  function add(files: Iterable<File>): string | null {
    const left: string[] = [];
    for (const file of files) {
      const name = file.name || "pasted file";
      if (items.filter((u) => u.status !== "failed").length >= MAX_ATTACHMENTS_PER_MESSAGE) {
        left.push(name);
        continue;
      }
      const key = nextKey++;
      const max = maxBytes();
      const refused =
        file.size === 0
          ? "The file is empty."
          : max && file.size > max
            ? `Files are limited to ${megabytes(max)}; this one is ${megabytes(file.size)}.`
            : null;
      if (refused) {
        setItems(items.length, { key, name, progress: 0, status: "failed", error: refused, cancel: () => remove(key) });
        continue;
      }
      setItems(items.length, { key, name, progress: 0, status: "uploading", cancel: () => remove(key) });
      start(key, file);
    }
    if (left.length === 0) return null;
    return `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files: ${listOf(left)} ${left.length === 1 ? "was" : "were"} not added.`;
  }

  return {
    items,
    add,
    remove,
    /** Why a send must wait for its files, or null: one still uploading, or one that did not
     * make it (sent without it, it would be dropped unnoticed). */
    blocking(): string | null {
      if (items.some((u) => u.status === "uploading")) return "Wait for the files to finish uploading, or cancel them.";
      const failed = items.filter((u) => u.status === "failed");
      if (failed.length === 0) return null;
      const them = failed.length === 1 ? "it" : "them";
      const what = failed.some((u) => u.retry) ? `try ${them} again or remove ${them}` : `remove ${them}`;
      return `${listOf(failed.map((u) => u.name))} didn't upload: ${what} to send.`;
    },
    ready: (): Attachment[] => items.flatMap((u) => (u.status === "done" && u.attachment ? [u.attachment] : [])),
    /** After a send: forget the sent files (failed ones go too). */
    clear: () => {
      for (const u of [...items]) remove(u.key);
    },
  };
}

export type Uploads = ReturnType<typeof createUploads>;
