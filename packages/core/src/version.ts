/** The SDK version written into `header.producer.version` by {@link createEnvelope}. */
export const SDK_VERSION = "0.1.0";

/** The language written into `header.producer.language`. */
export const SDK_LANGUAGE = "typescript";
