/* seccomp.c — the default system call filter. libseccomp is opened with
 * dlopen when a sandbox asks for a filter; <seccomp.h> supplies only the
 * constants and types. */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include "seccomp.h"

/* Refused with EPERM: changing mounts or namespaces, looking into other
 * processes, kernel modules, keyrings, BPF, perf, kexec, the clock, swap,
 * reboot, io_uring (whose calls bypass this filter). */
static const char *const denied[] = {
	"mount", "umount2", "pivot_root", "move_mount", "open_tree",
	"fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "setns",
	"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
	"kexec_load", "kexec_file_load", "bpf", "keyctl", "add_key",
	"request_key", "init_module", "finit_module", "delete_module",
	"perf_event_open", "open_by_handle_at", "name_to_handle_at",
	"swapon", "swapoff", "reboot", "acct", "settimeofday",
	"clock_settime", "clock_adjtime", "adjtimex", "userfaultfd",
	"quotactl", "syslog", "lookup_dcookie", "iopl", "ioperm", "vhangup",
	"uselib", "io_uring_setup", "io_uring_enter", "io_uring_register",
};

struct libseccomp {
	scmp_filter_ctx (*init)(uint32_t def_action);
	int (*rule_add)(scmp_filter_ctx ctx, uint32_t action, int syscall,
			unsigned int arg_cnt, ...);
	int (*load)(const scmp_filter_ctx ctx);
	int (*resolve)(const char *name);
	void (*release)(scmp_filter_ctx ctx);
};

static struct libseccomp lib;

static int lib_open(void)
{
	void *h;

	if (lib.init)
		return 0;
	h = dlopen("libseccomp.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -ENOENT;
	*(void **)&lib.init = dlsym(h, "seccomp_init");
	*(void **)&lib.rule_add = dlsym(h, "seccomp_rule_add");
	*(void **)&lib.load = dlsym(h, "seccomp_load");
	*(void **)&lib.resolve = dlsym(h, "seccomp_syscall_resolve_name");
	*(void **)&lib.release = dlsym(h, "seccomp_release");
	if (!lib.init || !lib.rule_add || !lib.load || !lib.resolve ||
	    !lib.release) {
		lib.init = NULL;
		return -ENOSYS;
	}
	return 0;
}

/* New user namespaces would hand the server a fresh set of capabilities
 * over a namespace of its own; clone3 hides its flags in memory a filter
 * cannot read, so it answers ENOSYS and libc falls back to clone. */
static int deny_new_userns(scmp_filter_ctx ctx)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	int r;

	r = lib.rule_add(ctx, eperm, lib.resolve("clone"), 1,
			 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
				 CLONE_NEWUSER));
	if (r == 0)
		r = lib.rule_add(ctx, eperm, lib.resolve("unshare"), 1,
				 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
					 CLONE_NEWUSER));
	if (r == 0)
		r = lib.rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				 lib.resolve("clone3"), 0);
	return r;
}

/* TIOCSTI pushes input into a terminal, and TIOCLINUX can copy from the
 * console: either would let the server type into a shell outside. */
static int deny_terminal_input(scmp_filter_ctx ctx)
{
	const unsigned long reqs[] = {TIOCSTI, TIOCLINUX};
	int r = 0;

	for (size_t i = 0; r == 0 && i < 2; i++)
		r = lib.rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				 lib.resolve("ioctl"), 1,
				 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffU,
					 reqs[i]));
	return r;
}

int filter_build(void **filter)
{
	scmp_filter_ctx ctx;
	int r;

	r = lib_open();
	if (r < 0)
		return r;
	/* Other architectures' calls (32-bit x86 on x86-64) hit the default
	 * bad-architecture action of libseccomp and kill the caller. */
	ctx = lib.init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		int nr = lib.resolve(denied[i]);

		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		r = lib.rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0)
			break;
	}
	if (r == 0)
		r = deny_new_userns(ctx);
	if (r == 0)
		r = deny_terminal_input(ctx);
	if (r < 0) {
		lib.release(ctx);
		return r;
	}
	*filter = ctx;
	return 0;
}

int filter_load(void *filter)
{
	return lib.load(filter);
}
