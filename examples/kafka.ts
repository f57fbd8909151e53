import { createExporter } from "@envelope/export";
import { eachEnvelope, kafkaTransport } from "@envelope/kafka";
import type { Envelope } from "@envelope/sdk";
import { Kafka, logLevel } from "kafkajs";

/** Producer side: sends envelopes to a Kafka topic, one frame per message, keyed by trace id. */
export async function sendToKafka(brokers: string[], topic: string, envelopes: Envelope[]) {
  const exporter = createExporter({ transport: kafkaTransport({ kafka: { brokers }, topic }) }); // once
  for (const envelope of envelopes) exporter.export(envelope); // encodes now, sends later in batches
  const { stats } = await exporter.shutdown({ timeoutMs: 5_000 }); // at exit
  return stats;
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
