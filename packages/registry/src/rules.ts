/**
 * Value rules: the ranges, allowed values, lengths and item counts a
 * descriptor may declare per field, compiled once into one check per field.
 * A check runs after the type check passed, so it sees values of the
 * declared type only.
 *
 * @see docs/spec.md "Schema registry", "Value rules"
 */
import type { AttributeValue } from "@envelope/core";
import {
  carriesArray,
  type FieldDescriptor,
  ruleValueType,
  type ScalarTypeName,
} from "./descriptor.js";
import type { SchemaIssue } from "./issues.js";

/** What a broken rule is reported as. */
export interface RuleViolation {
  readonly code: "out_of_range" | "not_allowed_value" | "wrong_length";
  readonly message: string;
}

/**
 * Checks a field's (type-correct) value against its rules, appending issues
 * at `path` (elements at `path[i]`). `undefined` when the field has no rules.
 */
export type RuleCheck = (
  value: AttributeValue,
  path: string,
  issues: SchemaIssue[] | undefined,
) => SchemaIssue[] | undefined;

/** Length of a string in Unicode code points (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  let n = text.length;
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: past the last code unit charCodeAt is NaN, never a low surrogate
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Whether a field declares any value rule. */
export function hasRules(field: FieldDescriptor): boolean {
  return (
    field.minimum !== undefined ||
    field.maximum !== undefined ||
    field.enum !== undefined ||
    field.minLength !== undefined ||
    field.maxLength !== undefined ||
    field.minItems !== undefined ||
    field.maxItems !== undefined
  );
}

/** `"text"` for strings, `12` for numbers and bigints, as messages show values. */
export function showValue(value: string | number | bigint): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Object.is(value, -0)) return "-0";
  return String(value);
}

/**
 * The rule one scalar value breaks (the first, in the order minimum,
 * maximum, enum, minLength, maxLength), or `undefined`. `scalar` is the
 * field's {@link ruleValueType} (`undefined`, for a map or nested array,
 * breaks none); `allowed` is the field's enum as a set
 * (`undefined` when it has none).
 */
export function scalarViolation(
  field: FieldDescriptor,
  scalar: ScalarTypeName | undefined,
  value: AttributeValue,
  allowed: ReadonlySet<string | bigint> | undefined,
): RuleViolation | undefined {
  if (scalar === "int" || scalar === "double") {
    const v = value as number | bigint;
    const min = field.minimum;
    const max = field.maximum;
    // `!(v >= min)`, not `v < min`: NaN is outside every range.
    if (min !== undefined && !(v >= min)) {
      return {
        code: "out_of_range",
        message: `${showValue(v)} is below the minimum ${showValue(min)}`,
      };
    }
    if (max !== undefined && !(v <= max)) {
      return {
        code: "out_of_range",
        message: `${showValue(v)} is above the maximum ${showValue(max)}`,
      };
    }
  }
  if (allowed !== undefined && (scalar === "string" || scalar === "int")) {
    if (!allowed.has(value as string | bigint)) {
      return {
        code: "not_allowed_value",
        message: `${showValue(value as string | bigint)} is not one of ${listValues(field.enum!)}`,
      };
    }
  }
  if (field.minLength !== undefined || field.maxLength !== undefined) {
    let length: number;
    let unit: string;
    if (scalar === "string") {
      length = codePointLength(value as string);
      unit = "code point(s)";
    } else if (scalar === "bytes") {
      length = (value as Uint8Array).length;
      unit = "byte(s)";
    } else return undefined;
    if (field.minLength !== undefined && length < field.minLength) {
      return {
        code: "wrong_length",
        message: `${length} ${unit}, fewer than minLength ${field.minLength}`,
      };
    }
    if (field.maxLength !== undefined && length > field.maxLength) {
      return {
        code: "wrong_length",
        message: `${length} ${unit}, more than maxLength ${field.maxLength}`,
      };
    }
  }
  return undefined;
}

/** The enum values as messages list them: the first 10, then how many in all. */
function listValues(values: readonly (string | bigint)[]): string {
  const shown = values.slice(0, 10).map(showValue).join(", ");
  return values.length > 10 ? `${shown}, ... (${values.length} values)` : shown;
}

/** The rule an array's element count breaks, or `undefined`. */
export function itemsViolation(field: FieldDescriptor, count: number): RuleViolation | undefined {
  if (field.minItems !== undefined && count < field.minItems) {
    return {
      code: "wrong_length",
      message: `${count} item(s), fewer than minItems ${field.minItems}`,
    };
  }
  if (field.maxItems !== undefined && count > field.maxItems) {
    return {
      code: "wrong_length",
      message: `${count} item(s), more than maxItems ${field.maxItems}`,
    };
  }
  return undefined;
}

/**
 * Every rule a (type-correct) field value breaks: the item count first, then
 * each element (`index` set) or the value itself.
 */
export function ruleViolations(
  field: FieldDescriptor,
  value: AttributeValue,
): { readonly index: number | undefined; readonly violation: RuleViolation }[] {
  const out: { index: number | undefined; violation: RuleViolation }[] = [];
  const scalar = ruleValueType(field);
  const allowed = field.enum === undefined ? undefined : new Set(field.enum);
  if (carriesArray(field) && Array.isArray(value)) {
    const items = itemsViolation(field, value.length);
    if (items !== undefined) out.push({ index: undefined, violation: items });
    for (let i = 0; i < value.length; i++) {
      const v = scalarViolation(field, scalar, value[i]!, allowed);
      if (v !== undefined) out.push({ index: i, violation: v });
    }
    return out;
  }
  const v = scalarViolation(field, scalar, value, allowed);
  if (v !== undefined) out.push({ index: undefined, violation: v });
  return out;
}

/** Compiles a field's rules into one check, or `undefined` when it has none. Allocates only for issues. */
export function compileRules(field: FieldDescriptor): RuleCheck | undefined {
  if (!hasRules(field)) return undefined;
  const scalar = ruleValueType(field);
  const array = carriesArray(field);
  // A set, so a long enum costs one lookup per value (bigints compare by value in a Set).
  const allowed = field.enum === undefined ? undefined : new Set(field.enum);
  const push = (
    issues: SchemaIssue[] | undefined,
    path: string,
    v: RuleViolation,
  ): SchemaIssue[] => {
    const issue: SchemaIssue = { path, code: v.code, message: v.message };
    if (issues === undefined) return [issue];
    issues.push(issue);
    return issues;
  };
  return (value, path, issues) => {
    if (array && Array.isArray(value)) {
      const items = itemsViolation(field, value.length);
      if (items !== undefined) issues = push(issues, path, items);
      for (let i = 0; i < value.length; i++) {
        const v = scalarViolation(field, scalar, value[i]!, allowed);
        if (v !== undefined) issues = push(issues, `${path}[${i}]`, v);
      }
      return issues;
    }
    const v = scalarViolation(field, scalar, value, allowed);
    if (v !== undefined) issues = push(issues, path, v);
    return issues;
  };
}
