// Attachments in the log and in the composer. A message's images show as thumbnails that open
// a viewer; other files as a chip that downloads them. Their bytes need the session's token,
// which an <img> cannot send, so each is fetched once (api.attachment) into an object URL
// shared by every place it shows. A thumbnail waits for its picture in place (never through
// the screen's Suspense, which would blank the room and take the focus from the composer), and
// one that could not be fetched says so and tries again when clicked. The composer's tray lists files being uploaded, with
// progress, Cancel, and the reason a file was refused.
import { createSignal, For, Match, Show, Switch } from "solid-js";
import type { Attachment } from "../../../shared/wire";
import { api, describeError } from "../api";
import { toast } from "../stores/toasts";
import type { Upload } from "../stores/uploads";
import { Icon } from "./Icon";

const objectUrls = new Map<string, Promise<string>>();

function objectUrl(a: Attachment): Promise<string> {
  let found = objectUrls.get(a.id);
  if (!found) {
    found = api.attachment(a.url).then((blob) => URL.createObjectURL(blob));
    // A failed fetch is tried again next time it is shown.
    found.catch(() => objectUrls.delete(a.id));
    objectUrls.set(a.id, found);
  }
  return found;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentList(props: { attachments: Attachment[] }) {
  let viewer!: HTMLDialogElement;
  const [shown, setShown] = createSignal<{ name: string; src: string }>();
  const open = async (a: Attachment) => {
    const src = await fetched(a);
    if (src === undefined) return;
    setShown({ name: a.name, src });
    viewer.showModal();
  };
  return (
    <div class="msg-files">
      <For each={props.attachments}>
        {(a) => (a.mimeType.startsWith("image/") ? <Thumbnail attachment={a} onOpen={() => open(a)} /> : <FileChip attachment={a} />)}
      </For>
      {/* The picture as large as the screen allows, under its name, with a way to keep it. */}
      <dialog ref={viewer} class="file-viewer" aria-label={shown()?.name ?? "Image"}>
        <div class="file-viewer-bar">
          <span class="file-viewer-name">{shown()?.name}</span>
          <a class="btn btn-sm" href={shown()?.src} download={shown()?.name}>
            <Icon name="download" /> Download
          </a>
          <button type="button" class="btn btn-sm" aria-label="Close" onClick={() => viewer.close()}>
            <Icon name="close" />
          </button>
        </div>
        <img src={shown()?.src} alt={shown()?.name ?? ""} />
      </dialog>
    </div>
  );
}

/** The object URL of `a`, or undefined once the person has been told why it could not be had. */
async function fetched(a: Attachment): Promise<string | undefined> {
  try {
    return await objectUrl(a);
  } catch (err) {
    toast(`Couldn't open ${a.name}: ${describeError(err)}`, "error");
    return undefined;
  }
}

function Thumbnail(props: { attachment: Attachment; onOpen: () => void }) {
  const a = () => props.attachment;
  const [state, setState] = createSignal<{ src: string } | "loading" | "failed">("loading");
  const load = () => {
    setState("loading");
    objectUrl(a()).then(
      (src) => setState({ src }),
      () => setState("failed"),
    );
  };
  load();
  const src = () => {
    const s = state();
    return typeof s === "object" ? s.src : undefined;
  };
  const failed = () => state() === "failed";
  return (
    <button
      type="button"
      class="msg-thumb"
      aria-label={failed() ? `Couldn't load ${a().name}; try again` : `Open ${a().name}`}
      onClick={() => (failed() ? load() : props.onOpen())}
    >
      <Switch fallback={<span class="msg-thumb-wait" style={{ "aspect-ratio": `${a().width ?? 4} / ${a().height ?? 3}` }} />}>
        <Match when={src()}>{(url) => <img src={url()} alt={a().name} width={a().width} height={a().height} />}</Match>
        <Match when={failed()}>
          <span class="msg-thumb-wait is-failed">
            <Icon name="regenerate" /> Couldn't load {a().name}
          </span>
        </Match>
      </Switch>
    </button>
  );
}

function FileChip(props: { attachment: Attachment }) {
  const download = async () => {
    const src = await fetched(props.attachment);
    if (src === undefined) return;
    const link = document.createElement("a");
    link.href = src;
    link.download = props.attachment.name;
    link.click();
  };
  return (
    <button type="button" class="file-chip" onClick={download} title={`Download ${props.attachment.name}`}>
      <Icon name="file" />
      <span class="file-chip-name">{props.attachment.name}</span>
      <span class="file-chip-size">{formatSize(props.attachment.size)}</span>
    </button>
  );
}

/** The composer's files: progress while uploading, Cancel, and why a file was refused. */
export function UploadTray(props: { items: Upload[] }) {
  return (
    <ul class="upload-tray" aria-label="Files to send">
      <For each={props.items}>
        {(u) => (
          <li class="upload" classList={{ "is-failed": u.status === "failed", "is-done": u.status === "done" }}>
            <Show when={u.preview} fallback={<Icon name="file" />}>
              <img class="upload-preview" src={u.preview} alt="" />
            </Show>
            <span class="upload-name">{u.name}</span>
            <Show when={u.status === "uploading"}>
              <progress class="upload-progress" max="1" value={u.progress} aria-label={`Uploading ${u.name}`} />
            </Show>
            <Show when={u.status === "failed"}>
              <span class="upload-error" role="alert">
                {u.error}
              </span>
            </Show>
            <Show when={u.retry}>
              {(retry) => (
                <button type="button" class="upload-cancel" aria-label={`Try ${u.name} again`} onClick={() => retry()()}>
                  <Icon name="regenerate" />
                </button>
              )}
            </Show>
            <button
              type="button"
              class="upload-cancel"
              aria-label={u.status === "uploading" ? `Cancel ${u.name}` : `Remove ${u.name}`}
              onClick={() => u.cancel()}
            >
              <Icon name="close" />
            </button>
          </li>
        )}
      </For>
    </ul>
  );
}
