/**
 * Server identity is per cluster (issue 22 item 1): a physical server in two clusters is two
 * monitored copies that fail together; names, MACs and ports that would make "which server"
 * ambiguous are refused with a line naming the field.
 */
import { describe, expect, it } from "vitest";
import { SwitchConfigSchema, type SwitchConfigInput } from "../../src/firmware/config.ts";
import { harness, SERVER_MAC, SERVER_PORT, tcpTo, twoClusters, VIP_B, VMAC_B } from "./harness.ts";

const US = 1_000_000;
describe("server identity is per cluster", () => {
  it("a real server configured in clusters web and b dies: both copies are declared down, and b sends it no new flow", () => {
    let sharedAlive = true;
    const interval = 100 * US;
    const health = { kind: "arp" as const, intervalPs: interval, timeoutPs: 50 * US, rise: 2, fall: 3 };
    const h = harness(twoClusters("round-robin", { health }), { alive: (port) => port !== 12 || sharedAlive, delayPs: () => 3 * US });
    h.sim.run(2 * interval);
    sharedAlive = false;
    h.sim.run(8 * interval);
    const r = h.fw.read().clusters;
    expect(r["web"]!.servers["shared"]!.state).toBe("down");
    expect(r["b"]!.servers["shared"]!.state).toBe("down");
    let toDead = 0;
    for (let f = 0; f < 30; f++) if (h.run(tcpTo(VIP_B, VMAC_B, 0x0a000100 + f, 4000 + f))[1].subarray(0, 6).every((x, i) => x === [2, 0, 0, 0, 2, 12][i])) toDead++;
    expect(toDead).toBe(0);
  });

  it("admin calls name a server in one cluster, or the physical server in all of them", () => {
    const h = harness(twoClusters());
    h.fw.drain("shared", true, "b");
    expect(h.fw.read().clusters["b"]!.servers["shared"]!.draining).toBe(true);
    expect(h.fw.read().clusters["web"]!.servers["shared"]!.draining).toBe(false);
    h.fw.serverDown("shared");
    expect(h.fw.read().clusters["web"]!.servers["shared"]!.state).toBe("down");
    expect(h.fw.read().clusters["b"]!.servers["shared"]!.state).toBe("down");
    expect(() => h.fw.serverDown("s2", "web")).toThrow(/no server named s2 in cluster web/);
  });

  it("ambiguous configurations are refused with a line naming what is wrong", () => {
    const bad = (mutate: (c: SwitchConfigInput) => void) => {
      const c = twoClusters();
      mutate(c);
      const r = SwitchConfigSchema.safeParse(c);
      return r.success ? "" : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    };
    expect(bad(() => {})).toBe("");
    expect(bad((c) => (c.clusters[1]!.servers[2] = { name: "shared", mac: SERVER_MAC(13), port: 12 }))).toMatch(/clusters.1.servers.2: server shared is in several clusters with different mac or port/);
    expect(bad((c) => (c.clusters[1]!.servers[0]!.name = "s0"))).toMatch(/server s0 is in several clusters/);
    expect(bad((c) => (c.clusters[1]!.servers[0]!.mac = SERVER_MAC(0)))).toMatch(/mac is also server s0's/);
    expect(bad((c) => (c.clusters[0]!.servers[1]!.port = SERVER_PORT(0)))).toMatch(/shares port 4 with another server of cluster web/);
    expect(bad((c) => c.clusters[0]!.servers.push({ name: "s0", mac: SERVER_MAC(9), port: 9 }))).toMatch(/server s0 is twice in cluster web/);
    expect(bad((c) => (c.clusters[1]!.vip = c.clusters[0]!.vip))).toMatch(/clusters.1.vip/);
    expect(bad((c) => (c.clusters[1]!.name = "web"))).toMatch(/cluster name web is used twice/);
    expect(bad((c) => (c.routerPools![0]!.routers[0]!.port = SERVER_PORT(0)))).toMatch(/a port is on the router side or the server side/);
    expect(bad((c) => (c.routerPools![0]!.routers[1]!.mac = SERVER_MAC(0)))).toMatch(/router r1's mac is already used/);
    expect(bad((c) => (c.switchIp = c.clusters[0]!.vip))).toMatch(/switchIp/);
  });
});
