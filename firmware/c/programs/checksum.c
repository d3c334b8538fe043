/*
 * Internet checksum (RFC 1071) over a buffer the host fills, and the incremental update of
 * RFC 1624 when one 16-bit word changes, checked against recomputing. Exercises halfword
 * loads, a tight add loop, shifts and folds.
 * In: packet[], packet_len, change_offset (even), change_value. Out: results[].
 */
#include "isa.h"

HOST_INPUT u8 packet[2048] __attribute__((aligned(4)));
HOST_INPUT u32 packet_len;
HOST_INPUT u32 change_offset;
HOST_INPUT u32 change_value;
u32 results[4];

static u32 fold(u32 sum)
{
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

u32 inet_checksum(const u8 *p, u32 n)
{
  const u16 *w = (const u16 *)p;
  u32 sum = 0;
  for (; n > 1; n -= 2) sum += *w++;
  if (n) sum += (u32)*(const u8 *)w << 8;
  return ~fold(sum) & 0xffff;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
u32 checksum_update(u32 hc, u32 old_word, u32 new_word)
{
  u32 sum = (~hc & 0xffff) + (~old_word & 0xffff) + new_word;
  return ~fold(sum) & 0xffff;
}

int main(void)
{
  u16 *word = (u16 *)(packet + change_offset);
  u32 before = inet_checksum(packet, packet_len);
  u32 old_word = *word;
  *word = (u16)change_value;
  results[0] = before;
  results[1] = checksum_update(before, old_word, change_value);
  results[2] = inet_checksum(packet, packet_len);
  results[3] = old_word;
  return results[1] == results[2];
}
