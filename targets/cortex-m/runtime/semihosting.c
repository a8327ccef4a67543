#include "semihosting.h"

#include <stdint.h>
#include <string.h>

enum {
  SYS_OPEN = 0x01,
  SYS_WRITE = 0x05,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int call(int operation, void *argument) {
  register int r0 __asm__("r0") = operation;
  register void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/* The host's console: the special file ":tt" opened for writing. */
static int console(void) {
  static int handle = -1;
  if (handle < 0) {
    static const char name[] = ":tt";
    uint32_t block[3] = {(uint32_t)(uintptr_t)name, 4 /* "w" */,
                         sizeof(name) - 1};
    handle = call(SYS_OPEN, block);
  }
  return handle;
}

void semihosting_write(const char *text, size_t length) {
  uint32_t block[3] = {(uint32_t)console(), (uint32_t)(uintptr_t)text,
                       (uint32_t)length};
  call(SYS_WRITE, block);
}

void semihosting_puts(const char *text) {
  semihosting_write(text, strlen(text));
}

void semihosting_exit(int code) {
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  call(SYS_EXIT_EXTENDED, block);
  /* A host without the extended call: exit without a code. */
  call(SYS_EXIT, (void *)ADP_STOPPED_APPLICATION_EXIT);
  for (;;)
    ;
}
