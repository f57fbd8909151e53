// One memory case, run alone: a tight synchronous loop (the event loop never
// turns), sampling RSS as it goes. Prints { peakRssMb }.
import { createDecoder, createEncoder } from "@envelope/sdk";
import { fixture } from "./fixtures.mjs";

const [op, count] = [process.argv[2], Number(process.argv[3])];
const decoder = createDecoder();
const envelope = decoder.decode(fixture("go", "medium", "protobuf", "none"));
const packed = fixture("go", "medium", "protobuf", "lz4");
const encoder = createEncoder({ codec: "protobuf", compression: "lz4" });
let peak = process.memoryUsage.rss();
for (let i = 0; i < count; i++) {
  if (op === "encode-lz4") encoder.encode(envelope);
  else decoder.decode(packed);
  if ((i & 4095) === 0) peak = Math.max(peak, process.memoryUsage.rss());
}
peak = Math.max(peak, process.memoryUsage.rss());
console.log(JSON.stringify({ peakRssMb: peak / 2 ** 20 }));
