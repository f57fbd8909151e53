// The walk floor of the benchmark (bench/walk.mjs) visits every field of a
// frame: checked on the worked example of docs/spec.md ("Frame", "Worked
// example"), whose fields are listed there one by one.
import { describe, expect, test } from "vitest";
import { walkFrame } from "../../bench/walk.mjs";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));

const WORKED_EXAMPLE = hex(`
  89454e56 01 01 00 00 42000000 0a000000 0a000000 e666786d
  0a13 0a0470696e67 120470696e67 1a05312e302e30
  1210 01010101010101010101010101010101
  19 0100000000000000
  220b 0a027473 1205302e312e30
  3203 0a0173
  0a08 0a026f6b 1202 1001`);

describe("walkFrame", () => {
  test("visits every field of the worked example, sub-messages included", () => {
    // Header: schema + its 3 fields, event_id, time_unix_nano, producer + 2,
    // resource + 1 = 11; Body: the KeyValue + key + value + bool_value = 4.
    expect(walkFrame(WORKED_EXAMPLE)).toBe(15);
  });

  test("a field that runs past its message is an error, not a wrong count", () => {
    const broken = WORKED_EXAMPLE.slice();
    broken[24 + 1] = 0x14; // schema claims 20 bytes, one more than it has
    expect(() => walkFrame(broken)).toThrow("walk: a field runs past its message");
  });
});
