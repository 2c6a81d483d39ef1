// SPDX-License-Identifier: GPL-2.0
/*
 * bench-true: the smallest static program that exits 0, exec'd by the exec storm.
 * No libc: the exec cost measured is the kernel's, not ld.so's or libc start-up's.
 */
void _start(void)
{
	__asm__ volatile("mov $60, %%eax\n\t"	/* SYS_exit */
			 "xor %%edi, %%edi\n\t"
			 "syscall" ::: "rax", "rdi", "rcx", "r11", "memory");
	__builtin_unreachable();
}
