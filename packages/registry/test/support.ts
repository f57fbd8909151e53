/**
 * Descriptors and envelopes of a made-up event, `t/<subtype>@1.0.0`, for
 * tests that declare the fields they need.
 */
import { createEnvelope, type Envelope, type EnvelopeInit } from "@envelope/core";
import { readDescriptor, type SchemaDescriptor } from "@envelope/registry";

/** The descriptor `t/<subtype>@1.0.0` with these attributes and extensions (checked as a file is). */
export function testDescriptor(
  attributes: readonly unknown[],
  extensions: readonly unknown[] = [],
  subtype = "s",
): SchemaDescriptor {
  return readDescriptor(
    JSON.stringify({ type: "t", subtype, version: "1.0.0", attributes, extensions }),
    `t/${subtype}/1.0.0.json`,
  );
}

/** An envelope declaring `t/<subtype>@<version>` (default `t/s@1.0.0`). */
export function testEnvelope(
  attributes: NonNullable<EnvelopeInit["attributes"]>,
  extensions: EnvelopeInit["extensions"] = [],
  { subtype = "s", version = "1.0.0" }: { subtype?: string; version?: string } = {},
): Envelope {
  return createEnvelope({
    schema: { type: "t", subtype, version },
    resource: { serviceName: "x" },
    attributes,
    extensions,
  });
}
