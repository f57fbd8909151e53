/**
 * traceparent/tracestate hot path against OpenTelemetry's W3CTraceContextPropagator.
 *
 *   pnpm --filter @envelope/trace bench            # all cases
 *   pnpm --filter @envelope/trace bench tracestate # cases whose name matches a regex
 *
 * Each task call runs a batch of BATCH operations over a pool of distinct,
 * seeded headers, so timer overhead does not swamp sub-microsecond work; the
 * figures are per operation. Results land in the `sink` so nothing is dead code.
 */
import {
  extract,
  formatTraceParent,
  formatTraceState,
  inject,
  parseTraceParent,
  parseTraceState,
} from "@envelope/trace";
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { Bench } from "tinybench";

const BATCH = 1000;
const POOL = 256;

/** Seeded xorshift32, so every run measures the same headers. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const next = rng(0x5eed);
const hex = (chars: number) => {
  let out = "";
  while (out.length < chars) out += next().toString(16).padStart(8, "0");
  return out.slice(0, chars);
};

const traceparents = Array.from({ length: POOL }, (_, i) => `00-${hex(32)}-${hex(16)}-0${i % 4}`);
const tracestates = Array.from(
  { length: POOL },
  () => `congo=${hex(12)},rojo=${hex(16)},vendor@tenant=${hex(8)}`,
);

const otel = new W3CTraceContextPropagator();
let sink = 0;

interface Case {
  readonly name: string;
  readonly ours: () => void;
  readonly theirs: () => void;
}

const cases: Case[] = [
  {
    // The brief's comparison: our parse + format vs OTel extract + inject.
    name: "traceparent/parse+format",
    ours: () => {
      for (let i = 0; i < BATCH; i++) {
        const ctx = parseTraceParent(traceparents[i % POOL]!);
        if (ctx !== undefined) sink += formatTraceParent(ctx).length;
      }
    },
    theirs: () => {
      for (let i = 0; i < BATCH; i++) {
        const context = otel.extract(
          ROOT_CONTEXT,
          { traceparent: traceparents[i % POOL]! },
          defaultTextMapGetter,
        );
        const out: Record<string, string> = {};
        otel.inject(context, out, defaultTextMapSetter);
        sink += out.traceparent?.length ?? 0;
      }
    },
  },
  {
    // Same carriers both sides: a header record in, a header record out.
    name: "traceparent/extract+inject",
    ours: () => {
      for (let i = 0; i < BATCH; i++) {
        const ctx = extract({ traceparent: traceparents[i % POOL]! });
        const out: Record<string, string> = {};
        if (ctx !== undefined) inject(ctx, out);
        sink += out.traceparent?.length ?? 0;
      }
    },
    theirs: () => {
      for (let i = 0; i < BATCH; i++) {
        const context = otel.extract(
          ROOT_CONTEXT,
          { traceparent: traceparents[i % POOL]! },
          defaultTextMapGetter,
        );
        const out: Record<string, string> = {};
        otel.inject(context, out, defaultTextMapSetter);
        sink += out.traceparent?.length ?? 0;
      }
    },
  },
  {
    name: "tracestate/parse+format",
    ours: () => {
      for (let i = 0; i < BATCH; i++) {
        const ctx = parseTraceParent(traceparents[i % POOL]!);
        const state = parseTraceState(tracestates[i % POOL]!);
        if (ctx !== undefined && state !== undefined) {
          sink += formatTraceParent(ctx).length + formatTraceState(state).length;
        }
      }
    },
    theirs: () => {
      for (let i = 0; i < BATCH; i++) {
        const carrier = {
          traceparent: traceparents[i % POOL]!,
          tracestate: tracestates[i % POOL]!,
        };
        const context = otel.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
        const out: Record<string, string> = {};
        otel.inject(context, out, defaultTextMapSetter);
        sink += (out.traceparent?.length ?? 0) + (out.tracestate?.length ?? 0);
      }
    },
  },
  {
    name: "tracestate/extract+inject",
    ours: () => {
      for (let i = 0; i < BATCH; i++) {
        const ctx = extract({
          traceparent: traceparents[i % POOL]!,
          tracestate: tracestates[i % POOL]!,
        });
        const out: Record<string, string> = {};
        if (ctx !== undefined) inject(ctx, out);
        sink += (out.traceparent?.length ?? 0) + (out.tracestate?.length ?? 0);
      }
    },
    theirs: () => {
      for (let i = 0; i < BATCH; i++) {
        const carrier = {
          traceparent: traceparents[i % POOL]!,
          tracestate: tracestates[i % POOL]!,
        };
        const context = otel.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
        const out: Record<string, string> = {};
        otel.inject(context, out, defaultTextMapSetter);
        sink += (out.traceparent?.length ?? 0) + (out.tracestate?.length ?? 0);
      }
    },
  },
];

/** Both sides must write the same headers, or the comparison means nothing. */
function checkSameOutput(): void {
  for (let i = 0; i < POOL; i++) {
    const carrier = { traceparent: traceparents[i]!, tracestate: tracestates[i]! };
    const ours: Record<string, string> = {};
    inject(extract(carrier)!, ours);
    const theirs: Record<string, string> = {};
    otel.inject(
      otel.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter),
      theirs,
      defaultTextMapSetter,
    );
    if (ours.traceparent !== theirs.traceparent || ours.tracestate !== theirs.tracestate) {
      throw new Error(
        `outputs differ for ${JSON.stringify(carrier)}: ${JSON.stringify([ours, theirs])}`,
      );
    }
  }
}

function nsPerOp(medianMs: number): number {
  return (medianMs * 1e6) / BATCH;
}

async function main(): Promise<void> {
  const filter = new RegExp(process.argv[2] ?? ".");
  checkSameOutput();
  const rows: Record<string, string | number>[] = [];
  for (const c of cases.filter((c) => filter.test(c.name))) {
    const bench = new Bench({ name: c.name, time: 1000, warmupTime: 200 });
    bench.add(`${c.name} (ours)`, c.ours).add(`${c.name} (otel)`, c.theirs);
    await bench.run();
    const [ours, theirs] = bench.tasks.map((task) => {
      const result = task.result;
      if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
      return result.latency;
    });
    const oursNs = nsPerOp(ours!.p50);
    const theirsNs = nsPerOp(theirs!.p50);
    rows.push({
      case: c.name,
      "ours median ns/op": Number(oursNs.toFixed(1)),
      "otel median ns/op": Number(theirsNs.toFixed(1)),
      "ours ops/s": Math.round(1e9 / oursNs),
      "otel ops/s": Math.round(1e9 / theirsNs),
      "ours rme %": Number(ours!.rme.toFixed(2)),
      "speed-up (otel/ours)": `${(theirsNs / oursNs).toFixed(2)}x`,
    });
  }
  console.table(rows);
  if (sink === 42) console.log(""); // keeps `sink` observable
}

await main();
