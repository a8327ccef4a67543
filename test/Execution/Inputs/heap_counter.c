/* Counts the heap bytes of code lowered with
 * finalize-memref-to-llvm{use-generic-functions=true}: every memref.alloc and
 * memref.dealloc goes through these three functions. Load it into mlir-runner
 * with -shared-libs; @serenityPrintHeapStats prints what it saw. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t liveBytes, peakBytes, allocations;

/* Each block starts with a header (the malloc'd pointer and the size) right
 * before the aligned pointer handed out. */
static void *allocate(uint64_t alignment, uint64_t size) {
  if (alignment < 16)
    alignment = 16;
  char *raw = malloc(size + alignment + 16);
  if (!raw)
    return NULL;
  uintptr_t start = (uintptr_t)raw + 16;
  uintptr_t aligned = (start + alignment - 1) / alignment * alignment;
  ((void **)aligned)[-2] = raw;
  ((uint64_t *)aligned)[-1] = size;
  liveBytes += size;
  if (liveBytes > peakBytes)
    peakBytes = liveBytes;
  ++allocations;
  return (void *)aligned;
}

void *_mlir_memref_to_llvm_alloc(uint64_t size) { return allocate(16, size); }

void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment, uint64_t size) {
  return allocate(alignment, size);
}

void _mlir_memref_to_llvm_free(void *pointer) {
  if (!pointer)
    return;
  liveBytes -= ((uint64_t *)pointer)[-1];
  free(((void **)pointer)[-2]);
}

void serenityPrintHeapStats(void) {
  printf("heap peak bytes: %llu\nheap allocations: %llu\n",
         (unsigned long long)peakBytes, (unsigned long long)allocations);
  fflush(stdout);
}
