/**
 * Dual emission during a migration: a producer writes each event at its own
 * version and also at a named older (or newer) version, transformed with the
 * registry's declared transforms, so consumers on either version keep
 * working until every consumer has moved.
 *
 * ```ts
 * const dual = createDualEmitter(registry, createEncoder(), {
 *   also: { "request/auth_request": "1.1.0" },
 * });
 * for (const { bytes } of dual.encode(envelope)) send(bytes); // 1.2.0, then 1.1.0
 * ```
 *
 * @see docs/spec.md "Aggregation", "Dual emission"
 */
import { type Envelope, EnvelopeError, isEnvelopeError } from "@envelope/core";
import { eventId } from "./descriptor.js";
import { isRegistryError } from "./errors.js";
import { type TransformLookup, transformEnvelope } from "./transform.js";

/** Options of {@link createDualEmitter}. */
export interface DualEmitOptions {
  /**
   * The other versions to emit, by `type/subtype`: one version or several.
   * Events not named are emitted once, at their own version.
   */
  readonly also: Readonly<Record<string, string | readonly string[]>>;
  /**
   * When an envelope cannot be transformed to an `also` version (no declared
   * transform leads there, or the transform would have to guess):
   * `"skip"` (default) emits the other versions and counts the failure;
   * `"throw"` throws the `transform_unavailable` error before emitting anything.
   */
  readonly onFailure?: "skip" | "throw";
}

/** One encoded envelope of {@link DualEmitter.encode}. */
export interface Emitted {
  /** The schema version this copy was written at. */
  readonly version: string;
  /** `true` for the envelope as given; `false` for a transformed copy. */
  readonly primary: boolean;
  /** The encoder's output (framed bytes with the SDK's default encoder). */
  readonly bytes: Uint8Array;
}

/** What a dual emitter has done, counted as it runs. */
export interface DualEmitStats {
  /** Envelopes given to `encode`. */
  envelopes: number;
  /** Transformed copies emitted, by `type/subtype@version`. */
  readonly copies: Record<string, number>;
  /** Copies that could not be made, by `type/subtype@version`. */
  readonly failed: Record<string, number>;
}

/** Encodes envelopes at their version and at the `also` versions; see {@link createDualEmitter}. */
export interface DualEmitter {
  /**
   * The envelope at its own version (first), then one copy per `also`
   * version of its event (in the order given; a version equal to the
   * envelope's own is not repeated). Copies keep the event id, time and
   * every header field: they are the same event, so a consumer that reads
   * both streams can drop duplicates by event id.
   */
  encode(envelope: Envelope): Emitted[];
  readonly stats: DualEmitStats;
}

/**
 * Builds a dual emitter on a registry (or any {@link TransformLookup}) and an
 * encoder (`createEncoder()` from `@envelope/sdk`, or anything with
 * `encode(envelope): Uint8Array`; give it a registry `check` to validate
 * every copy). Throws `invalid_argument` for an `also` entry that is not
 * `type/subtype` with a version the registry holds.
 */
export function createDualEmitter(
  lookup: TransformLookup,
  encoder: { encode(envelope: Envelope): Uint8Array },
  options: DualEmitOptions,
): DualEmitter {
  const also = new Map<string, readonly string[]>();
  for (const [event, versions] of Object.entries(options.also)) {
    const [type, subtype, ...rest] = event.split("/");
    const list = typeof versions === "string" ? [versions] : [...versions];
    for (const version of list) {
      if (
        type === undefined ||
        subtype === undefined ||
        rest.length > 0 ||
        lookup.get({ type, subtype, version }) === undefined
      ) {
        throw new EnvelopeError(
          "invalid_argument",
          `dual emission: the registry has no ${event}@${version}`,
        );
      }
    }
    also.set(event, list);
  }
  const onFailure = options.onFailure ?? "skip";
  const stats: DualEmitStats = { envelopes: 0, copies: {}, failed: {} };

  return {
    stats,
    encode(envelope: Envelope): Emitted[] {
      stats.envelopes++;
      const schema = envelope.header.schema;
      const event = eventId(schema);
      const versions = also.get(event) ?? [];
      const copies: Envelope[] = [];
      const names: string[] = [];
      for (const version of versions) {
        if (version === schema.version) continue;
        const name = `${event}@${version}`;
        try {
          copies.push(transformEnvelope(lookup, envelope, { version }));
          names.push(name);
        } catch (error) {
          if (!isEnvelopeError(error) && !isRegistryError(error)) throw error;
          if (onFailure === "throw") throw error;
          stats.failed[name] = (stats.failed[name] ?? 0) + 1;
        }
      }
      const out: Emitted[] = [
        { version: schema.version, primary: true, bytes: encoder.encode(envelope) },
      ];
      copies.forEach((copy, i) => {
        out.push({
          version: copy.header.schema.version,
          primary: false,
          bytes: encoder.encode(copy),
        });
        stats.copies[names[i]!] = (stats.copies[names[i]!] ?? 0) + 1;
      });
      return out;
    },
  };
}
