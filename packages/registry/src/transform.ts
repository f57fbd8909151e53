/**
 * Version transforms (after OpenTelemetry schema files): declared between
 * consecutive versions, applied in order to upgrade an envelope, inverted in
 * reverse order to downgrade it.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#version-transforms | docs/spec.md} "Schema registry", "Version transforms"
 */
import type { Attributes, AttributeValue, Envelope, Extension, SchemaRef } from "@envelope/core";
import {
  type EventName,
  type SchemaDescriptor,
  type SchemaKey,
  schemaId,
  type TransformChange,
} from "./descriptor.js";
import { RegistryError } from "./errors.js";
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
  // Versions come sorted: the highest lower one is found by bisection, so
  // walking a long lineage stays linear.
  const list = lookup.versions(descriptor);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareVersions(list[mid]!, descriptor.version) < 0) lo = mid + 1;
    else hi = mid;
  }
  const best = lo > 0 ? list[lo - 1] : undefined;
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
 * target (and has no `url`, which named the old descriptor). Never guesses:
 * throws `RegistryError` `transform_unavailable` when either version is
 * missing from `lookup` or no chain of transforms connects them, when a value
 * would land on a key that already holds one, and when a downgrade meets a
 * key that several older keys were sent to (it cannot tell which one it was).
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
  const unavailable = (): RegistryError =>
    new RegistryError(
      "transform_unavailable",
      `no version transforms lead from ${schemaId(from)} to ${schemaId(to)} (both must be in the registry, in one lineage)`,
      { path: "header.schema" },
    );
  if (lookup.get(from) === undefined || lookup.get(to) === undefined) throw unavailable();
  const work = new Work(envelope);
  const up = transformChain(lookup, from, to);
  if (up !== undefined) {
    for (const step of up) work.upgrade(step);
  } else {
    const down = transformChain(lookup, to, from);
    if (down === undefined) throw unavailable();
    for (let i = down.length - 1; i >= 0; i--) {
      const step = down[i]!;
      work.downgrade(step, lookup.get(predecessorOf(lookup, step)!)!);
    }
  }
  return work.result(envelope);
}

function collision(step: SchemaKey, direction: string, where: string, key: string): RegistryError {
  return new RegistryError(
    "transform_unavailable",
    `cannot ${direction} across ${schemaId(step)}: a value lands on ${JSON.stringify(key)}, which already holds one`,
    { path: `${where}[${JSON.stringify(key)}]` },
  );
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
        this.rename(new Map(change.renames), step, "upgrade");
      } else if (change.kind === "move_to_extension") {
        for (const [bodyKey, extKey] of change.moves) {
          if (!this.attributes.has(bodyKey)) continue;
          const value = this.attributes.get(bodyKey)!;
          this.attributes.delete(bodyKey);
          const ext = this.extension(change.namespace, change.version);
          if (ext.attributes.has(extKey)) {
            throw collision(
              step,
              "upgrade",
              `body.extensions.${change.namespace}.attributes`,
              extKey,
            );
          }
          ext.attributes.set(extKey, value);
        }
      }
    }
    this.type = step.type;
    this.subtype = step.subtype;
    this.version = step.version;
  }

  /**
   * Undoes `step`, going back to `prev`. A key that several keys of `prev`
   * could have come from (two renamed onto it, or one renamed onto a key that
   * `prev` declares and keeps, or one moved into an extension field that
   * `prev` declares or may carry undeclared) cannot be undone.
   */
  downgrade(step: SchemaDescriptor, prev: SchemaDescriptor): void {
    const changes = step.transforms?.changes ?? [];
    const ambiguous = ambiguousTargets(changes, prev);
    for (let i = changes.length - 1; i >= 0; i--) {
      const change = changes[i]!;
      const unsure = ambiguous[i]!;
      if (change.kind === "rename_attributes") {
        for (const key of unsure) {
          if (this.attributes.has(key)) throw ambiguity(step, prev, "body.attributes", key);
        }
        // A key renamed away still in the envelope is foreign to `step`: going back it
        // would take the old key's meaning (a key reused after a rename).
        const targets = new Set(change.renames.map(([, n]) => n));
        for (const [oldKey] of change.renames) {
          if (this.attributes.has(oldKey) && !targets.has(oldKey)) {
            throw collision(step, "downgrade", "body.attributes", oldKey);
          }
        }
        this.rename(new Map(change.renames.map(([o, n]) => [n, o])), step, "downgrade");
      } else if (change.kind === "move_to_extension") {
        for (const [bodyKey] of change.moves) {
          if (this.attributes.has(bodyKey)) {
            throw collision(step, "downgrade", "body.attributes", bodyKey);
          }
        }
        const index = this.extensions.findIndex((e) => e.namespace === change.namespace);
        if (index < 0) continue;
        const ext = this.extension(change.namespace, change.version);
        const where = `body.extensions.${change.namespace}.attributes`;
        for (const [bodyKey, extKey] of change.moves) {
          if (!ext.attributes.has(extKey)) continue;
          if (unsure.has(extKey)) throw ambiguity(step, prev, where, extKey);
          this.attributes.set(bodyKey, ext.attributes.get(extKey)!);
          ext.attributes.delete(extKey);
        }
        if (ext.attributes.size === 0) this.extensions.splice(index, 1);
      }
    }
    this.type = prev.type;
    this.subtype = prev.subtype;
    this.version = prev.version;
  }

  /** Renames keys at once, in place, keeping order; two values on one key cannot be kept. */
  private rename(map: ReadonlyMap<string, string>, step: SchemaKey, direction: string): void {
    const out = new Map<string, AttributeValue>();
    for (const [key, value] of this.attributes) {
      const next = map.get(key) ?? key;
      if (out.has(next)) throw collision(step, direction, "body.attributes", next);
      out.set(next, value);
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

function ambiguity(step: SchemaKey, prev: SchemaKey, where: string, key: string): RegistryError {
  return new RegistryError(
    "transform_unavailable",
    `cannot downgrade ${schemaId(step)} to ${prev.version}: ${JSON.stringify(key)} holds what several keys of ${prev.version} were sent to, and which one cannot be told`,
    { path: `${where}[${JSON.stringify(key)}]` },
  );
}

/**
 * For each change of a step, the keys it sends several values to: the body
 * keys (for a rename) or extension keys (for a move) that cannot be undone.
 * Keys present before each change are simulated from `prev`'s declarations.
 */
function ambiguousTargets(
  changes: readonly TransformChange[],
  prev: SchemaDescriptor,
): ReadonlySet<string>[] {
  let body = new Set(prev.attributes.map((f) => f.key));
  const extFields = new Map<string, Set<string> | undefined>();
  for (const e of prev.extensions) {
    extFields.set(
      e.namespace,
      e.attributes === undefined ? undefined : new Set(e.attributes.map((f) => f.key)),
    );
  }
  return changes.map((change) => {
    const unsure = new Set<string>();
    if (change.kind === "rename_attributes") {
      const sources = new Map<string, number>();
      for (const [, to] of change.renames) sources.set(to, (sources.get(to) ?? 0) + 1);
      const renamed = new Set(change.renames.map(([from]) => from));
      for (const [to, count] of sources) {
        if (count > 1 || (body.has(to) && !renamed.has(to))) unsure.add(to);
      }
      const map = new Map(change.renames);
      body = new Set([...body].map((k) => map.get(k) ?? k));
    } else if (change.kind === "move_to_extension") {
      const known = extFields.has(change.namespace)
        ? extFields.get(change.namespace)
        : new Set<string>();
      const counts = new Map<string, number>();
      for (const [, to] of change.moves) counts.set(to, (counts.get(to) ?? 0) + 1);
      for (const [to, count] of counts) {
        if (count > 1 || known === undefined || known.has(to)) unsure.add(to);
      }
      for (const [from, to] of change.moves) {
        body.delete(from);
        known?.add(to);
      }
      if (!extFields.has(change.namespace)) extFields.set(change.namespace, known);
    }
    return unsure;
  });
}
