/** Named workloads for board runs: nominal frame bits/s per router (inbound) and per server (outbound) at load 1.0. */
export const WORKLOADS = {
  mixed: { inboundBpsPerRouter: 15e6, outboundBpsPerServer: 60e6, description: "4 routers x 15 Mb/s in, 4 servers x 60 Mb/s out (most bytes outbound)" },
  "inbound-heavy": { inboundBpsPerRouter: 40e6, outboundBpsPerServer: 10e6, description: "4 routers x 40 Mb/s in, 4 servers x 10 Mb/s out" },
  "outbound-heavy": { inboundBpsPerRouter: 5e6, outboundBpsPerServer: 90e6, description: "4 routers x 5 Mb/s in, 4 servers x 90 Mb/s out" },
} as const;

/** The named workloads: mixed, inbound-heavy, outbound-heavy. */
export type WorkloadName = keyof typeof WORKLOADS;
