/**
 * The medium envelope of the registry's benchmark and tests: a
 * `request/payment_request` 1.1.0 event that satisfies the example schema,
 * with 36 body attributes and two extensions (card: 4, http: 5), about the
 * size of the SDK bench's medium case.
 */
import { createEnvelope, type Envelope, hexToBytes } from "@envelope/core";

/** The medium payment envelope (a new object each call; fixed ids and time). */
export function mediumPaymentEnvelope(): Envelope {
  return createEnvelope({
    schema: { type: "request", subtype: "payment_request", version: "1.1.0" },
    eventId: hexToBytes("0af7651916cd43dd8448eb211c80319c"),
    timeUnixNano: 1_700_000_000_000_000_000n,
    resource: {
      serviceName: "payments",
      serviceVersion: "7.3.0",
      environment: "production",
      region: "eu-west-1",
      attributes: { "k8s.namespace": "payments", "k8s.pod": "payments-5d9f7c-qw8zt" },
    },
    attributes: {
      payment_id: "pay_3N8kQ2eZvKYlo2C0",
      status: "authorized",
      amount: 129.9,
      currency: "EUR",
      merchant_id: "acct_1Mx9LkQ2",
      customer_id: "cus_9s8d7f6g5h",
      customer_email: "jane.doe@example.com",
      payment_method: "card",
      country: "DE",
      ip_address: "203.0.113.42",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
      risk_score: 12.5,
      risk_level: "low",
      three_ds: true,
      three_ds_version: "2.2.0",
      attempt: 1n,
      idempotency_key: "0c5b2f3e-8a41-4d7e-b8a2-6f1e9d3c7a55",
      order_id: "ord_20231114_000123",
      items_count: 3n,
      tags: ["web", "returning-customer"],
      metadata: { campaign: "black-friday", channel: "web" },
      gateway: "adyen",
      gateway_latency_ms: 184.25,
      authorization_code: "A1B2C3",
      captured: false,
      refundable: true,
      fee_amount: 2.17,
      tax_amount: 20.74,
      shipping_country: "DE",
      billing_country: "DE",
      installments: 1n,
      device_id: "dfp_6a1c0e7b9d",
      session_id: "cs_live_a1b2c3d4e5",
      duration_ms: 231.5,
      fraud_checks: ["velocity", "bin_country", "ip_reputation"],
      risk_rules: ["new_device"],
    },
    extensions: [
      {
        namespace: "card",
        version: "1.0.0",
        attributes: { brand: "visa", last4: "4242", bin: "424242", country: "US" },
      },
      {
        namespace: "http",
        version: "1.1.0",
        attributes: {
          method: "POST",
          route: "/v1/payments",
          status: 201n,
          request_bytes: 512n,
          response_bytes: 2048n,
        },
      },
    ],
  });
}
