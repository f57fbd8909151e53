// IMPORTANT: exports added here are public API of @envelope/protobuf.
export { createProtobufCodec, protobufCodec } from "./codec.js";
