/* inetd-echo.c — accept mode's per-connection service: copies stdin to
 * stdout until EOF. No libc, raw system calls: starting it costs an exec
 * and little more, so the activators' own work shows in the figures. */
#include <asm/unistd.h>
#include <linux/errno.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* Not libc: glibc's start-up, static or through the dynamic loader,
 * enumerates the CPU caches with dozens of CPUID instructions, and in a
 * virtual machine each one traps to the hypervisor; measured here, that
 * was most of a short connection's CPU time. */
#if defined(__x86_64__)
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call echo_main\n"
	"	mov %eax, %edi\n"
	"	mov $" STR(__NR_exit_group) ", %eax\n"
	"	syscall\n"
	"	hlt\n");

static long sys3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}
#elif defined(__aarch64__)
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	bl echo_main\n"
	/* The status is in x0 already. */
	"	mov x8, #" STR(__NR_exit_group) "\n"
	"	svc #0\n");

static long sys3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2)
			 : "memory");
	return x0;
}
#else
#error "inetd-echo: only x86-64 and aarch64 have a system call stub here"
#endif

/* Writes all of BUF to stdout, retrying short writes; 0, or -errno. */
static long write_all(const char *buf, long len)
{
	while (len > 0) {
		long n = sys3(__NR_write, 1, (long)buf, len);

		if (n == -EINTR)
			continue;
		if (n < 0)
			return n;
		buf += n;
		len -= n;
	}
	return 0;
}

int echo_main(void);

/* Exit status 0 at EOF; 1 when reading or writing fails. Nobody reads a
 * message here: the client sees the short echo and counts a failure. */
int echo_main(void)
{
	char buf[4096];

	for (;;) {
		long n = sys3(__NR_read, 0, (long)buf, sizeof(buf));

		if (n == 0)
			return 0;
		if (n == -EINTR)
			continue;
		if (n < 0 || write_all(buf, n) < 0)
			return 1;
	}
}
