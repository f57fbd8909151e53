/** UTF-8 lengths of JavaScript strings, for limits that count UTF-8 bytes. */

/**
 * The UTF-8 length of `text[0, end)`. A lone surrogate counts 3 bytes
 * (what `TextEncoder` writes for it); callers reject lone surrogates elsewhere.
 */
export function utf8Length(text: string, end = text.length): number {
  let bytes = end;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
      continue;
    }
    bytes += 2;
    // A high surrogate followed by a low one: 2 units, 4 bytes, all counted
    // here (when `end` cuts the pair, skipping the low one ends the loop alike).
    // Stryker disable next-line ConditionalExpression,LogicalOperator: differs only for lone surrogates, which the callers' text never holds
    if (c >= 0xd800 && c < 0xdc00) {
      const next = text.charCodeAt(i + 1);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: as above
      if (next >= 0xdc00 && next < 0xe000) i++;
    }
  }
  return bytes;
}

/**
 * Whether `text` is longer than `max` UTF-8 bytes. A UTF-16 unit takes 1 to 3
 * bytes, so only strings between `max / 3` and `max` units need counting.
 */
export function utf8LongerThan(text: string, max: number): boolean {
  const units = text.length;
  // Stryker disable next-line ConditionalExpression: a shortcut; the count below gives the same answer
  if (units > max) return true;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; the count below gives the same answer
  if (units * 3 <= max) return false;
  return utf8Length(text) > max;
}
