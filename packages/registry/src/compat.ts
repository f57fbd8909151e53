/**
 * Compatibility between versions of a schema: every change classified (the
 * semver bump it needs, whether it keeps BACKWARD and FORWARD compatibility),
 * the smallest allowed bump, and the mode checks.
 *
 * @see docs/spec.md "Schema registry", "Compatibility"
 */
import type { AttributeValue } from "@envelope/core";
import {
  type CompatibilityMode,
  type ExtensionDescriptor,
  type FieldDescriptor,
  formatType,
  type SchemaDescriptor,
  type SchemaKey,
  schemaId,
  type TransformsDescriptor,
} from "./descriptor.js";
import { type Bump, bumpRank, declaredBump, maxBump, parseRange, parseVersion } from "./semver.js";
import { predecessorOf, type TransformLookup, transformChain } from "./transform.js";

/** The kinds of change, each with a fixed bump and compatibility (see {@link CHANGE_RULES}). */
export type ChangeKind =
  | "attribute_added_optional"
  | "attribute_added_required"
  | "attribute_removed"
  | "attribute_renamed"
  | "attribute_renamed_many_to_one"
  | "attribute_moved_to_extension"
  | "event_renamed"
  | "event_renamed_without_transform"
  | "type_changed"
  | "presence_made_required"
  | "presence_made_optional"
  | "presence_repeated_changed"
  | "default_changed"
  | "unit_changed"
  | "unit_added_or_removed"
  | "pii_changed"
  | "deprecation_changed"
  | "description_changed"
  | "compatibility_mode_changed"
  | "extension_added"
  | "extension_removed"
  | "extension_range_widened"
  | "extension_range_narrowed"
  | "extension_range_changed"
  | "extension_range_rewritten"
  | "extension_fields_declared"
  | "extension_fields_undeclared";

/** The bump a change needs, and whether it keeps each direction of compatibility. */
export interface ChangeRule {
  readonly bump: Bump;
  /** New readers still read data written with the old schema. */
  readonly backward: boolean;
  /** Old readers still read data written with the new schema. */
  readonly forward: boolean;
}

/**
 * The classification table. "Readers" validate with the registry and apply
 * transforms; they ignore attributes they do not know (as contract readers
 * keep unknown fields), so adding an optional attribute keeps both directions.
 */
export const CHANGE_RULES: Readonly<Record<ChangeKind, ChangeRule>> = {
  attribute_added_optional: { bump: "minor", backward: true, forward: true },
  attribute_added_required: { bump: "major", backward: false, forward: true },
  attribute_removed: { bump: "major", backward: true, forward: false },
  attribute_renamed: { bump: "minor", backward: true, forward: true },
  attribute_renamed_many_to_one: { bump: "major", backward: true, forward: false },
  attribute_moved_to_extension: { bump: "minor", backward: true, forward: true },
  event_renamed: { bump: "minor", backward: true, forward: true },
  event_renamed_without_transform: { bump: "major", backward: false, forward: false },
  type_changed: { bump: "major", backward: false, forward: false },
  presence_made_required: { bump: "major", backward: false, forward: true },
  presence_made_optional: { bump: "minor", backward: true, forward: false },
  presence_repeated_changed: { bump: "major", backward: false, forward: false },
  default_changed: { bump: "minor", backward: true, forward: true },
  unit_changed: { bump: "major", backward: false, forward: false },
  unit_added_or_removed: { bump: "minor", backward: true, forward: true },
  pii_changed: { bump: "minor", backward: true, forward: true },
  deprecation_changed: { bump: "minor", backward: true, forward: true },
  description_changed: { bump: "patch", backward: true, forward: true },
  compatibility_mode_changed: { bump: "patch", backward: true, forward: true },
  extension_added: { bump: "minor", backward: true, forward: false },
  extension_removed: { bump: "major", backward: false, forward: true },
  extension_range_widened: { bump: "minor", backward: true, forward: false },
  extension_range_narrowed: { bump: "major", backward: false, forward: true },
  extension_range_changed: { bump: "major", backward: false, forward: false },
  extension_range_rewritten: { bump: "patch", backward: true, forward: true },
  extension_fields_declared: { bump: "major", backward: false, forward: true },
  extension_fields_undeclared: { bump: "minor", backward: true, forward: false },
};

/** One classified change. */
export interface SchemaChange extends ChangeRule {
  readonly kind: ChangeKind;
  /** Where: `attributes.duration_ms`, `extensions.http`, `extensions.card.attributes.brand`, `description`. */
  readonly path: string;
  readonly message: string;
}

/** The changes from one version to another. */
export interface SchemaDiff {
  readonly from: SchemaKey;
  readonly to: SchemaKey;
  readonly changes: readonly SchemaChange[];
  /** The smallest bump that covers every change (`none` when nothing changed). */
  readonly requiredBump: Bump;
  /** The bump the version numbers declare. */
  readonly declaredBump: Bump;
  /** The declared bump covers the required one (and the version went up). */
  readonly ok: boolean;
  /** Every change keeps backward compatibility. */
  readonly backward: boolean;
  /** Every change keeps forward compatibility. */
  readonly forward: boolean;
}

/** Options of {@link diffSchemas}. */
export interface DiffOptions {
  /**
   * The transforms from `older` to `newer`, oldest first. Default: `newer`'s
   * own transforms when they start from `older`'s version, else none.
   */
  readonly transforms?: readonly TransformsDescriptor[];
}

/** Where a field lives: in the body (`namespace` undefined) or in an extension. */
interface Place {
  readonly namespace: string | undefined;
  readonly key: string;
}

function placeId(p: Place): string {
  return p.namespace === undefined ? `b:${p.key}` : `e:${p.namespace}:${p.key}`;
}

function placePath(p: Place): string {
  return p.namespace === undefined
    ? `attributes.${p.key}`
    : `extensions.${p.namespace}.attributes.${p.key}`;
}

/**
 * Classifies every change from `older` to `newer`, taking declared transforms
 * into account (a renamed or moved attribute is a rename or a move, not a
 * removal plus an addition).
 */
export function diffSchemas(
  older: SchemaDescriptor,
  newer: SchemaDescriptor,
  options: DiffOptions = {},
): SchemaDiff {
  const changes: SchemaChange[] = [];
  const add = (kind: ChangeKind, path: string, message: string): void => {
    changes.push({ kind, path, message, ...CHANGE_RULES[kind] });
  };
  const transforms =
    options.transforms ??
    (newer.transforms !== undefined && newer.transforms.from === older.version
      ? [newer.transforms]
      : []);

  // Where each body attribute of `older` ends up after the transforms.
  const moved = new Map<string, Place>();
  for (const f of older.attributes) moved.set(f.key, { namespace: undefined, key: f.key });
  let eventRenamed = false;
  for (const t of transforms) {
    for (const change of t.changes) {
      if (change.kind === "rename_event") {
        eventRenamed = true;
        continue;
      }
      const pairs = change.kind === "rename_attributes" ? change.renames : change.moves;
      const namespace = change.kind === "rename_attributes" ? undefined : change.namespace;
      for (const [from, to] of pairs) {
        for (const [origin, place] of moved) {
          if (place.namespace === undefined && place.key === from) {
            moved.set(origin, { namespace, key: to });
          }
        }
      }
    }
  }

  if (older.type !== newer.type || older.subtype !== newer.subtype) {
    if (eventRenamed) {
      add(
        "event_renamed",
        "event",
        `event renamed from ${older.type}/${older.subtype} to ${newer.type}/${newer.subtype}`,
      );
    } else {
      add(
        "event_renamed_without_transform",
        "event",
        `${older.type}/${older.subtype} and ${newer.type}/${newer.subtype} are different events and no rename_event transform connects them`,
      );
    }
  }
  if ((older.description ?? "") !== (newer.description ?? "")) {
    add("description_changed", "description", "schema description changed");
  }
  if (older.compatibility !== newer.compatibility) {
    add(
      "compatibility_mode_changed",
      "compatibility",
      `compatibility mode ${older.compatibility ?? "(default)"} -> ${newer.compatibility ?? "(default)"}`,
    );
  }

  const newerFields = new Map<string, FieldDescriptor>();
  for (const f of newer.attributes)
    newerFields.set(placeId({ namespace: undefined, key: f.key }), f);
  const newerExt = new Map(newer.extensions.map((e) => [e.namespace, e]));
  for (const e of newer.extensions) {
    for (const f of e.attributes ?? [])
      newerFields.set(placeId({ namespace: e.namespace, key: f.key }), f);
  }
  const matched = new Set<string>();
  const targets = new Map<string, string[]>();
  for (const [origin, place] of moved) {
    const id = placeId(place);
    targets.set(id, [...(targets.get(id) ?? []), origin]);
  }
  const removed: FieldDescriptor[] = [];
  for (const f of older.attributes) {
    const place = moved.get(f.key)!;
    const id = placeId(place);
    const origins = targets.get(id)!;
    if (place.namespace !== undefined) {
      const ext = newerExt.get(place.namespace);
      add(
        "attribute_moved_to_extension",
        `attributes.${f.key}`,
        `${JSON.stringify(f.key)} moved to extension ${place.namespace} as ${JSON.stringify(place.key)}`,
      );
      if (ext?.attributes === undefined) {
        matched.add(id);
        continue; // the extension does not declare its fields: nothing more to compare
      }
    } else if (place.key !== f.key && origins.length > 1) {
      if (origins[0] === f.key) {
        add(
          "attribute_renamed_many_to_one",
          `attributes.${place.key}`,
          `${origins.map((o) => JSON.stringify(o)).join(", ")} renamed to one key ${JSON.stringify(place.key)}: a downgrade cannot tell them apart`,
        );
      }
    } else if (place.key !== f.key) {
      add(
        "attribute_renamed",
        `attributes.${f.key}`,
        `${JSON.stringify(f.key)} renamed to ${JSON.stringify(place.key)} by a transform`,
      );
    }
    const g = newerFields.get(id);
    if (g === undefined) {
      if (place.key === f.key && place.namespace === undefined) removed.push(f);
      else {
        add(
          "attribute_removed",
          placePath(place),
          `a transform sends ${JSON.stringify(f.key)} to ${placePath(place)}, which the new schema does not declare`,
        );
      }
      continue;
    }
    matched.add(id);
    compareFields(f, g, placePath(place), add);
  }
  const addedFields: { field: FieldDescriptor; place: Place }[] = [];
  for (const f of newer.attributes) {
    const place: Place = { namespace: undefined, key: f.key };
    if (!matched.has(placeId(place))) addedFields.push({ field: f, place });
  }
  for (const f of removed) {
    const twin = addedFields.find(
      (a) => a.place.namespace === undefined && formatType(a.field.type) === formatType(f.type),
    );
    add(
      "attribute_removed",
      `attributes.${f.key}`,
      `${JSON.stringify(f.key)} (${f.typeText}) removed${twin === undefined ? "" : `; if it was renamed to ${JSON.stringify(twin.field.key)}, declare a rename_attributes transform`}`,
    );
  }
  for (const { field, place } of addedFields) addedField(field, placePath(place), add);

  for (const e of older.extensions) {
    const n = newerExt.get(e.namespace);
    if (n === undefined) {
      add(
        "extension_removed",
        `extensions.${e.namespace}`,
        `extension ${e.namespace} no longer allowed`,
      );
      continue;
    }
    compareExtensions(e, n, add, matched);
  }
  const olderExt = new Set(older.extensions.map((e) => e.namespace));
  for (const e of newer.extensions) {
    if (!olderExt.has(e.namespace)) {
      add(
        "extension_added",
        `extensions.${e.namespace}`,
        `extension ${e.namespace} ${e.version} allowed`,
      );
    }
  }

  let requiredBump: Bump = "none";
  for (const c of changes) requiredBump = maxBump(requiredBump, c.bump);
  const declared = declaredBump(older.version, newer.version);
  const newerIsHigher = declared !== "none";
  return {
    from: { type: older.type, subtype: older.subtype, version: older.version },
    to: { type: newer.type, subtype: newer.subtype, version: newer.version },
    changes,
    requiredBump,
    declaredBump: declared,
    ok: newerIsHigher && bumpRank(declared) >= bumpRank(requiredBump),
    backward: changes.every((c) => c.backward),
    forward: changes.every((c) => c.forward),
  };
}

type Add = (kind: ChangeKind, path: string, message: string) => void;

function addedField(f: FieldDescriptor, path: string, add: Add): void {
  if (f.presence === "required") {
    add(
      "attribute_added_required",
      path,
      `required ${JSON.stringify(f.key)} (${f.typeText}) added`,
    );
  } else {
    add(
      "attribute_added_optional",
      path,
      `${f.presence} ${JSON.stringify(f.key)} (${f.typeText}) added`,
    );
  }
}

function compareFields(f: FieldDescriptor, g: FieldDescriptor, path: string, add: Add): void {
  if (formatType(f.type) !== formatType(g.type)) {
    add("type_changed", path, `type ${f.typeText} -> ${g.typeText}`);
  }
  if (f.presence !== g.presence) {
    if (f.presence === "repeated" || g.presence === "repeated") {
      add("presence_repeated_changed", path, `presence ${f.presence} -> ${g.presence}`);
    } else if (g.presence === "required") {
      add("presence_made_required", path, "optional -> required");
    } else {
      add("presence_made_optional", path, "required -> optional");
    }
  }
  if (!valuesEqual(f.default, g.default)) add("default_changed", path, "default changed");
  if (f.unit !== g.unit) {
    if (f.unit !== undefined && g.unit !== undefined) {
      add("unit_changed", path, `unit ${f.unit} -> ${g.unit}`);
    } else {
      add("unit_added_or_removed", path, `unit ${f.unit ?? "(none)"} -> ${g.unit ?? "(none)"}`);
    }
  }
  if (f.pii !== g.pii) add("pii_changed", path, `pii ${f.pii} -> ${g.pii}`);
  if (JSON.stringify(f.deprecated ?? null) !== JSON.stringify(g.deprecated ?? null)) {
    add(
      "deprecation_changed",
      path,
      g.deprecated === undefined ? "no longer deprecated" : "deprecation changed",
    );
  }
  if ((f.description ?? "") !== (g.description ?? "")) {
    add("description_changed", path, "description changed");
  }
}

function compareExtensions(
  e: ExtensionDescriptor,
  n: ExtensionDescriptor,
  add: Add,
  matchedMoves: ReadonlySet<string>,
): void {
  const path = `extensions.${e.namespace}`;
  if (e.version !== n.version) {
    const a = parseRange(e.version);
    const b = parseRange(n.version);
    if (a !== undefined && b !== undefined) {
      const aInB = a.within(b);
      const bInA = b.within(a);
      if (aInB && bInA)
        add(
          "extension_range_rewritten",
          path,
          `range ${e.version} -> ${n.version} (same versions)`,
        );
      else if (aInB) add("extension_range_widened", path, `range ${e.version} -> ${n.version}`);
      else if (bInA) add("extension_range_narrowed", path, `range ${e.version} -> ${n.version}`);
      else add("extension_range_changed", path, `range ${e.version} -> ${n.version}`);
    }
  }
  if ((e.description ?? "") !== (n.description ?? "")) {
    add("description_changed", path, "extension description changed");
  }
  if (e.attributes === undefined && n.attributes !== undefined) {
    add(
      "extension_fields_declared",
      path,
      `the fields of ${e.namespace} are now declared and checked`,
    );
    return;
  }
  if (e.attributes !== undefined && n.attributes === undefined) {
    add("extension_fields_undeclared", path, `the fields of ${e.namespace} are no longer declared`);
    return;
  }
  if (e.attributes === undefined || n.attributes === undefined) return;
  const newer = new Map(n.attributes.map((f) => [f.key, f]));
  for (const f of e.attributes) {
    const at = `${path}.attributes.${f.key}`;
    const g = newer.get(f.key);
    if (g === undefined)
      add("attribute_removed", at, `${JSON.stringify(f.key)} (${f.typeText}) removed`);
    else compareFields(f, g, at, add);
  }
  const olderKeys = new Set(e.attributes.map((f) => f.key));
  for (const g of n.attributes) {
    const moved = matchedMoves.has(placeId({ namespace: e.namespace, key: g.key }));
    if (!olderKeys.has(g.key) && !moved) addedField(g, `${path}.attributes.${g.key}`, add);
  }
}

/** Deep equality of attribute values (NaN equals NaN; -0 differs from 0). */
export function valuesEqual(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a === "number") return Object.is(a, b);
  if (typeof a !== "object") return a === b;
  if (a instanceof Uint8Array) {
    return b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k))) return false;
    return true;
  }
  return a === b;
}

/** One failed compatibility requirement. */
export interface CompatibilityViolation {
  /** The earlier version compared with. */
  readonly against: SchemaKey;
  readonly change: SchemaChange;
  /** The direction that failed. */
  readonly direction: "backward" | "forward";
}

/** What {@link checkCompatibility} returns. */
export interface CompatibilityResult {
  readonly candidate: SchemaKey;
  readonly mode: CompatibilityMode;
  /** The diff with the previous version (the bump check); `undefined` for a first version. */
  readonly previous: SchemaDiff | undefined;
  /** Every diff the mode needed (the previous version, or all earlier ones of the same major). */
  readonly diffs: readonly SchemaDiff[];
  readonly violations: readonly CompatibilityViolation[];
  /** The bump is big enough and the mode holds. */
  readonly ok: boolean;
}

/**
 * Checks `candidate` against its lineage in `lookup`: the semver bump from
 * its previous version must cover every change, and `mode` must hold against
 * the previous version (or, for a `_TRANSITIVE` mode, every earlier version).
 * Modes apply within one major version: a major bump declares the break.
 * `mode` defaults to the candidate's own `compatibility`, else `BACKWARD`.
 */
export function checkCompatibility(
  lookup: TransformLookup,
  candidate: SchemaDescriptor,
  mode?: CompatibilityMode,
): CompatibilityResult {
  const effective = mode ?? candidate.compatibility ?? "BACKWARD";
  const earlier: SchemaDescriptor[] = [];
  const seen = new Set<string>([schemaId(candidate)]);
  let cur: SchemaDescriptor | undefined = candidate;
  while (cur !== undefined) {
    const prevKey = predecessorOf(lookup, cur);
    if (prevKey === undefined || seen.has(schemaId(prevKey))) break;
    seen.add(schemaId(prevKey));
    cur = lookup.get(prevKey);
    if (cur !== undefined) earlier.push(cur);
  }
  const diffFrom = (older: SchemaDescriptor): SchemaDiff => {
    const chain = transformChain(lookup, older, candidate) ?? [];
    return diffSchemas(older, candidate, {
      transforms: chain.flatMap((d) => (d.transforms === undefined ? [] : [d.transforms])),
    });
  };
  const prev = earlier[0];
  const previous = prev === undefined ? undefined : diffFrom(prev);
  const major = parseVersion(candidate.version)?.[0];
  const sameMajor = earlier.filter((d) => parseVersion(d.version)?.[0] === major);
  const transitive = effective.endsWith("_TRANSITIVE");
  const against = effective === "NONE" ? [] : transitive ? sameMajor : sameMajor.slice(0, 1);
  const wantBackward = effective.startsWith("BACKWARD") || effective.startsWith("FULL");
  const wantForward = effective.startsWith("FORWARD") || effective.startsWith("FULL");
  const diffs: SchemaDiff[] = [];
  const violations: CompatibilityViolation[] = [];
  for (const older of against) {
    const diff = older === prev && previous !== undefined ? previous : diffFrom(older);
    diffs.push(diff);
    for (const change of diff.changes) {
      if (wantBackward && !change.backward) {
        violations.push({ against: diff.from, change, direction: "backward" });
      }
      if (wantForward && !change.forward) {
        violations.push({ against: diff.from, change, direction: "forward" });
      }
    }
  }
  return {
    candidate: { type: candidate.type, subtype: candidate.subtype, version: candidate.version },
    mode: effective,
    previous,
    diffs,
    violations,
    ok: (previous === undefined || previous.ok) && violations.length === 0,
  };
}
