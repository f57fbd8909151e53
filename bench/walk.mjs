// The walk floor: a schema-aware loop that visits every tag, varint and
// length of a framed protobuf envelope and descends into every sub-message,
// creating no values (no strings, bytes, bigints, objects or maps). No
// decoder that returns the envelope can be faster in JavaScript; the
// `walk/protobuf/decode/*` cases report how far the SDK's decoder is from it
// ("x the floor" = walk rate / decode rate).

// Message kinds, and for each, which field numbers hold a sub-message of which kind.
const HEADER = 0;
const SCHEMA = 1;
const PRODUCER = 2;
const TRACE = 3;
const RESOURCE = 4;
const STATUS = 5;
const BODY = 6;
const EXTENSION = 7;
const KEY_VALUE = 8;
const ANY_VALUE = 9;
const LIST = 10; // ArrayValue.values: AnyValue
const KV_LIST = 11; // KeyValueList.values: KeyValue
const NONE = -1;
const SUB = new Int8Array(12 * 8).fill(NONE);
const sub = (kind, field, child) => {
  SUB[kind * 8 + field] = child;
};
sub(HEADER, 1, SCHEMA);
sub(HEADER, 4, PRODUCER);
sub(HEADER, 5, TRACE);
sub(HEADER, 6, RESOURCE);
sub(HEADER, 7, STATUS);
sub(RESOURCE, 6, KEY_VALUE);
sub(BODY, 1, KEY_VALUE);
sub(BODY, 2, EXTENSION);
sub(EXTENSION, 3, KEY_VALUE);
sub(KEY_VALUE, 2, ANY_VALUE);
sub(ANY_VALUE, 5, LIST);
sub(ANY_VALUE, 6, KV_LIST);
sub(LIST, 1, ANY_VALUE);
sub(KV_LIST, 1, KEY_VALUE);

/** Walks one message `buf[pos, end)` of `kind`; returns the number of fields visited. */
function walkMessage(buf, pos, end, kind) {
  let fields = 0;
  while (pos < end) {
    // tag
    let tag = buf[pos++];
    if (tag >= 0x80) {
      tag &= 0x7f;
      let shift = 7;
      let b;
      do {
        b = buf[pos++];
        tag |= (b & 0x7f) << shift;
        shift += 7;
      } while (b >= 0x80);
    }
    fields++;
    switch (tag & 7) {
      case 0:
        while (buf[pos++] >= 0x80);
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        let len = buf[pos++];
        if (len >= 0x80) {
          len &= 0x7f;
          let shift = 7;
          let b;
          do {
            b = buf[pos++];
            len |= (b & 0x7f) << shift;
            shift += 7;
          } while (b >= 0x80);
        }
        const field = tag >>> 3;
        const child = field < 8 ? SUB[kind * 8 + field] : NONE;
        if (child !== NONE) fields += walkMessage(buf, pos, pos + len, child);
        pos += len;
        break;
      }
      default:
        throw new Error(`walk: wire type ${tag & 7}`);
    }
  }
  if (pos !== end) throw new Error("walk: a field runs past its message");
  return fields;
}

/**
 * Walks the header and body sections of a framed protobuf envelope (the
 * prefix's lengths are read, not checked); returns the fields visited.
 */
export function walkFrame(frame) {
  const headerLength = frame[8] | (frame[9] << 8) | (frame[10] << 16) | ((frame[11] << 24) >>> 0);
  const bodyLength = frame[12] | (frame[13] << 8) | (frame[14] << 16) | ((frame[15] << 24) >>> 0);
  const bodyStart = 24 + headerLength;
  return (
    walkMessage(frame, 24, bodyStart, HEADER) +
    walkMessage(frame, bodyStart, bodyStart + bodyLength, BODY)
  );
}
