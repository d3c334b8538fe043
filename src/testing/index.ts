/**
 * flowsim's test kit ("flowsim/testing"): the firmware-only test board, to drive the flow switch
 * and its failover machines frame by frame without a full board (docs/api.md, "Testing the firmware").
 */
export { answerProbe, arpRequest, config, harness, inboundFrame, NO_PROBES, quietConfig, ROUTER_IP, ROUTER_MAC, SERVER_IP, SERVER_MAC, SERVER_PORT, tcp, VIP, VMAC, type Answering } from "./firmware-board.ts";
/** A CPU-path verdict that is not a port: the frame was dropped, or consumed by the firmware (an ARP or probe answer). */
export { Verdict } from "../hw/cpu-board.ts";
