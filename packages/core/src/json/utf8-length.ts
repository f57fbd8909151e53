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
    if (c < 0x800) bytes += 1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: past the end charCodeAt is NaN, not a low surrogate
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < end) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 2; // a pair: 2 units, 4 bytes
        i++;
      } else bytes += 2;
    } else bytes += 2;
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
  if (units * 3 <= max) return false;
  return utf8Length(text) > max;
}
