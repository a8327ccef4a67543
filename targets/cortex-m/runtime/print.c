#include "print.h"

#include <stdio.h>

static void spaces(int count) {
  for (int i = 0; i < count; ++i)
    putchar(' ');
}

/* MemRefDataPrinter<float>::print of mlir/ExecutionEngine/RunnerUtils.h:
 * elements as std::ostream writes them (%g), rows in brackets. */
static void print_dims(const float *base, int dim, int rank, long offset,
                       const int32_t *sizes, const long *strides) {
  if (dim == 0) {
    printf("%g", (double)base[offset]);
    return;
  }
  putchar('[');
  print_dims(base, dim - 1, rank, offset, sizes + 1, strides + 1);
  if (sizes[0] <= 1) {
    putchar(']');
    return;
  }
  fputs(", ", stdout);
  if (dim > 1)
    putchar('\n');
  for (long i = 1; i + 1 < sizes[0]; ++i) {
    spaces(rank - dim + 1);
    print_dims(base, dim - 1, rank, offset + i * strides[0], sizes + 1,
               strides + 1);
    fputs(", ", stdout);
    if (dim > 1)
      putchar('\n');
  }
  spaces(rank - dim + 1);
  print_dims(base, dim - 1, rank, offset + (sizes[0] - 1) * strides[0],
             sizes + 1, strides + 1);
  putchar(']');
}

void print_memref_f32(const float *data, int rank, const int32_t *sizes) {
  long strides[8];
  long stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= sizes[i];
  }
  printf("Unranked Memref base@ = %p rank = %d offset = 0 sizes = [", (void *)data,
         rank);
  for (int i = 0; i < rank; ++i)
    printf(i ? ", %ld" : "%ld", (long)sizes[i]);
  fputs("] strides = [", stdout);
  for (int i = 0; i < rank; ++i)
    printf(i ? ", %ld" : "%ld", strides[i]);
  fputs("] data = \n", stdout);
  if (rank == 0)
    putchar('[');
  print_dims(data, rank, rank, 0, sizes, strides);
  if (rank == 0)
    putchar(']');
  putchar('\n');
  fflush(stdout);
}
