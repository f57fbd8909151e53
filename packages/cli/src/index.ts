// IMPORTANT: exports added here are public API of @envelope/cli (the `envelope` binary is the main interface).

export { ExitCode } from "./exit-codes.js";
export type { Detected, Form } from "./input/detect.js";
export { detect, detectBinary, FORM_NAMES } from "./input/detect.js";
export { looksDelimited, looksLikeEnvelope } from "./input/protobuf-shape.js";
export type { TextEncoding } from "./input/text.js";
export { decodeText, textEncodingOf } from "./input/text.js";
export { cliVersion, main } from "./main.js";
export type { Io } from "./output/terminal.js";
