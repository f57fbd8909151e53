/**
 * Redaction of attributes marked `pii`, at encode time, by a policy: drop,
 * mask or hash (HMAC-SHA-256 with a configured key).
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#redaction-1 | docs/spec.md} "Schema registry", "Redaction"
 */
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import {
  type Attributes,
  type AttributeValue,
  type Envelope,
  EnvelopeError,
  type Extension,
} from "@envelope/core";
import type { CompiledFields, CompiledSchema } from "./compile.js";

/** What happens to one PII attribute. */
export type RedactAction = "drop" | "mask" | "hash" | "keep";

/** A redaction policy. Only attributes the schema marks `pii` are touched. */
export interface RedactionPolicy {
  /** The action for PII attributes no rule below names. Default `"drop"`. */
  readonly action?: RedactAction;
  /** Per body attribute key. */
  readonly attributes?: Readonly<Record<string, RedactAction>>;
  /** Per extension namespace, per attribute key. */
  readonly extensions?: Readonly<Record<string, Readonly<Record<string, RedactAction>>>>;
  /** The HMAC key; required when any action is `"hash"`. At least 16 bytes (UTF-8 for a string). */
  readonly hmacKey?: string | Uint8Array;
  /** The text a masked string becomes. Default `"redacted"`. */
  readonly mask?: string;
}

/** A checked policy, ready for the hot path. */
export interface CompiledRedaction {
  readonly policy: RedactionPolicy;
  actionFor(namespace: string | undefined, key: string): RedactAction;
  redactValue(value: AttributeValue, action: "mask" | "hash"): AttributeValue;
}

const ACTIONS: ReadonlySet<string> = new Set(["drop", "mask", "hash", "keep"]);

/**
 * Checks a policy once (throws `invalid_argument` for an unknown action, or
 * `"hash"` without an HMAC key of at least 16 bytes) and prepares it.
 */
export function compileRedaction(policy: RedactionPolicy): CompiledRedaction {
  const fallback = policy.action ?? "drop";
  const actions: RedactAction[] = [];
  const check = (action: unknown, where: string): void => {
    if (!ACTIONS.has(action as string)) {
      throw new EnvelopeError(
        "invalid_argument",
        `redaction action ${JSON.stringify(action)} at ${where} is not drop, mask, hash or keep`,
      );
    }
    actions.push(action as RedactAction);
  };
  check(fallback, "action");
  for (const [key, action] of Object.entries(policy.attributes ?? {})) {
    check(action, `attributes[${JSON.stringify(key)}]`);
  }
  for (const [ns, rules] of Object.entries(policy.extensions ?? {})) {
    for (const [key, action] of Object.entries(rules)) {
      check(action, `extensions[${JSON.stringify(ns)}][${JSON.stringify(key)}]`);
    }
  }
  // Only read here: the KeyObject below holds its own copy.
  const key =
    typeof policy.hmacKey === "string" ? new TextEncoder().encode(policy.hmacKey) : policy.hmacKey;
  if (actions.includes("hash") && (key === undefined || key.length < 16)) {
    throw new EnvelopeError(
      "invalid_argument",
      "a redaction policy that hashes needs an hmacKey of at least 16 bytes",
    );
  }
  const mask = policy.mask ?? "redacted";
  // A KeyObject is prepared once; passing raw key bytes would import them on every call.
  const secret: KeyObject | undefined = actions.includes("hash")
    ? createSecretKey(key!)
    : undefined;
  const hmac = (data: string | Uint8Array): Buffer =>
    createHmac("sha256", secret!).update(data).digest();
  const redactValue = (value: AttributeValue, action: "mask" | "hash"): AttributeValue => {
    switch (typeof value) {
      case "string":
        return action === "hash" ? hmac(value).toString("hex") : mask;
      case "bigint":
        return action === "hash"
          ? BigInt.asIntN(64, hmac(value.toString()).readBigUInt64BE(0))
          : 0n;
      case "number":
        return 0;
      case "boolean":
        return false;
      default:
        if (value instanceof Uint8Array) {
          return action === "hash" ? new Uint8Array(hmac(value)) : new Uint8Array(0);
        }
        if (Array.isArray(value)) return value.map((v) => redactValue(v, action));
        if (value instanceof Map) {
          const out = new Map<string, AttributeValue>();
          for (const [k, v] of value) out.set(k, redactValue(v, action));
          return out;
        }
        return mask;
    }
  };
  return {
    policy,
    actionFor(namespace, attributeKey) {
      // Own keys only: a namespace named "constructor" must not find Object's properties.
      const rules =
        namespace === undefined
          ? policy.attributes
          : policy.extensions !== undefined && Object.hasOwn(policy.extensions, namespace)
            ? policy.extensions[namespace]
            : undefined;
      return (
        rules !== undefined && Object.hasOwn(rules, attributeKey) ? rules[attributeKey] : fallback
      ) as RedactAction;
    },
    redactValue,
  };
}

/**
 * Returns `envelope` itself when it carries no PII attribute to change;
 * otherwise a copy with every PII attribute dropped, masked or hashed. The
 * input is never modified.
 */
export function redactEnvelope(
  schema: CompiledSchema,
  envelope: Envelope,
  redaction: CompiledRedaction,
): Envelope {
  // Stryker disable next-line ConditionalExpression: a fast path only; without pii fields nothing below changes
  if (!schema.hasPii) return envelope;
  const body = envelope.body;
  if (body === undefined) return envelope;
  const attributes = redactFields(schema.body, body.attributes, undefined, redaction);
  let extensions: Extension[] | undefined;
  const list = body.extensions ?? [];
  for (let i = 0; i < list.length; i++) {
    const ext = list[i]!;
    const fields = schema.extensions.get(ext.namespace)?.fields;
    if (fields === undefined) continue;
    const redacted = redactFields(fields, ext.attributes, ext.namespace, redaction);
    if (redacted !== ext.attributes) {
      extensions ??= list.slice();
      extensions[i] = { ...ext, attributes: redacted };
    }
  }
  if (attributes === body.attributes && extensions === undefined) return envelope;
  return { ...envelope, body: { ...body, attributes, extensions: extensions ?? list } };
}

function redactFields(
  fields: CompiledFields,
  attributes: Attributes,
  namespace: string | undefined,
  redaction: CompiledRedaction,
): Attributes {
  if (!(attributes instanceof Map)) return attributes;
  let out: Attributes | undefined;
  for (const field of fields.pii) {
    if (!attributes.has(field.key)) continue;
    const action = redaction.actionFor(namespace, field.key);
    if (action === "keep") continue;
    out ??= new Map(attributes);
    if (action === "drop") out.delete(field.key);
    else out.set(field.key, redaction.redactValue(attributes.get(field.key)!, action));
  }
  return out ?? attributes;
}
