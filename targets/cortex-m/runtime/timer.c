#include "timer.h"

/* CMSDK APB timer 0: CTRL, VALUE (counting down), RELOAD. */
#define TIMER0 ((volatile uint32_t *)0x40000000u)
enum { CTRL = 0, VALUE = 1, RELOAD = 2 };

void timer_start(void) {
  TIMER0[CTRL] = 0;
  TIMER0[RELOAD] = 0xFFFFFFFFu;
  TIMER0[VALUE] = 0xFFFFFFFFu;
  TIMER0[CTRL] = 1; /* enable */
}

uint32_t timer_ticks(void) { return 0xFFFFFFFFu - TIMER0[VALUE]; }
