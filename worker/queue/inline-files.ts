// The bytes of the attachments the context picked (worker/ai/context.ts), read from R2 and
// handed to the provider as inline files: what lets the model see an image or a PDF. An
// attachment whose object is gone (its room being deleted, say) is left out, not an error.
import { Buffer } from "node:buffer";
import { attachmentKey } from "../../shared/attachments";
import type { ContextTurn, InlineFile, Turn } from "../ai";

export async function withInlineFiles(bucket: R2Bucket, roomId: string, contents: ContextTurn[]): Promise<Turn[]> {
  return Promise.all(
    contents.map(async ({ attachments = [], ...turn }) => {
      if (attachments.length === 0) return turn;
      const files: InlineFile[] = [];
      for (const a of attachments) {
        const object = await bucket.get(attachmentKey(roomId, a.id));
        if (!object) continue;
        const data = Buffer.from(await object.arrayBuffer()).toString("base64");
        files.push({ name: a.name, mimeType: a.mimeType, size: a.size, width: a.width, height: a.height, data });
      }
      return files.length ? { ...turn, files } : turn;
    }),
  );
}
