/*
 * Fig 5C's CAM as the CPU drives it (flow-switch.ts `camLookup`, `camWrite`): a look-up writes
 * the flow key's four words to the CAM's key registers and reads the match address (the read
 * waits for the compare: the trace model's deviceWait of cam.lookupPs); a write or clear cycle
 * writes the key, the entry's address and the command, and reads the status, which answers
 * when the cycle is done (the trace model's deviceWait of the cycle). The register layout is an assumption
 * (control.h CAM_REGS).
 */

static inline void cam_key(const struct cam_key *k)
{
  DEV32(CAM_REGS + CAM_KEY) = k->proto;
  DEV32(CAM_REGS + CAM_KEY + 4) = k->src;
  DEV32(CAM_REGS + CAM_KEY + 8) = k->dst;
  DEV32(CAM_REGS + CAM_KEY + 12) = k->ports;
}

/* camLookup: the slot the CAM holds key k at, -1 none */
OP s32 cam_lookup(const struct cam_key *k)
{
  u32 m;
  cam_key(k);
  m = DEV32(CAM_REGS + CAM_MATCH);
  return m & CAM_NO_MATCH ? -1 : (s32)m;
}

/* camWrite: key k written at slot (cmd CAM_CMD_WRITE), or slot's word cleared (CAM_CMD_CLEAR); returns the status read at the cycle's end */
OP u32 cam_write(const struct cam_key *k, u32 slot, u32 cmd)
{
  cam_key(k);
  DEV32(CAM_REGS + CAM_ADDR) = slot;
  DEV32(CAM_REGS + CAM_CMD) = cmd;
  return DEV32(CAM_REGS + CAM_STATUS); /* the read waits for the cycle: the CAM serves one operation at a time */
}

HOST_INPUT struct cam_key cam_keys[64] __attribute__((aligned(32)));
