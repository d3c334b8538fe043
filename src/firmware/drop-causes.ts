/** Named causes for frames the firmware drops; every drop is counted under one of these. */
export const DROP_CAUSES = [
  "malformed", // the frame did not parse
  "noLiveServer", // the cluster has no server that may take the flow
  "noLiveRouter", // a frame for a failed router and no live router in its pool
  "arpSpoofRejected", // ARP from the router side claiming a virtual IP or a server's MAC
  "arpIsolated", // a server's ARP about its cluster's virtual IP (broadcast isolation)
  "arpUnanswered", // an ARP request for an address the switch does not answer for
  "unknownDestination", // unicast to a MAC the switch has no entry for
  "broadcastIsolated", // a non-ARP broadcast or multicast
] as const;
export type DropCause = (typeof DROP_CAUSES)[number];
