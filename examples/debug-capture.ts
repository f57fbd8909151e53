// examples/debug-capture.ts
import { createReadStream } from "node:fs";
import { decodeStream } from "@envelope/sdk";

/**
 * Prints one line per frame of a capture file, streaming it (bounded memory,
 * however large): the intact frames with their schema, the bad ones with
 * their offset and error code. Returns the counts.
 */
export async function debugCapture(
  path: string,
  print: (line: string) => void = console.log,
): Promise<{ good: number; bad: number }> {
  let good = 0;
  let bad = 0;
  for await (const item of decodeStream(createReadStream(path))) {
    if (item.error !== undefined) {
      // A corrupted or truncated frame: reading resumes at the next intact one.
      bad++;
      print(`@${item.offset} bad frame (${item.error.code}), ${item.length} bytes skipped`);
      continue;
    }
    good++;
    const { frame, envelope } = item;
    const { schema, resource } = envelope.header;
    print(
      `@${item.offset} ${frame.codec}/${frame.compression} ${frame.frameLength} bytes: ` +
        `${schema.type}/${schema.subtype}@${schema.version} from ${resource.serviceName}, ` +
        `${envelope.body.attributes.size} attributes`,
    );
  }
  print(`${good} envelopes, ${bad} bad frames`);
  return { good, bad };
}
