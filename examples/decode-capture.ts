import { readFileSync } from "node:fs";
import { decode, isEnvelopeError, peek, toJson } from "@envelope/sdk";

/** Prints what a captured payload holds: the frame, then the whole envelope as JSON. */
export function describeCapture(path: string): string {
  const bytes = readFileSync(path);
  try {
    const { frame, header } = peek(bytes); // reads the header only; the body is not touched
    const summary = `${frame.codec}/${frame.compression} ${header.schema.type}/${header.schema.subtype}@${header.schema.version} from ${header.resource.serviceName}`;
    const envelope = decode(bytes);
    return `${summary}\n${JSON.stringify(toJson(envelope), null, 2)}`;
  } catch (error) {
    if (isEnvelopeError(error)) return `cannot decode ${path}: ${error.message}`; // error.code is stable
    throw error;
  }
}
