// IMPORTANT: exports added here are public API of @envelope/protobuf.
export { createProtobufCodec, protobufCodec } from "./codec.js";
export {
  type PreparedEncoder,
  type PreparedEvent,
  type PreparedInit,
  prepareEncoder,
} from "./prepared.js";
