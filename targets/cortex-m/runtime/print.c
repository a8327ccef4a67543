#include "print.h"

#include <stdio.h>

static void spaces(int count) {
  for (int i = 0; i < count; ++i)
    putchar(' ');
}

/* Prints element `index` of a buffer. */
typedef void (*print_element)(const void *base, long index);

static void print_f32(const void *base, long index) {
  printf("%g", (double)((const float *)base)[index]);
}
static void print_i8(const void *base, long index) {
  printf("%d", (int)((const int8_t *)base)[index]);
}
static void print_u8(const void *base, long index) {
  printf("%d", (int)((const uint8_t *)base)[index]);
}
static void print_i16(const void *base, long index) {
  printf("%d", (int)((const int16_t *)base)[index]);
}
static void print_i32(const void *base, long index) {
  printf("%ld", (long)((const int32_t *)base)[index]);
}

/* MemRefDataPrinter<T>::print of mlir/ExecutionEngine/RunnerUtils.h:
 * elements as std::ostream writes them (%g for floats, integers in
 * decimal), rows in brackets. */
static void print_dims(const void *base, print_element element, int dim,
                       int rank, long offset, const int32_t *sizes,
                       const long *strides) {
  if (dim == 0) {
    element(base, offset);
    return;
  }
  putchar('[');
  print_dims(base, element, dim - 1, rank, offset, sizes + 1, strides + 1);
  if (sizes[0] <= 1) {
    putchar(']');
    return;
  }
  fputs(", ", stdout);
  if (dim > 1)
    putchar('\n');
  for (long i = 1; i + 1 < sizes[0]; ++i) {
    spaces(rank - dim + 1);
    print_dims(base, element, dim - 1, rank, offset + i * strides[0], sizes + 1,
               strides + 1);
    fputs(", ", stdout);
    if (dim > 1)
      putchar('\n');
  }
  spaces(rank - dim + 1);
  print_dims(base, element, dim - 1, rank, offset + (sizes[0] - 1) * strides[0],
             sizes + 1, strides + 1);
  putchar(']');
}

static void print_memref(const void *data, print_element element, int rank,
                         const int32_t *sizes) {
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
  print_dims(data, element, rank, rank, 0, sizes, strides);
  if (rank == 0)
    putchar(']');
  putchar('\n');
  fflush(stdout);
}

void print_memref_f32(const float *data, int rank, const int32_t *sizes) {
  print_memref(data, print_f32, rank, sizes);
}
void print_memref_i8(const int8_t *data, int rank, const int32_t *sizes) {
  print_memref(data, print_i8, rank, sizes);
}
void print_memref_u8(const uint8_t *data, int rank, const int32_t *sizes) {
  print_memref(data, print_u8, rank, sizes);
}
void print_memref_i16(const int16_t *data, int rank, const int32_t *sizes) {
  print_memref(data, print_i16, rank, sizes);
}
void print_memref_i32(const int32_t *data, int rank, const int32_t *sizes) {
  print_memref(data, print_i32, rank, sizes);
}
