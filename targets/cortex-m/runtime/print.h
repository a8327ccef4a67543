/* Tensors as mlir-runner's printMemrefF32 and printMemrefI32 print them
 * (integers of every width in decimal), so that a device run and a host run
 * can be compared line by line. */
#ifndef SERENITY_PRINT_H
#define SERENITY_PRINT_H

#include <stdint.h>

/* A row-major tensor of `rank` dimensions `sizes`. */
void print_memref_f32(const float *data, int rank, const int32_t *sizes);
void print_memref_i8(const int8_t *data, int rank, const int32_t *sizes);
void print_memref_u8(const uint8_t *data, int rank, const int32_t *sizes);
void print_memref_i16(const int16_t *data, int rank, const int32_t *sizes);
void print_memref_i32(const int32_t *data, int rank, const int32_t *sizes);

#endif
