/** Frames: addresses, checksums, codecs, zero-allocation parsing, the frame pool and pcap. */
export * from "./mac.ts";
export * from "./ipv4-addr.ts";
export * from "./checksum.ts";
export * from "./codec/result.ts";
export * from "./codec/l4.ts";
export * from "./codec/ipv4.ts";
export * from "./codec/arp.ts";
export * from "./codec/ethernet.ts";
export * from "./parse.ts";
export * from "./frame-pool.ts";
export * from "./pcap.ts";
export { sampleMix, SAMPLE_KINDS } from "./sample-mix.ts";
