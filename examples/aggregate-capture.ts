import { aggregate, fileSource, formatTable } from "@envelope/aggregate";
import { loadRegistry } from "@envelope/registry";

/**
 * How long sign-ins took, per version as written and producer language, with
 * every sign-in brought to request/auth_request 1.2.0 first (1.1.0's
 * latency_ms is 1.2.0's duration_ms, by the registry's declared transform).
 */
export async function signInReport(capture: string, schemas: string): Promise<string> {
  const result = await aggregate(fileSource(capture), {
    registry: loadRegistry(schemas),
    to: { "request/auth_request": "1.2.0" },
    by: ["version", "language"],
    values: ["duration_ms", "attempts"],
    quantiles: [0.5, 0.99],
  });
  return formatTable(result);
}
