#include "stack.h"

#define PATTERN 0x5E4E5E4Eu
/* Left alone below the painter's own frame. */
#define MARGIN 64u

extern uint32_t __stack_limit[];

uintptr_t stack_pointer(void) {
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

void stack_paint(void) {
  uint32_t *end = (uint32_t *)(stack_pointer() - MARGIN);
  for (volatile uint32_t *word = __stack_limit; word < end; ++word)
    *word = PATTERN;
}

uintptr_t stack_low_water(void) {
  const uint32_t *word = __stack_limit;
  while (*word == PATTERN)
    ++word;
  return (uintptr_t)word;
}
