/* Startup for QEMU's mps2-an386 (Cortex-M4 with FPU): the vector table, the
 * reset handler (FPU on, .data copied from flash, .bss cleared, the stack
 * painted for its high-water mark, main), and
 * fault handlers that say what happened. The linker script
 * (mps2_an386.ld.in) defines the symbols used here. */
#include "semihosting.h"
#include "stack.h"

#include <stdint.h>

extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];

int main(void);
void Reset_Handler(void);

static void fault(const char *what) {
  semihosting_puts(what);
  semihosting_exit(70);
}
static void NMI_Handler(void) { fault("NMI\n"); }
static void HardFault_Handler(void) { fault("HardFault\n"); }
static void MemManage_Handler(void) { fault("MemManage fault\n"); }
static void BusFault_Handler(void) { fault("BusFault\n"); }
static void UsageFault_Handler(void) { fault("UsageFault\n"); }
static void Unexpected_Handler(void) { fault("unexpected interrupt\n"); }

__attribute__((section(".isr_vector"), used)) static void (
    *const vectors[16])(void) = {
    (void (*)(void))__stack_top, Reset_Handler, NMI_Handler,
    HardFault_Handler, MemManage_Handler, BusFault_Handler,
    UsageFault_Handler, 0, 0, 0, 0, Unexpected_Handler, Unexpected_Handler,
    0, Unexpected_Handler, Unexpected_Handler};

/* Naked: no compiler-generated code may touch the FPU before it is on. */
__attribute__((naked, noreturn)) void Reset_Handler(void) {
  __asm__ volatile(
      /* CPACR (0xE000ED88): full access to CP10 and CP11, the FPU. */
      "ldr r0, =0xE000ED88\n"
      "ldr r1, [r0]\n"
      "orr r1, r1, #(0xF << 20)\n"
      "str r1, [r0]\n"
      "dsb\n"
      "isb\n"
      "b reset_continue\n");
}

__attribute__((noreturn, used)) void reset_continue(void) {
  for (uint32_t *from = __data_load, *to = __data_start; to < __data_end;)
    *to++ = *from++;
  for (uint32_t *word = __bss_start; word < __bss_end;)
    *word++ = 0;
  stack_paint();
  semihosting_exit(main());
}
