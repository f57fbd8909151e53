/**
 * Compatibility between versions of a schema: every change classified (the
 * semver bump it needs, whether it keeps BACKWARD and FORWARD compatibility,
 * whether it is refused in every mode), the smallest allowed bump, and the
 * mode checks against an event's history.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#compatibility | docs/spec.md} "Schema registry", "Compatibility"
 */
import type { AttributeValue } from "@envelope/core";
import {
  type Bump,
  bumpRank,
  type CompatibilityMode,
  compareVersions,
  declaredBump,
  type ExtensionDescriptor,
  type FieldDescriptor,
  formatType,
  maxBump,
  parseRange,
  predecessorOf,
  type SchemaDescriptor,
  type SchemaKey,
  showValue,
  type TransformChange,
  type TransformLookup,
  type TransformsDescriptor,
} from "@envelope/registry";

/** The kinds of change, each with a fixed rule (see {@link CHANGE_RULES}). */
export type ChangeKind =
  | "attribute_added_optional"
  | "attribute_added_required"
  | "attribute_removed"
  | "attribute_removed_required"
  | "attribute_renamed"
  | "attribute_renamed_many_to_one"
  | "attribute_moved_to_extension"
  | "attribute_key_reused"
  | "attribute_removal_overdue"
  | "event_renamed"
  | "event_renamed_without_transform"
  | "type_changed"
  | "presence_made_required"
  | "presence_made_optional"
  | "presence_repeated_changed"
  | "presence_repeated_rewritten"
  | "default_changed"
  | "unit_changed"
  | "unit_added"
  | "pii_added"
  | "pii_added_to_required"
  | "pii_removed"
  | "deprecation_changed"
  | "value_rule_narrowed"
  | "value_rule_widened"
  | "value_rule_changed"
  | "value_rule_rewritten"
  | "description_changed"
  | "reserved_changed"
  | "compatibility_mode_tightened"
  | "compatibility_mode_relaxed"
  | "extension_added"
  | "extension_removed"
  | "extension_range_widened"
  | "extension_range_narrowed"
  | "extension_range_changed"
  | "extension_range_rewritten"
  | "extension_fields_declared"
  | "extension_fields_undeclared";

/** The bump a change needs, and what it keeps. */
export interface ChangeRule {
  readonly bump: Bump;
  /** New readers still read data written with the old schema (upgraded by the transforms). */
  readonly backward: boolean;
  /** Old readers still read data written with the new schema (downgraded by the transforms). */
  readonly forward: boolean;
  /**
   * Refused in every mode, `NONE` included: the change gives a key another
   * meaning, breaks a promise made to consumers, or stops redacting personal data.
   */
  readonly refused: boolean;
}

const rule = (bump: Bump, backward: boolean, forward: boolean, refused = false): ChangeRule => ({
  bump,
  backward,
  forward,
  refused,
});

/**
 * The classification table; docs/spec.md "Compatibility" gives the reason
 * for every row (and a test holds the two together). Readers validate with
 * the registry, apply transforms and tolerate attributes they do not know
 * (`unknown_attribute` is a report); data valid at a version carries only the
 * keys that version declares.
 */
export const CHANGE_RULES: Readonly<Record<ChangeKind, ChangeRule>> = {
  attribute_added_optional: rule("minor", true, true),
  attribute_added_required: rule("major", false, true),
  attribute_removed: rule("major", true, true),
  attribute_removed_required: rule("major", true, false),
  attribute_renamed: rule("major", true, true),
  attribute_renamed_many_to_one: rule("major", false, false),
  attribute_moved_to_extension: rule("major", true, true),
  attribute_key_reused: rule("major", false, false, true),
  attribute_removal_overdue: rule("major", false, false, true),
  event_renamed: rule("minor", true, true),
  event_renamed_without_transform: rule("major", false, false),
  type_changed: rule("major", false, false),
  presence_made_required: rule("major", false, true),
  presence_made_optional: rule("minor", true, false),
  presence_repeated_changed: rule("major", false, false),
  presence_repeated_rewritten: rule("patch", true, true),
  default_changed: rule("major", false, false),
  unit_changed: rule("major", false, false),
  unit_added: rule("minor", true, true),
  pii_added: rule("minor", true, true),
  pii_added_to_required: rule("major", true, false),
  pii_removed: rule("major", true, false, true),
  deprecation_changed: rule("minor", true, true),
  value_rule_narrowed: rule("major", false, true),
  value_rule_widened: rule("minor", true, false),
  value_rule_changed: rule("major", false, false),
  value_rule_rewritten: rule("patch", true, true),
  description_changed: rule("patch", true, true),
  reserved_changed: rule("patch", true, true),
  compatibility_mode_tightened: rule("patch", true, true),
  compatibility_mode_relaxed: rule("major", false, false, true),
  extension_added: rule("minor", true, false),
  extension_removed: rule("major", false, true),
  extension_range_widened: rule("minor", true, false),
  extension_range_narrowed: rule("major", false, true),
  extension_range_changed: rule("major", false, false),
  extension_range_rewritten: rule("patch", true, true),
  extension_fields_declared: rule("major", false, true),
  extension_fields_undeclared: rule("minor", true, false),
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
  /** The bump the version numbers declare (see {@link declaredBump} for `0.y` versions). */
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
  /**
   * Body keys versions before `older` used: none may come back in `newer`
   * (`attribute_key_reused`). {@link checkCompatibility} derives them from history.
   */
  readonly reserved?: Iterable<string>;
  /** The event's mode as of `older`. Default: `older`'s own, else `BACKWARD`. */
  readonly mode?: CompatibilityMode;
}

/** Where a value lives: in the body (`namespace` undefined) or in an extension. */
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
 * Where one step's transform changes send a body key: renames within one
 * change apply at once (as the envelope transform does), changes in order.
 */
function stepPlace(changes: readonly TransformChange[], key: string): Place {
  let current = key;
  for (const change of changes) {
    if (change.kind === "rename_attributes") {
      for (const [from, to] of change.renames) {
        if (from === current) {
          current = to;
          break;
        }
      }
    } else if (change.kind === "move_to_extension") {
      for (const [from, to] of change.moves) {
        if (from === current) return { namespace: change.namespace, key: to };
      }
    }
  }
  return { namespace: undefined, key: current };
}

/** What a diff needs beyond the two descriptors. */
interface DiffContext {
  /** Where a body key of `older` ends up in `newer`. */
  readonly place: (key: string) => Place;
  readonly eventRenamed: boolean;
  readonly reserved: ReadonlySet<string>;
  /** Body keys of `older` that earlier versions promised to remove, with the version. */
  readonly removals: ReadonlyMap<string, string>;
  readonly mode: CompatibilityMode;
}

const NO_KEYS: ReadonlySet<string> = new Set();
const NO_REMOVALS: ReadonlyMap<string, string> = new Map();

/**
 * Classifies every change from `older` to `newer`, taking declared transforms
 * into account (a renamed or moved attribute is a rename or a move, not a
 * removal plus an addition). Two values that land on one key are a
 * many-to-one change whatever the declaration order.
 */
export function diffSchemas(
  older: SchemaDescriptor,
  newer: SchemaDescriptor,
  options: DiffOptions = {},
): SchemaDiff {
  const transforms =
    options.transforms ??
    (newer.transforms !== undefined && newer.transforms.from === older.version
      ? [newer.transforms]
      : []);
  const removals = new Map<string, string>();
  for (const f of older.attributes) {
    if (f.deprecated?.removal !== undefined) removals.set(f.key, f.deprecated.removal);
  }
  return diffWith(older, newer, {
    place: (key) => {
      let place: Place = { namespace: undefined, key };
      for (const t of transforms) {
        if (place.namespace !== undefined) break;
        place = stepPlace(t.changes, place.key);
      }
      return place;
    },
    eventRenamed: transforms.some((t) => t.changes.some((c) => c.kind === "rename_event")),
    reserved: new Set(options.reserved ?? []),
    removals,
    mode: options.mode ?? older.compatibility ?? "BACKWARD",
  });
}

/** A descriptor's fields by place, built once per descriptor. */
interface FieldIndex {
  readonly fields: ReadonlyMap<string, FieldDescriptor>;
  readonly extensions: ReadonlyMap<string, ExtensionDescriptor>;
}

const indexes = new WeakMap<SchemaDescriptor, FieldIndex>();

function indexOf(d: SchemaDescriptor): FieldIndex {
  let index = indexes.get(d);
  if (index === undefined) {
    const fields = new Map<string, FieldDescriptor>();
    for (const f of d.attributes) fields.set(placeId({ namespace: undefined, key: f.key }), f);
    for (const e of d.extensions) {
      for (const f of e.attributes ?? []) {
        fields.set(placeId({ namespace: e.namespace, key: f.key }), f);
      }
    }
    index = { fields, extensions: new Map(d.extensions.map((e) => [e.namespace, e])) };
    indexes.set(d, index);
  }
  return index;
}

type Add = (kind: ChangeKind, path: string, message: string) => void;

/** One value of `older` and where it lands in `newer`. */
interface Origin {
  readonly field: FieldDescriptor;
  readonly from: Place;
  readonly to: Place;
}

function diffWith(older: SchemaDescriptor, newer: SchemaDescriptor, ctx: DiffContext): SchemaDiff {
  const changes: SchemaChange[] = [];
  const add: Add = (kind, path, message) => {
    changes.push({ kind, path, message, ...CHANGE_RULES[kind] });
  };

  if (older.type !== newer.type || older.subtype !== newer.subtype) {
    if (ctx.eventRenamed) {
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
  if (newer.compatibility !== undefined && newer.compatibility !== ctx.mode) {
    if (!covers(newer.compatibility, ctx.mode)) {
      add(
        "compatibility_mode_relaxed",
        "compatibility",
        `compatibility mode ${ctx.mode} -> ${newer.compatibility}: an event's mode can be tightened, never relaxed`,
      );
    } else {
      add(
        "compatibility_mode_tightened",
        "compatibility",
        `compatibility mode ${ctx.mode} -> ${newer.compatibility}`,
      );
    }
  }
  if ((older.reserved ?? []).join("\0") !== (newer.reserved ?? []).join("\0")) {
    add("reserved_changed", "reserved", "reserved keys changed");
  }

  const olderIndex = indexOf(older);
  const newerIndex = indexOf(newer);
  const olderKeys = new Set(older.attributes.map((f) => f.key));

  // Every value of `older` grouped by where it lands; extension fields stay put.
  const landing = new Map<string, Origin[]>();
  const land = (o: Origin): void => {
    const id = placeId(o.to);
    const list = landing.get(id);
    if (list === undefined) landing.set(id, [o]);
    else list.push(o);
  };
  for (const f of older.attributes) {
    land({ field: f, from: { namespace: undefined, key: f.key }, to: ctx.place(f.key) });
  }
  for (const e of older.extensions) {
    for (const f of e.attributes ?? []) {
      const at: Place = { namespace: e.namespace, key: f.key };
      land({ field: f, from: at, to: at });
    }
  }

  const removed: FieldDescriptor[] = [];
  for (const [id, origins] of landing) {
    const to = origins[0]!.to;
    const g = newerIndex.fields.get(id);
    const targetExt =
      to.namespace === undefined ? undefined : newerIndex.extensions.get(to.namespace);
    if (origins.length > 1) {
      add(
        "attribute_renamed_many_to_one",
        placePath(to),
        `${origins.map((o) => placePath(o.from)).join(" and ")} land on one key ${placePath(to)}: an upgrade would have to drop one value and a downgrade cannot tell them apart`,
      );
      for (const o of origins) {
        if (o.field.pii && g !== undefined && !g.pii) {
          add("pii_removed", placePath(to), `${placePath(o.from)} is pii; ${placePath(to)} is not`);
        }
      }
      continue;
    }
    const o = origins[0]!;
    const { field: f, from } = o;
    if (from.namespace !== undefined) {
      compareExtensionField(f, g, newerIndex, from, add);
      continue;
    }
    const moved = to.namespace !== undefined;
    const renamed = !moved && to.key !== from.key;
    if (moved) {
      add(
        "attribute_moved_to_extension",
        placePath(from),
        `${JSON.stringify(from.key)} moved to extension ${to.namespace} as ${JSON.stringify(to.key)}`,
      );
      const olderExt = older.extensions.find((e) => e.namespace === to.namespace);
      if (olderExt !== undefined && olderExt.attributes === undefined) {
        add(
          "attribute_renamed_many_to_one",
          placePath(to),
          `${placePath(from)} moves into ${to.namespace}, whose fields ${older.version} does not declare: its data may already hold ${JSON.stringify(to.key)}`,
        );
      }
      if (targetExt?.attributes === undefined) {
        if (f.pii) {
          add(
            "pii_removed",
            placePath(to),
            `${placePath(from)} is pii and moves into ${to.namespace}, whose fields are not declared, so nothing redacts it`,
          );
        }
        continue;
      }
    } else if (renamed) {
      if (olderKeys.has(to.key) || ctx.reserved.has(to.key) || older.reserved?.includes(to.key)) {
        add(
          "attribute_key_reused",
          placePath(to),
          `${JSON.stringify(from.key)} renamed to ${JSON.stringify(to.key)}, a key an earlier version used for another attribute: a key keeps its meaning for ever`,
        );
      } else {
        add(
          "attribute_renamed",
          placePath(from),
          `${JSON.stringify(from.key)} renamed to ${JSON.stringify(to.key)} by a transform`,
        );
      }
    }
    if (g === undefined) {
      if (!moved && !renamed) removed.push(f);
      else {
        add(
          "attribute_removed",
          placePath(to),
          `a transform sends ${JSON.stringify(from.key)} to ${placePath(to)}, which the new schema does not declare`,
        );
      }
      continue;
    }
    const removal = ctx.removals.get(from.key);
    if (removal !== undefined && compareVersions(newer.version, removal) >= 0) {
      add(
        "attribute_removal_overdue",
        placePath(to),
        `${JSON.stringify(from.key)} was deprecated for removal in ${removal}; ${newer.version} still declares it`,
      );
    }
    compareFields(f, g, placePath(to), add);
  }

  // Newer fields nothing landed on: additions (or reuses of a retired key).
  const added: FieldDescriptor[] = [];
  for (const g of newer.attributes) {
    const id = placeId({ namespace: undefined, key: g.key });
    if (landing.has(id)) continue;
    if (olderKeys.has(g.key) || ctx.reserved.has(g.key) || older.reserved?.includes(g.key)) {
      add(
        "attribute_key_reused",
        `attributes.${g.key}`,
        `${JSON.stringify(g.key)} (${g.typeText}) declared again after an earlier version retired it: a key keeps its meaning for ever`,
      );
    } else {
      added.push(g);
    }
  }
  for (const f of removed) {
    const twin = added.find((a) => formatType(a.type) === formatType(f.type));
    add(
      f.presence === "required" ? "attribute_removed_required" : "attribute_removed",
      `attributes.${f.key}`,
      `${f.presence === "required" ? "required " : ""}${JSON.stringify(f.key)} (${f.typeText}) removed${twin === undefined ? "" : `; if it was renamed to ${JSON.stringify(twin.key)}, declare a rename_attributes transform`}`,
    );
  }
  for (const g of added) addedField(g, `attributes.${g.key}`, add);

  for (const e of older.extensions) {
    const n = newerIndex.extensions.get(e.namespace);
    if (n === undefined) {
      add(
        "extension_removed",
        `extensions.${e.namespace}`,
        `extension ${e.namespace} no longer allowed`,
      );
      continue;
    }
    compareExtensions(e, n, add);
    if (e.attributes === undefined || n.attributes === undefined) continue;
    for (const g of n.attributes) {
      if (!landing.has(placeId({ namespace: e.namespace, key: g.key }))) {
        addedField(g, `extensions.${e.namespace}.attributes.${g.key}`, add);
      }
    }
  }
  for (const e of newer.extensions) {
    if (!olderIndex.extensions.has(e.namespace)) {
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
  return {
    from: { type: older.type, subtype: older.subtype, version: older.version },
    to: { type: newer.type, subtype: newer.subtype, version: newer.version },
    changes,
    requiredBump,
    declaredBump: declared,
    ok: declared !== "none" && bumpRank(declared) >= bumpRank(requiredBump),
    backward: changes.every((c) => c.backward),
    forward: changes.every((c) => c.forward),
  };
}

/** An older extension field: compared when both versions declare the namespace's fields. */
function compareExtensionField(
  f: FieldDescriptor,
  g: FieldDescriptor | undefined,
  newerIndex: FieldIndex,
  at: Place,
  add: Add,
): void {
  const n = newerIndex.extensions.get(at.namespace!);
  // A removed namespace, or one whose fields are no longer declared, is reported once for the extension.
  if (n?.attributes === undefined) return;
  if (g !== undefined) {
    compareFields(f, g, placePath(at), add);
    return;
  }
  add(
    f.presence === "required" ? "attribute_removed_required" : "attribute_removed",
    placePath(at),
    `${JSON.stringify(f.key)} (${f.typeText}) removed`,
  );
}

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

/** `repeated T` and `array<T>` carry the same values: an array of T, absent meaning none. */
function sameValues(f: FieldDescriptor, g: FieldDescriptor): boolean {
  const carried = (x: FieldDescriptor): string =>
    x.presence === "repeated" ? `array<${formatType(x.type)}>` : formatType(x.type);
  const optional = (x: FieldDescriptor): boolean => x.presence !== "required";
  return carried(f) === carried(g) && optional(f) && optional(g);
}

function compareFields(f: FieldDescriptor, g: FieldDescriptor, path: string, add: Add): void {
  const before = add;
  let typeChanged = false;
  add = (kind, p, message) => {
    if (kind === "type_changed") typeChanged = true;
    before(kind, p, message);
  };
  if (f.presence !== g.presence && (f.presence === "repeated" || g.presence === "repeated")) {
    if (sameValues(f, g)) {
      add(
        "presence_repeated_rewritten",
        path,
        `${f.presence} ${f.typeText} -> ${g.presence} ${g.typeText} (the same values)`,
      );
    } else {
      add("presence_repeated_changed", path, `presence ${f.presence} -> ${g.presence}`);
      if (formatType(f.type) !== formatType(g.type)) {
        add("type_changed", path, `type ${f.typeText} -> ${g.typeText}`);
      }
    }
  } else {
    if (formatType(f.type) !== formatType(g.type)) {
      add("type_changed", path, `type ${f.typeText} -> ${g.typeText}`);
    }
    if (g.presence === "required" && f.presence !== "required") {
      add("presence_made_required", path, `${f.presence} -> required`);
    } else if (f.presence === "required" && g.presence !== "required") {
      add("presence_made_optional", path, `required -> ${g.presence}`);
    }
  }
  if (!valuesEqual(f.default, g.default)) {
    add(
      "default_changed",
      path,
      f.default === undefined
        ? "default added"
        : g.default === undefined
          ? "default removed"
          : "default changed",
    );
  }
  if (!typeChanged) compareRules(f, g, path, add);
  if (f.unit !== g.unit) {
    if (f.unit === undefined) add("unit_added", path, `unit (none) -> ${g.unit}`);
    else add("unit_changed", path, `unit ${f.unit} -> ${g.unit ?? "(none)"}`);
  }
  if (f.pii && !g.pii) add("pii_removed", path, "no longer pii: it would be written in clear");
  else if (!f.pii && g.pii) {
    if (g.presence === "required") {
      add(
        "pii_added_to_required",
        path,
        "now pii and required: the default redaction (drop) leaves readers missing_attribute",
      );
    } else add("pii_added", path, "now pii");
  }
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

/** How a set of allowed values changed: the same, fewer, more, or neither. */
type SetChange = "same" | "narrowed" | "widened" | "changed";

function combine(a: SetChange, b: SetChange): SetChange {
  if (a === "same") return b;
  if (b === "same" || a === b) return a;
  return "changed";
}

/** An inclusive interval, `undefined` ends unbounded. */
function intervalChange<T extends number | bigint>(
  lo1: T | undefined,
  hi1: T | undefined,
  lo2: T | undefined,
  hi2: T | undefined,
): SetChange {
  const side = (a: T | undefined, b: T | undefined, lower: boolean): SetChange => {
    if (a === b) return "same";
    if (a === undefined) return "narrowed";
    if (b === undefined) return "widened";
    return (lower ? b > a : b < a) ? "narrowed" : "widened";
  };
  return combine(side(lo1, lo2, true), side(hi1, hi2, false));
}

function show(v: number | bigint | undefined): string {
  return v === undefined ? "none" : String(v);
}

/**
 * Compares the value rules of one field in two versions, rule family by
 * family (range, enum, length, items): a family whose allowed values shrink is
 * narrowed, grow widened, both changed; an enum listing the same values in
 * another order is rewritten. Adding a rule narrows, removing one widens.
 */
function compareRules(f: FieldDescriptor, g: FieldDescriptor, path: string, add: Add): void {
  const report = (change: SetChange, what: string): void => {
    if (change === "same") return;
    const kind =
      change === "narrowed"
        ? "value_rule_narrowed"
        : change === "widened"
          ? "value_rule_widened"
          : "value_rule_changed";
    add(kind, path, what);
  };
  const range = intervalChange(f.minimum, f.maximum, g.minimum, g.maximum);
  report(
    range,
    `range [${show(f.minimum)}, ${show(f.maximum)}] -> [${show(g.minimum)}, ${show(g.maximum)}]`,
  );
  const enumText = (e: FieldDescriptor["enum"]): string =>
    e === undefined ? "any" : e.map((v) => showValue(v)).join(", ");
  if (f.enum !== undefined || g.enum !== undefined) {
    let change: SetChange;
    if (f.enum === undefined) change = "narrowed";
    else if (g.enum === undefined) change = "widened";
    else {
      const before = new Set(f.enum);
      const after = new Set(g.enum);
      const lost = f.enum.some((v) => !after.has(v));
      const gained = g.enum.some((v) => !before.has(v));
      change = lost && gained ? "changed" : lost ? "narrowed" : gained ? "widened" : "same";
      if (change === "same" && f.enum.join("\0") !== g.enum.join("\0")) {
        add(
          "value_rule_rewritten",
          path,
          `enum ${enumText(f.enum)} -> ${enumText(g.enum)} (the same values)`,
        );
      }
    }
    report(change, `enum ${enumText(f.enum)} -> ${enumText(g.enum)}`);
  }
  report(
    intervalChange(f.minLength ?? 0, f.maxLength, g.minLength ?? 0, g.maxLength),
    `length [${show(f.minLength ?? 0)}, ${show(f.maxLength)}] -> [${show(g.minLength ?? 0)}, ${show(g.maxLength)}]`,
  );
  report(
    intervalChange(f.minItems ?? 0, f.maxItems, g.minItems ?? 0, g.maxItems),
    `items [${show(f.minItems ?? 0)}, ${show(f.maxItems)}] -> [${show(g.minItems ?? 0)}, ${show(g.maxItems)}]`,
  );
}

function compareExtensions(e: ExtensionDescriptor, n: ExtensionDescriptor, add: Add): void {
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
  } else if (e.attributes !== undefined && n.attributes === undefined) {
    add("extension_fields_undeclared", path, `the fields of ${e.namespace} are no longer declared`);
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

interface ModeFlags {
  readonly backward: boolean;
  readonly forward: boolean;
  readonly transitive: boolean;
}

function flagsOf(mode: CompatibilityMode): ModeFlags {
  return {
    backward: mode.startsWith("BACKWARD") || mode.startsWith("FULL"),
    forward: mode.startsWith("FORWARD") || mode.startsWith("FULL"),
    transitive: mode.endsWith("_TRANSITIVE"),
  };
}

/** Whether mode `a` demands at least what mode `b` demands. */
function covers(a: CompatibilityMode, b: CompatibilityMode): boolean {
  const x = flagsOf(a);
  const y = flagsOf(b);
  if (!y.backward && !y.forward) return true;
  return (
    (x.backward || !y.backward) && (x.forward || !y.forward) && (x.transitive || !y.transitive)
  );
}

/** The weakest mode that demands everything `a` and `b` demand. */
export function strictestMode(a: CompatibilityMode, b: CompatibilityMode): CompatibilityMode {
  if (covers(a, b)) return a;
  if (covers(b, a)) return b;
  const x = flagsOf(a);
  const y = flagsOf(b);
  const backward = x.backward || y.backward;
  const forward = x.forward || y.forward;
  const base = backward && forward ? "FULL" : backward ? "BACKWARD" : "FORWARD";
  return (
    (x.transitive && (x.backward || x.forward)) || (y.transitive && (y.backward || y.forward))
      ? `${base}_TRANSITIVE`
      : base
  ) as CompatibilityMode;
}

/** One failed requirement. */
export interface CompatibilityViolation {
  /** The earlier version compared with. */
  readonly against: SchemaKey;
  readonly change: SchemaChange;
  /** The direction the mode needed, or `refused` for a change refused in every mode. */
  readonly direction: "backward" | "forward" | "refused";
}

/**
 * The violations in one diff: refused changes always, and the changes that
 * break a direction `mode` requires (refused ones are reported once, as refused).
 */
export function modeViolations(
  diff: SchemaDiff,
  mode: CompatibilityMode,
): CompatibilityViolation[] {
  const { backward, forward } = flagsOf(mode);
  const out: CompatibilityViolation[] = [];
  for (const change of diff.changes) {
    if (change.refused) out.push({ against: diff.from, change, direction: "refused" });
    else {
      if (backward && !change.backward)
        out.push({ against: diff.from, change, direction: "backward" });
      if (forward && !change.forward)
        out.push({ against: diff.from, change, direction: "forward" });
    }
  }
  return out;
}

/** What {@link checkCompatibility} returns. */
export interface CompatibilityResult {
  readonly candidate: SchemaKey;
  /** The mode applied: the event's (the strictest any version declared, else BACKWARD), raised to the floor given. */
  readonly mode: CompatibilityMode;
  /** The diff with the previous version (the bump check); `undefined` for a first version. */
  readonly previous: SchemaDiff | undefined;
  /** The diffs that produced a violation (the previous version's, or, for a transitive mode, any earlier one's). */
  readonly diffs: readonly SchemaDiff[];
  readonly violations: readonly CompatibilityViolation[];
  /** The bump is big enough, nothing refused, and the mode holds. */
  readonly ok: boolean;
}

/** An event's history up to one version, built once per descriptor. */
interface History {
  readonly descriptor: SchemaDescriptor;
  readonly previous: History | undefined;
  /** The event's mode from this version on. */
  readonly mode: CompatibilityMode;
  /** Every body key this version or an earlier one declared or reserved. */
  readonly used: ReadonlySet<string>;
  /** This version's body keys that some version promised to remove, with the earliest such version. */
  readonly removals: ReadonlyMap<string, string>;
  /** This version's body keys that some version promised to remove by a date, with the earliest such date. */
  readonly removalDates: ReadonlyMap<string, string>;
}

const histories = new WeakMap<TransformLookup, WeakMap<SchemaDescriptor, History>>();

/**
 * The history of `d` in `lookup`, folded oldest first and cached per
 * descriptor, so checking every version of a long lineage is linear. A cached
 * entry is reused while its predecessor is still the one `lookup` names.
 */
function historyOf(lookup: TransformLookup, d: SchemaDescriptor): History {
  let cache = histories.get(lookup);
  if (cache === undefined) {
    cache = new WeakMap();
    histories.set(lookup, cache);
  }
  const pending: SchemaDescriptor[] = [];
  const seen = new Set<SchemaDescriptor>();
  let base: History | undefined;
  let cur: SchemaDescriptor | undefined = d;
  while (cur !== undefined && !seen.has(cur)) {
    const prevKey = predecessorOf(lookup, cur);
    const prev = prevKey === undefined ? undefined : lookup.get(prevKey);
    const hit = cache.get(cur);
    if (hit !== undefined && hit.previous?.descriptor === prev) {
      base = hit;
      break;
    }
    seen.add(cur);
    pending.push(cur);
    cur = prev;
  }
  for (let i = pending.length - 1; i >= 0; i--) {
    base = extend(base, pending[i]!);
    cache.set(pending[i]!, base);
  }
  return base!;
}

function extend(previous: History | undefined, d: SchemaDescriptor): History {
  const mode =
    previous === undefined
      ? (d.compatibility ?? "BACKWARD")
      : d.compatibility === undefined
        ? previous.mode
        : strictestMode(previous.mode, d.compatibility);
  const used = new Set(previous?.used);
  for (const f of d.attributes) used.add(f.key);
  for (const k of d.reserved ?? []) used.add(k);
  const declared = new Set(d.attributes.map((f) => f.key));
  const removals = new Map<string, string>();
  const changes = d.transforms?.changes ?? [];
  for (const [key, removal] of previous?.removals ?? []) {
    const to = stepPlace(changes, key);
    if (to.namespace === undefined && declared.has(to.key)) removals.set(to.key, removal);
  }
  const removalDates = new Map<string, string>();
  for (const [key, date] of previous?.removalDates ?? []) {
    const to = stepPlace(changes, key);
    if (to.namespace === undefined && declared.has(to.key)) removalDates.set(to.key, date);
  }
  for (const f of d.attributes) {
    const removal = f.deprecated?.removal;
    const before = removals.get(f.key);
    if (removal !== undefined && (before === undefined || compareVersions(removal, before) < 0)) {
      removals.set(f.key, removal);
    }
    const date = f.deprecated?.removalDate;
    const dateBefore = removalDates.get(f.key);
    // ISO dates compare as text.
    if (date !== undefined && (dateBefore === undefined || date < dateBefore)) {
      removalDates.set(f.key, date);
    }
  }
  return { descriptor: d, previous, mode, used, removals, removalDates };
}

/**
 * The body keys of `d` that it or an earlier version of its event (followed
 * through renames) deprecated with a `removalDate`, each with the earliest
 * such date: a later version postponing or lifting the deprecation does not
 * move the date. `schema check` holds each event's latest version to them.
 */
export function removalDates(
  lookup: TransformLookup,
  d: SchemaDescriptor,
): ReadonlyMap<string, string> {
  return historyOf(lookup, d).removalDates;
}

/**
 * Checks `candidate` against its history in `lookup`: the semver bump from
 * its previous version must cover every change; no change refused in every
 * mode (a key reused, personal data no longer redacted, a removal promise
 * broken, the mode relaxed); and the event's mode must hold against the
 * previous version (or, for a `_TRANSITIVE` mode, every earlier version).
 * The event's mode is the strictest any of its versions up to `candidate`
 * declared (`BACKWARD` when none did); `floor`, a registry-wide setting,
 * can raise it, never lower it. Modes hold across major versions: a major
 * bump tells code and dashboards that something changed, not that readers
 * may lose data.
 */
export function checkCompatibility(
  lookup: TransformLookup,
  candidate: SchemaDescriptor,
  floor?: CompatibilityMode,
): CompatibilityResult {
  const history = historyOf(lookup, candidate);
  const mode = floor === undefined ? history.mode : strictestMode(history.mode, floor);
  const candidateKey = {
    type: candidate.type,
    subtype: candidate.subtype,
    version: candidate.version,
  };
  const prev = history.previous;
  if (prev === undefined) {
    return {
      candidate: candidateKey,
      mode,
      previous: undefined,
      diffs: [],
      violations: [],
      ok: true,
    };
  }
  const { transitive } = flagsOf(mode);
  const none = mode === "NONE";

  const diffs: SchemaDiff[] = [];
  const violations: CompatibilityViolation[] = [];
  let previous: SchemaDiff | undefined;
  const landing = new Landing();
  const against = none || !transitive ? [prev] : earlierOf(prev);
  let renamed = false;
  let lastFrom: SchemaKey | undefined;
  for (let i = 0; i < against.length; i++) {
    const h = against[i]!;
    const stepTo = i === 0 ? candidate : against[i - 1]!.descriptor;
    const changes = stepTo.transforms?.changes ?? [];
    if (changes.some((c) => c.kind === "rename_event")) renamed = true;
    const level = landing.push(changes);
    const later = against[i - 1];
    if (later !== undefined && changes.length === 0 && sameFields(h.descriptor, later.descriptor)) {
      // Same fields as the next version and no transform between them: the same
      // field changes against the candidate (only descriptions may differ, which
      // no mode cares about), so its violations are the next version's. This
      // keeps long histories of small edits from costing a full diff per pair.
      const from = {
        type: h.descriptor.type,
        subtype: h.descriptor.subtype,
        version: h.descriptor.version,
      };
      const shared = violations.filter((v) => v.against === lastFrom && v.direction !== "refused");
      if (shared.length > 0) {
        diffs.push({ ...diffs.at(-1)!, from });
        violations.push(...shared.map((v) => ({ ...v, against: from })));
      }
      lastFrom = from;
      continue;
    }
    const diff = diffWith(h.descriptor, candidate, {
      place: (key) => landing.place(level, key),
      eventRenamed: renamed,
      reserved: i === 0 ? prev.used : NO_KEYS,
      removals: i === 0 ? prev.removals : NO_REMOVALS,
      mode: h.mode,
    });
    const found =
      i === 0
        ? modeViolations(diff, none ? "NONE" : mode)
        : modeViolations(diff, mode).filter((v) => v.direction !== "refused");
    if (i === 0) previous = diff;
    lastFrom = diff.from;
    if (found.length > 0) {
      diffs.push(diff);
      violations.push(...found);
    }
  }
  return {
    candidate: candidateKey,
    mode,
    previous,
    diffs,
    violations,
    ok: previous!.ok && violations.length === 0,
  };
}

const fieldSignatures = new WeakMap<SchemaDescriptor, string>();

/** Whether two versions declare the same attributes, reserved keys and extensions. */
function sameFields(a: SchemaDescriptor, b: SchemaDescriptor): boolean {
  const signature = (d: SchemaDescriptor): string => {
    let s = fieldSignatures.get(d);
    if (s === undefined) {
      s = JSON.stringify([d.attributes, d.reserved ?? [], d.extensions], signatureValue);
      fieldSignatures.set(d, s);
    }
    return s;
  };
  return signature(a) === signature(b);
}

/** Defaults hold values JSON does not write faithfully: spell them out. */
function signatureValue(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number" && (Number.isNaN(v) || Object.is(v, -0) || !Number.isFinite(v))) {
    return `${Object.is(v, -0) ? "-0" : v}d`;
  }
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (v instanceof Map) return { map: [...v] };
  return v;
}

/** `h` and every earlier version, newest first. */
function earlierOf(h: History): History[] {
  const out: History[] = [h];
  // Indexing rather than a `cur = cur.previous` loop: Biome 2.3's type inference
  // does not terminate on that loop over a recursive type.
  for (let i = 0; out[i]!.previous !== undefined; i++) out.push(out[i]!.previous!);
  return out;
}

/**
 * Where the body keys of each earlier version land in the candidate: level 0
 * is the candidate's own step, each further level one step further back.
 * Results are kept per level, so a walk back over n versions costs O(n) steps
 * per key, not O(n^2).
 */
class Landing {
  private readonly steps: (readonly TransformChange[])[] = [];
  private readonly memos: Map<string, Place>[] = [];

  push(changes: readonly TransformChange[]): number {
    this.steps.push(changes);
    this.memos.push(new Map());
    return this.steps.length - 1;
  }

  place(level: number, key: string): Place {
    const path: [number, string][] = [];
    let current = key;
    let result: Place | undefined;
    for (let i = level; i >= 0; i--) {
      const known = this.memos[i]!.get(current);
      if (known !== undefined) {
        result = known;
        break;
      }
      path.push([i, current]);
      const step = stepPlace(this.steps[i]!, current);
      if (step.namespace !== undefined || i === 0) {
        result = step;
        break;
      }
      current = step.key;
    }
    for (const [i, k] of path) this.memos[i]!.set(k, result!);
    return result!;
  }
}
