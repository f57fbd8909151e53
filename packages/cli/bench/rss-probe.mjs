// Preloaded into the measured `envelope` process (node --import): on exit,
// writes its peak resident set size in bytes to $ENVELOPE_RSS_FILE.
import { writeFileSync } from "node:fs";

const file = process.env.ENVELOPE_RSS_FILE;
if (file !== undefined) {
  process.on("exit", () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
