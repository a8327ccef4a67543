/* The stack's high-water mark: the stack is painted with a pattern at reset,
 * and the lowest word that no longer holds it is as deep as the stack went.
 * serenity-run-qemu checks the compiler's stack estimate against it. */
#ifndef SERENITY_STACK_H
#define SERENITY_STACK_H

#include <stdint.h>

/* Paints the stack below the caller's frame (the reset handler calls it). */
void stack_paint(void);
/* The current stack pointer. */
uintptr_t stack_pointer(void);
/* The lowest address written since stack_paint. */
uintptr_t stack_low_water(void);

#endif
