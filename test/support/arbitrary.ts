/**
 * fast-check arbitraries for valid envelopes, shared by the codec tests
 * (round trips, differential tests against @bufbuild/protobuf) and the fuzz suite.
 */
import type { Attributes, AttributeValue, Envelope, Extension } from "@envelope/core";
import fc from "fast-check";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const nonZeroBytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).filter((b) => b.some((x) => x !== 0));

/**
 * Any string that is valid Unicode (no lone surrogates): mostly short, some
 * past the writers' short-string limits (written natively, not char by char).
 */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 16, maxLength: 48 }) },
);
const key = fc.oneof(fc.string({ maxLength: 8 }), text);

const double = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    5e-324,
  ),
);
const int64 = fc.oneof(
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(0n, -1n, INT64_MIN, INT64_MAX, 2n ** 53n + 1n, -(2n ** 53n) - 1n),
);

const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
  text,
  fc.boolean(),
  int64,
  double,
  fc.uint8Array({ maxLength: 16 }),
);

function mapOf(value: fc.Arbitrary<AttributeValue>, maxLength: number): fc.Arbitrary<Attributes> {
  return fc
    .uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength })
    .map((entries) => new Map(entries));
}

/** Attribute values nested up to three levels. */
export const attributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>(
  (tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalar,
      fc.array(tie("value"), { maxLength: 4 }),
      mapOf(tie("value"), 4),
    ),
  }),
).value;

export const attributes: fc.Arbitrary<Attributes> = mapOf(attributeValue, 8);

const semver = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(200)).map(([a, b, c]) => `${a}.${b}.${c}`);
const nonEmpty = fc.string({ minLength: 1, maxLength: 10 });

// docs/spec.md "Validation": ^[a-z0-9][a-z0-9_.-]*$
const namespace = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,9}$/);

const extension: fc.Arbitrary<Extension> = fc.record({
  namespace,
  version: semver,
  attributes,
});

/** A valid envelope with every optional field sometimes absent, sometimes present. */
export const envelope: fc.Arbitrary<Envelope> = fc
  .record(
    {
      schema: fc.record(
        { type: nonEmpty, subtype: nonEmpty, version: semver, url: fc.webUrl() },
        { requiredKeys: ["type", "subtype", "version"] },
      ),
      eventId: nonZeroBytes(16),
      timeUnixNano: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
      producer: fc.record({ language: nonEmpty, version: nonEmpty }),
      trace: fc.record(
        {
          traceId: nonZeroBytes(16),
          spanId: nonZeroBytes(8),
          parentSpanId: nonZeroBytes(8),
          traceFlags: fc.integer({ min: 0, max: 255 }),
          traceState: fc.stringMatching(
            /^[a-z]{1,5}=[a-z0-9]{1,5}(,[a-z]{1,5}=[a-z0-9]{1,5}){0,2}$/,
          ),
        },
        { requiredKeys: ["traceId", "spanId", "traceFlags"] },
      ),
      resource: fc.record(
        {
          serviceName: nonEmpty,
          serviceVersion: fc.string({ maxLength: 6 }),
          environment: fc.string({ maxLength: 6 }),
          region: fc.string({ maxLength: 6 }),
          host: fc.string({ maxLength: 6 }),
          attributes,
        },
        { requiredKeys: ["serviceName", "attributes"] },
      ),
      status: fc.record({
        code: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
        message: fc.string({ maxLength: 8 }),
      }),
      attributes,
      extensions: fc.uniqueArray(extension, { selector: (e) => e.namespace, maxLength: 3 }),
    },
    {
      requiredKeys: [
        "schema",
        "eventId",
        "timeUnixNano",
        "producer",
        "resource",
        "attributes",
        "extensions",
      ],
    },
  )
  .map(({ attributes: bodyAttributes, extensions, ...header }) => ({
    header,
    body: { attributes: bodyAttributes, extensions },
  }));
