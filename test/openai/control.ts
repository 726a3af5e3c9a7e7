// The OpenAI-compatible double's control client, typed with its script vocabulary (wire.ts).
// Its scripts are per model name: the endpoint's key is the deployment's one, so each test
// gives its character a model of its own (`openai:<uniqueKey()>`).
import { DoubleControl } from "../doubles/control";
import type { RecordedRequest, Step } from "./wire";

export { uniqueKey } from "../doubles/control";
export type { RecordedRequest, Step } from "./wire";

export class OpenAiControl extends DoubleControl<Step, RecordedRequest> {
  constructor(baseUrl: string) {
    super(baseUrl, "the OpenAI-compatible double");
  }
}
