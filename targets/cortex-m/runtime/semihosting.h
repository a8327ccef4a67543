/* Semihosting: the program's console and exit code, through the debugger
 * (here QEMU's -semihosting). ARM's "Semihosting for AArch32 and AArch64". */
#ifndef SERENITY_SEMIHOSTING_H
#define SERENITY_SEMIHOSTING_H

#include <stddef.h>

/* Writes `length` bytes to the host's stdout. */
void semihosting_write(const char *text, size_t length);
/* Writes a NUL-terminated string. */
void semihosting_puts(const char *text);
/* Ends the program with `code` as QEMU's exit status. */
void semihosting_exit(int code) __attribute__((noreturn));

#endif
