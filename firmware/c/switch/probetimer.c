/*
 * timerTick (probes.ts ProbeTarget's timer job: `expire`, then `settle`): a probe deadline
 * judged. Every waiting probe past its deadline fails, in order, unless the switch lost frames of
 * the target's port in its life (void) or, for a host-level probe (ARP, ICMP), frames kept
 * arriving from the port (excused); a failure is the health machine's PROBE_FAIL (machines.ts
 * healthMachine: down after `fall` consecutive failures, up after `rise` answers). Answered
 * probes leave the front, and the timer is pointed at the oldest probe still waiting.
 * Also the answer's bookkeeping (ProbeTarget `answer`), which the tests use to vary the ring.
 */

/* ProbeTarget `pop`: the oldest probe leaves; its token is released */
static void probe_pop(struct probe_target *t)
{
  s32 tok = t->token[t->head];
  if (tok >= 0 && token_owner[tok] == t->id + 1) token_owner[tok] = 0;
  if (++t->head == t->ring_len) t->head = 0;
  t->count--;
}

/* healthMachine's PROBE_FAIL */
static void health_fail(struct probe_target *t)
{
  if (!t->up) {
    t->ok = 0;
    return;
  }
  if (t->failed + 1 >= t->fall) {
    t->up = 0;
    t->ok = t->failed = 0;
    t->changes++;
  } else t->failed++;
}

/* healthMachine's PROBE_OK */
static void health_ok(struct probe_target *t)
{
  if (t->up) {
    t->failed = 0;
    return;
  }
  if (t->ok + 1 >= t->rise) {
    t->up = 1;
    t->ok = t->failed = 0;
    t->changes++;
  } else t->ok++;
}

/* ProbeTarget `fail`: the oldest probe went unanswered */
static void probe_fail(struct probe_target *t)
{
  u32 i = t->head, port = t->port;
  u32 lost = port_stats[port].lost != t->lost0[i];
  u32 sending = t->host_check && port_stats[port].received != t->received0[i];
  probe_pop(t);
  if (lost) t->voided++;
  else if (sending) t->excused++;
  else {
    t->failed_n++;
    health_fail(t);
  }
}

/* ProbeTarget `settle`: answered probes leave the front; the timer follows the oldest one waiting */
static void probe_settle(struct probe_target *t)
{
  while (t->count > 0 && t->answered[t->head]) probe_pop(t);
  if (t->retired || t->count == 0) t->timer_armed = 0;
  else {
    t->timer = t->deadline[t->head];
    t->timer_armed = 1;
  }
}

/* The probe timer of target `ti` fired at time now (ps, hi:lo): its deadlines judged. Returns the probes still waiting. */
OP u32 probe_expire(u32 ti, u32 now_hi, u32 now_lo)
{
  struct probe_target *t = &targets[ti];
  u64 now = ((u64)now_hi << 32) | now_lo;
  while (t->count > 0 && (t->answered[t->head] || t->deadline[t->head] <= now)) {
    if (t->answered[t->head]) probe_pop(t);
    else probe_fail(t);
  }
  probe_settle(t);
  return t->count;
}

/* ProbeTarget `answer`: an answer with `token` (-1: ARP, the oldest waiting probe). Returns 1 if a waiting probe matched. */
OP u32 probe_answer(u32 ti, s32 token)
{
  struct probe_target *t = &targets[ti];
  u32 k, i;
  for (k = 0; k < t->count; k++) {
    i = t->head + k;
    if (i >= t->ring_len) i -= t->ring_len;
    if (t->answered[i] || (token >= 0 && t->token[i] != token)) continue;
    t->answered[i] = 1;
    t->answered_n++;
    health_ok(t);
    probe_settle(t);
    return 1;
  }
  t->late++;
  return 0;
}
