/**
 * Version transforms (after OpenTelemetry schema files): declared between
 * consecutive versions, applied in order to upgrade an envelope, inverted in
 * reverse order to downgrade it.
 *
 * @see docs/spec.md "Schema registry", "Version transforms"
 */
import {
  type Attributes,
  type AttributeValue,
  type Envelope,
  EnvelopeError,
  type Extension,
  type SchemaRef,
} from "@envelope/core";
import { type EventName, type SchemaDescriptor, type SchemaKey, schemaId } from "./descriptor.js";
import { compareVersions } from "./semver.js";

/** What the transforms need from a registry. */
export interface TransformLookup {
  get(key: SchemaKey): SchemaDescriptor | undefined;
  /** Known versions of an event, ascending. */
  versions(event: EventName): readonly string[];
}

/** Where to transform an envelope to: a version, of the envelope's own event unless named. */
export interface TransformTarget {
  readonly version: string;
  readonly type?: string;
  readonly subtype?: string;
}

/**
 * The version a descriptor's transforms start from: `transforms.from` (under
 * the event named by a `rename_event` change, if any), or else the highest
 * lower version of the same event. `undefined` for the first version.
 */
export function predecessorOf(
  lookup: TransformLookup,
  descriptor: SchemaDescriptor,
): SchemaKey | undefined {
  const t = descriptor.transforms;
  if (t !== undefined) {
    const renamed = t.changes.find((c) => c.kind === "rename_event");
    const event = renamed?.kind === "rename_event" ? renamed.from : descriptor;
    return { type: event.type, subtype: event.subtype, version: t.from };
  }
  let best: string | undefined;
  for (const v of lookup.versions(descriptor)) {
    if (compareVersions(v, descriptor.version) < 0) best = v;
  }
  return best === undefined
    ? undefined
    : { type: descriptor.type, subtype: descriptor.subtype, version: best };
}

function same(a: SchemaKey, b: SchemaKey): boolean {
  return a.type === b.type && a.subtype === b.subtype && a.version === b.version;
}

/**
 * The descriptors whose transforms lead from `from` up to `to` (each step
 * goes from its predecessor to the descriptor), oldest first; `[]` when they
 * are the same version; `undefined` when `to`'s lineage does not reach `from`.
 */
export function transformChain(
  lookup: TransformLookup,
  from: SchemaKey,
  to: SchemaKey,
): SchemaDescriptor[] | undefined {
  const steps: SchemaDescriptor[] = [];
  const seen = new Set<string>();
  let cur: SchemaKey = to;
  while (!same(cur, from)) {
    const id = schemaId(cur);
    if (seen.has(id)) return undefined;
    seen.add(id);
    const d = lookup.get(cur);
    if (d === undefined) return undefined;
    const prev = predecessorOf(lookup, d);
    if (prev === undefined) return undefined;
    steps.push(d);
    cur = prev;
  }
  return steps.reverse();
}

/**
 * Upgrades or downgrades an envelope to `target` by applying the transforms
 * between them. Returns the envelope itself when it already has that version;
 * otherwise a copy (the input is not modified) whose `header.schema` names the
 * target (and has no `url`, which named the old descriptor). Throws
 * `EnvelopeError` `transform_unavailable` when no chain of transforms connects
 * the two versions, or when a downgrade would have to split a many-to-one
 * rename for a key the envelope holds.
 */
export function transformEnvelope(
  lookup: TransformLookup,
  envelope: Envelope,
  target: TransformTarget,
): Envelope {
  const ref = envelope.header.schema;
  const from: SchemaKey = { type: ref.type, subtype: ref.subtype, version: ref.version };
  const to: SchemaKey = {
    type: target.type ?? ref.type,
    subtype: target.subtype ?? ref.subtype,
    version: target.version,
  };
  if (same(from, to)) return envelope;
  const work = new Work(envelope);
  const up = transformChain(lookup, from, to);
  if (up !== undefined) {
    for (const step of up) work.upgrade(step);
  } else {
    const down = transformChain(lookup, to, from);
    if (down === undefined) {
      throw new EnvelopeError(
        "transform_unavailable",
        `no version transforms lead from ${schemaId(from)} to ${schemaId(to)} (both must be in the registry, in one lineage)`,
        { path: "header.schema" },
      );
    }
    for (let i = down.length - 1; i >= 0; i--) {
      const step = down[i]!;
      work.downgrade(step, predecessorOf(lookup, step)!);
    }
  }
  return work.result(envelope);
}

/** The envelope being transformed: its own attribute map and extension list. */
class Work {
  type: string;
  subtype: string;
  version: string;
  attributes: Attributes;
  extensions: Extension[];
  private readonly ownedExtensions = new Set<Extension>();

  constructor(envelope: Envelope) {
    const s = envelope.header.schema;
    this.type = s.type;
    this.subtype = s.subtype;
    this.version = s.version;
    this.attributes = new Map(envelope.body.attributes);
    this.extensions = [...(envelope.body.extensions ?? [])];
  }

  upgrade(step: SchemaDescriptor): void {
    for (const change of step.transforms?.changes ?? []) {
      if (change.kind === "rename_attributes") {
        this.rename(new Map(change.renames));
      } else if (change.kind === "move_to_extension") {
        for (const [bodyKey, extKey] of change.moves) {
          if (!this.attributes.has(bodyKey)) continue;
          const value = this.attributes.get(bodyKey)!;
          this.attributes.delete(bodyKey);
          const ext = this.extension(change.namespace, change.version);
          if (!ext.attributes.has(extKey)) ext.attributes.set(extKey, value);
        }
      }
    }
    this.type = step.type;
    this.subtype = step.subtype;
    this.version = step.version;
  }

  downgrade(step: SchemaDescriptor, to: SchemaKey): void {
    const changes = step.transforms?.changes ?? [];
    for (let i = changes.length - 1; i >= 0; i--) {
      const change = changes[i]!;
      if (change.kind === "rename_attributes") {
        const inverse = new Map<string, string>();
        for (const [oldKey, newKey] of change.renames) {
          if (inverse.has(newKey) && this.attributes.has(newKey)) {
            throw new EnvelopeError(
              "transform_unavailable",
              `cannot downgrade ${schemaId(step)} to ${to.version}: ${JSON.stringify(newKey)} was renamed from several keys (${change.renames
                .filter(([, n]) => n === newKey)
                .map(([o]) => JSON.stringify(o))
                .join(", ")}), which cannot be reversed`,
              { path: `body.attributes[${JSON.stringify(newKey)}]` },
            );
          }
          if (!inverse.has(newKey)) inverse.set(newKey, oldKey);
        }
        this.rename(inverse);
      } else if (change.kind === "move_to_extension") {
        const index = this.extensions.findIndex((e) => e.namespace === change.namespace);
        if (index < 0) continue;
        const ext = this.extension(change.namespace, change.version);
        for (const [bodyKey, extKey] of change.moves) {
          if (!ext.attributes.has(extKey)) continue;
          const value = ext.attributes.get(extKey)!;
          ext.attributes.delete(extKey);
          if (!this.attributes.has(bodyKey)) this.attributes.set(bodyKey, value);
        }
        if (ext.attributes.size === 0) this.extensions.splice(index, 1);
      }
    }
    this.type = to.type;
    this.subtype = to.subtype;
    this.version = to.version;
  }

  /** Renames keys in place, keeping order; on a clash, the first in envelope order is kept. */
  private rename(map: ReadonlyMap<string, string>): void {
    const out = new Map<string, AttributeValue>();
    for (const [key, value] of this.attributes) {
      const next = map.get(key) ?? key;
      if (!out.has(next)) out.set(next, value);
    }
    this.attributes = out;
  }

  /** The extension of `namespace`, copied for writing; created (at `version`) when absent. */
  private extension(namespace: string, version: string): Extension {
    const index = this.extensions.findIndex((e) => e.namespace === namespace);
    if (index < 0) {
      const created: Extension = { namespace, version, attributes: new Map() };
      this.ownedExtensions.add(created);
      this.extensions.push(created);
      return created;
    }
    const ext = this.extensions[index]!;
    if (this.ownedExtensions.has(ext)) return ext;
    const copy: Extension = { ...ext, attributes: new Map(ext.attributes) };
    this.ownedExtensions.add(copy);
    this.extensions[index] = copy;
    return copy;
  }

  result(envelope: Envelope): Envelope {
    const { url: _url, ...schema } = envelope.header.schema;
    const next: SchemaRef = {
      ...schema,
      type: this.type,
      subtype: this.subtype,
      version: this.version,
    };
    return {
      ...envelope,
      header: { ...envelope.header, schema: next },
      body: { ...envelope.body, attributes: this.attributes, extensions: this.extensions },
    };
  }
}
