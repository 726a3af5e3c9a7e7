// The Gemini double's control client, typed with its script vocabulary (wire.ts).
import { DoubleControl } from "../doubles/control";
import type { RecordedRequest, Step } from "./wire";

export { uniqueKey } from "../doubles/control";
export type { RecordedRequest, Step } from "./wire";

export class GeminiControl extends DoubleControl<Step, RecordedRequest> {
  constructor(baseUrl: string) {
    super(baseUrl, "the Gemini double");
  }
}
