/**
 * Arrow column data built directly from a column of JavaScript values, for
 * the export's types: apache-arrow's builders append value by value through
 * generic code, several times slower for the export's 36 columns. Types not
 * listed here go through the builders.
 */
import {
  Binary,
  Bool,
  type Data,
  type DataType,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  makeBuilder,
  makeData,
  type Struct,
  Uint64,
  Utf8,
} from "apache-arrow";

const encoder = new TextEncoder();

/** The validity bitmap (LSB first) of `values`, and how many are null. */
function validity(values: readonly unknown[]): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

function utf8(type: Utf8, values: readonly (string | null)[]): Data {
  let max = 0;
  for (const v of values) if (v !== null) max += v.length * 3;
  const bytes = new Uint8Array(max);
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) at += encoder.encodeInto(v, bytes.subarray(at)).written;
    offsets[i + 1] = at;
  }
  const { bitmap, nulls } = validity(values);
  return makeData({
    type,
    length: values.length,
    nullCount: nulls,
    ...(bitmap === undefined ? {} : { nullBitmap: bitmap }),
    valueOffsets: offsets,
    data: bytes.subarray(0, at),
  });
}

function binary(type: Binary, values: readonly (Uint8Array | null)[]): Data {
  let total = 0;
  for (const v of values) if (v !== null) total += v.length;
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      bytes.set(v, at);
      at += v.length;
    }
    offsets[i + 1] = at;
  }
  const { bitmap, nulls } = validity(values);
  return makeData({
    type,
    length: values.length,
    nullCount: nulls,
    ...(bitmap === undefined ? {} : { nullBitmap: bitmap }),
    valueOffsets: offsets,
    data: bytes,
  });
}

function fixed<T extends DataType>(
  type: T,
  values: readonly unknown[],
  array: BigInt64Array | BigUint64Array | Int32Array | Float64Array,
): Data {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) (array as unknown as unknown[])[i] = v;
  }
  const { bitmap, nulls } = validity(values);
  return makeData({
    type: type as never,
    length: values.length,
    nullCount: nulls,
    ...(bitmap === undefined ? {} : { nullBitmap: bitmap }),
    data: array as never,
  });
}

function bool(type: Bool, values: readonly (boolean | null)[]): Data {
  const bits = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i] === true) bits[i >> 3]! |= 1 << (i & 7);
  const { bitmap, nulls } = validity(values);
  return makeData({
    type,
    length: values.length,
    nullCount: nulls,
    ...(bitmap === undefined ? {} : { nullBitmap: bitmap }),
    data: bits,
  });
}

/** A list or a map: offsets into one child column of every item. */
function nested(
  type: List | Map_,
  values: readonly (readonly unknown[] | null)[],
  child: (items: unknown[]) => Data,
): Data {
  const offsets = new Int32Array(values.length + 1);
  const items: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) for (const x of v) items.push(x);
    offsets[i + 1] = items.length;
  }
  const { bitmap, nulls } = validity(values);
  return makeData({
    type: type as List,
    length: values.length,
    nullCount: nulls,
    ...(bitmap === undefined ? {} : { nullBitmap: bitmap }),
    valueOffsets: offsets,
    child: child(items),
  });
}

/** The column of `values` (`null` for null) as Arrow data of `type`. */
export function columnData(type: DataType, values: readonly unknown[]): Data {
  if (type instanceof Utf8) return utf8(type, values as (string | null)[]);
  if (type instanceof Binary) return binary(type, values as (Uint8Array | null)[]);
  if (type instanceof Int64) return fixed(type, values, new BigInt64Array(values.length));
  if (type instanceof Uint64) return fixed(type, values, new BigUint64Array(values.length));
  if (type instanceof Int32) return fixed(type, values, new Int32Array(values.length));
  if (type instanceof Float64) return fixed(type, values, new Float64Array(values.length));
  if (type instanceof Bool) return bool(type, values as (boolean | null)[]);
  if (type instanceof Map_) {
    const entries = type.children[0]!.type as Struct;
    const [keyField, valueField] = entries.children;
    return nested(
      type,
      values.map((v) => (v === null ? null : [...(v as Map<unknown, unknown>)])),
      (items) =>
        makeData({
          type: entries,
          length: items.length,
          nullCount: 0,
          children: [
            columnData(
              keyField!.type,
              items.map((e) => (e as [unknown, unknown])[0]),
            ),
            columnData(
              valueField!.type,
              items.map((e) => (e as [unknown, unknown])[1]),
            ),
          ],
        }),
    );
  }
  if (type instanceof List) {
    return nested(type, values as (unknown[] | null)[], (items) =>
      columnData(type.children[0]!.type, items),
    );
  }
  const builder = makeBuilder({ type, nullValues: [null] });
  for (const v of values) builder.append(v);
  return builder.finish().flush();
}
