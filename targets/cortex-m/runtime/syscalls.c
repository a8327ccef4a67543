/* The few system calls newlib's formatting needs: output to semihosting and
 * a heap bounded by the linker script (printf's float conversion allocates;
 * the model itself never does). */
#include "semihosting.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

extern char __heap_start[], __heap_end[];
static char *heap_top = __heap_start;

void *_sbrk(ptrdiff_t increment) {
  if (increment > __heap_end - heap_top) {
    errno = ENOMEM;
    return (void *)-1;
  }
  char *previous = heap_top;
  heap_top += increment;
  return previous;
}

int _write(int file, const char *data, int length) {
  (void)file;
  semihosting_write(data, (size_t)length);
  return length;
}

int _close(int file) { (void)file; return -1; }
int _fstat(int file, struct stat *status) {
  (void)file;
  status->st_mode = S_IFCHR;
  return 0;
}
int _isatty(int file) { (void)file; return 1; }
int _lseek(int file, int offset, int whence) {
  (void)file; (void)offset; (void)whence;
  return 0;
}
int _read(int file, char *data, int length) {
  (void)file; (void)data; (void)length;
  return 0;
}
void _exit(int code) { semihosting_exit(code); }
int _kill(int pid, int signal) { (void)pid; (void)signal; errno = EINVAL; return -1; }
int _getpid(void) { return 1; }
