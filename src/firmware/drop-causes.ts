/** Named causes for frames the firmware drops; every drop is counted under one of these. */
export const DROP_CAUSES = [
  "malformed", // the frame did not parse
  "noLiveServer", // the cluster has no server that may take the flow
  "noLiveRouter", // a frame for a failed router and no live router in its pool
  "arpSpoofRejected", // ARP claiming an address not its sender's (a virtual IP, a server's MAC, a router's address from elsewhere), or sent to a server from the router side
  "arpIsolated", // a server's ARP about its cluster's virtual IP (broadcast isolation)
  "arpUnanswered", // an ARP request for an address the switch does not answer for
  "unknownDestination", // unicast to a MAC the switch has no entry for
  "broadcastIsolated", // a non-ARP broadcast or multicast
  "notForVip", // a frame for a cluster's virtual MAC whose IP destination is not that cluster's virtual IP
  "serverMacFromRouterSide", // from the router side to a server's MAC, not for a virtual IP (forged, or ARP poisoning)
  "spoofedProbeAnswer", // a probe answer from a port or MAC other than the probed target's, or of the wrong kind
  "fragmentUnmatched", // a later fragment of a datagram whose first fragment the switch has not seen (or whose server failed since), or a first fragment too short to hold its ports
] as const;
export type DropCause = (typeof DROP_CAUSES)[number];
