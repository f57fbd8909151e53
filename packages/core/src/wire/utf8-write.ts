/** Node's `Buffer.prototype.utf8Write` signature (it works on any Uint8Array). */
export type Utf8Write = (this: Uint8Array, text: string, offset: number, length: number) => number;

/**
 * Node's `Buffer.prototype.utf8Write`, when present: the same output as
 * `TextEncoder.encodeInto` (lone surrogates become U+FFFD) without its
 * per-call argument checks, which cost more than the copy for short strings;
 * cbor-x uses it the same way. `undefined` outside Node. Used by the
 * protobuf and CBOR writers.
 */
// Stryker disable next-line OptionalChaining: tests run on Node, where Buffer is always there
export const nodeUtf8Write: Utf8Write | undefined = (
  globalThis as { Buffer?: { prototype: { utf8Write?: Utf8Write } } }
).Buffer?.prototype.utf8Write;
