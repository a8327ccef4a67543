/* Tensors as mlir-runner's printMemrefF32 prints them, so that a device run
 * and a host run can be compared line by line. */
#ifndef SERENITY_PRINT_H
#define SERENITY_PRINT_H

#include <stdint.h>

/* A row-major float tensor of `rank` dimensions `sizes`. */
void print_memref_f32(const float *data, int rank, const int32_t *sizes);

#endif
