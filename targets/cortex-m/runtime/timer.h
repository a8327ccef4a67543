/* Instructions executed, from CMSDK timer 0 of the mps2 board: QEMU run with
 * -icount shift=0 retires one instruction per virtual nanosecond, and the
 * timer counts at 25 MHz, so one tick is 40 instructions. */
#ifndef SERENITY_TIMER_H
#define SERENITY_TIMER_H

#include <stdint.h>

#define SERENITY_INSTRUCTIONS_PER_TICK 40u

void timer_start(void);
/* Ticks since timer_start (32 bits: 171 G instructions). */
uint32_t timer_ticks(void);

#endif
