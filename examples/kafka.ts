import { eachEnvelope, kafkaTransport } from "@envelope/kafka";
import type { Envelope } from "@envelope/sdk";
import { Kafka, logLevel } from "kafkajs";

/** Producer side: a transport for the exporter, one frame per message, keyed by trace id. */
export function envelopeTopic(brokers: string[], topic: string) {
  return kafkaTransport({ kafka: { brokers }, topic, key: "traceId" });
}

/** Consumer side: every message becomes an envelope, or an error item that is skipped. */
export async function consumeEnvelopes(
  brokers: string[],
  topic: string,
  onEnvelope: (envelope: Envelope) => void,
  onSkipped: (offset: string, code: string) => void,
) {
  const consumer = new Kafka({ brokers, logLevel: logLevel.WARN }).consumer({
    groupId: "envelope-audit",
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: eachEnvelope((item) => {
      // A bad message is an error item (a stable code), never a throw.
      if (item.error === undefined) onEnvelope(item.envelope);
      else onSkipped(item.offset, item.error.code);
    }),
  });
  return consumer; // call disconnect() to stop
}
