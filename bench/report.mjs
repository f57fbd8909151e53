// What a CI job publishes from a benchmark run: a Markdown summary of a
// result file (bench/results/latest.json), and the comparison of two result
// files that flags only changes outside both runs' measured noise.
//
//   node bench/report.mjs RESULT.json            Markdown summary on stdout
//   node bench/report.mjs BASE.json HEAD.json    comparison; exit 1 on a flagged drop

import { readFileSync } from "node:fs";

const fmt = (x) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
const range = (r) => `${fmt(r.ratio)}x [${fmt(r.min)}–${fmt(r.max)}]`;
/** A baseline's short label: the library, or the whole case when the SDK is compared with itself. */
const label = (b) => (b.startsWith("sdk") ? b : b.split("/")[0]);
const int = (n) => Math.round(n).toLocaleString("en-US");

/** Every measured ratio of a result file, by name `A vs B`: `{ ratio, min, max }`. */
export function ratiosOf(result) {
  const out = new Map();
  for (const c of result.cases ?? [])
    for (const [b, r] of Object.entries(c.ratios ?? {})) out.set(`${c.name} vs ${b}`, r);
  for (const p of result.peers ?? []) out.set(`${p.name} vs ${p.peer}`, p);
  return out;
}

/**
 * How much a ratio moves between two runs of the same code on top of the
 * range of its slices within one run: slices of one run share a process,
 * its compiled code and its heap, so their range understates the noise of a
 * second run. Measured: over five quick runs of one commit on the shared
 * 2-core development machine, the medians of a ratio stayed within NOISE
 * of each other for all but a few of them (README, Performance).
 */
export const RUN_NOISE = 0.08;

/** A ratio's noise band: its slice range widened by RUN_NOISE each way. */
const band = (r) => [r.min * (1 - RUN_NOISE), r.max * (1 + RUN_NOISE)];

/**
 * Compares two result files: a ratio is flagged when each run's median lies
 * outside the other run's noise band, so a change within the noise either
 * run measured is never flagged.
 */
export function compareResults(base, head) {
  const before = ratiosOf(base);
  const changes = [];
  for (const [name, now] of ratiosOf(head)) {
    const was = before.get(name);
    if (was === undefined || was.min === undefined || now.min === undefined) continue;
    const [wasLow, wasHigh] = band(was);
    const [nowLow, nowHigh] = band(now);
    const outside =
      (now.ratio < wasLow || now.ratio > wasHigh) && (was.ratio < nowLow || was.ratio > nowHigh);
    changes.push({ name, was, now, change: now.ratio / was.ratio - 1, flagged: outside });
  }
  return changes;
}

/** The comparison as Markdown: flagged changes first, then a count of the rest. */
export function compareMarkdown(changes) {
  const flagged = changes.filter((c) => c.flagged);
  const lines = [`### Benchmark comparison (${changes.length} ratios in both runs)`, ""];
  if (flagged.length === 0) {
    lines.push("No change outside the measured noise of both runs.");
  } else {
    lines.push("| ratio | base | head | change |", "|---|---|---|---|");
    for (const c of flagged.sort((a, b) => a.change - b.change))
      lines.push(
        `| ${c.name} | ${range(c.was)} | ${range(c.now)} | ${c.change >= 0 ? "+" : ""}${(c.change * 100).toFixed(0)}%${c.change < 0 ? " **slower**" : ""} |`,
      );
  }
  return `${lines.join("\n")}\n`;
}

/** A result file as Markdown: ratios with ranges, peers, regressions, machine and versions. */
export function resultMarkdown(result) {
  const lines = [
    `## Envelope benchmark (${result.mode}, ${result.date})`,
    "",
    "Throughput ratios, SDK over the other side (above 1 = the SDK is faster): median of alternating slices [range over slices].",
    "",
    "| SDK case | SDK ops/s | ratios |",
    "|---|---|---|",
  ];
  for (const c of result.cases) {
    if (!c.name.startsWith("sdk") || Object.keys(c.ratios ?? {}).length === 0) continue;
    const ratios = Object.entries(c.ratios)
      .map(([b, r]) =>
        b.startsWith("walk/") ? `${fmt(1 / r.ratio)}x the walk floor` : `${range(r)} ${label(b)}`,
      )
      .join(", ");
    lines.push(`| ${c.name} | ${int(c.opsPerSec)} | ${ratios} |`);
  }
  if ((result.peers ?? []).length > 0) {
    lines.push(
      "",
      `Native peers (separate processes, same fixture files, release builds; see docs/interop.md):`,
      "",
      "| SDK case | peer | SDK ops/s | peer ops/s | SDK/peer |",
      "|---|---|---|---|---|",
    );
    for (const p of result.peers)
      lines.push(
        `| ${p.name} | ${p.peer} | ${int(p.opsPerSec)} | ${int(p.peerOpsPerSec)} | ${range(p)} |`,
      );
  }
  const regressions = result.regressions ?? [];
  lines.push(
    "",
    regressions.length === 0
      ? `Regressions against bench/baseline.json: ${result.checked ? "none" : "not checked (run with --check)"}.`
      : `**Regressions against bench/baseline.json:** ${regressions.join("; ")}`,
  );
  const m = result.machine;
  lines.push(
    "",
    `Machine: ${m.cpus} × ${m.cpu}, ${m.memoryGb} GB; Node.js ${result.node}; ${Object.entries(
      result.packages,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
  );
  if (result.peerVersions !== undefined)
    lines.push(
      "",
      `Peers: ${Object.entries(result.peerVersions)
        .map(([k, v]) => `${k} ${v ?? "?"}`)
        .join(", ")}.`,
    );
  return `${lines.join("\n")}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [a, b] = process.argv.slice(2);
  if (a === undefined) {
    console.error("usage: node bench/report.mjs RESULT.json | BASE.json HEAD.json");
    process.exit(2);
  }
  const read = (file) => JSON.parse(readFileSync(file, "utf8"));
  if (b === undefined) {
    process.stdout.write(resultMarkdown(read(a)));
  } else {
    const changes = compareResults(read(a), read(b));
    process.stdout.write(compareMarkdown(changes));
    process.exit(changes.some((c) => c.flagged && c.change < 0) ? 1 : 0);
  }
}
