/* mounts.c — the sandbox's file system: the root (the host's or --rootfs,
 * read-only or under a throw-away overlay), fresh /proc, minimal /dev,
 * private /tmp and /run, read-only /sys, volumes; then pivot_root. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

/* A tmpfs over the host's /tmp, in our mount namespace only, holds the new
 * root and the overlay's upper layer while the tree is built. Every
 * source is grabbed as a detached mount first, so shadowing /tmp hides
 * nothing we still need. */
#define STAGE "/tmp"
#define NEWROOT STAGE "/root"

static const char *const dev_nodes[] = {"null", "zero", "full", "random",
					"urandom", "tty"};
#define N_DEV_NODES (sizeof(dev_nodes) / sizeof(dev_nodes[0]))

struct sources {
	int root;
	int sys;
	int notify;
	int dev[N_DEV_NODES];
	int volumes[64];
};

static int grab(const char *path, bool recursive)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	int fd;

	fd = open_tree(AT_FDCWD, path, flags | (recursive ? AT_RECURSIVE : 0));
	if (fd < 0)
		sandbox_fail(errno, "binding '%s'", path);
	return fd;
}

/* Mounts the detached TREE on TARGET: an O_PATH fd from mount_point(),
 * so that nothing is looked up by path inside the new root again, or
 * AT_FDCWD for a place in the staging tmpfs, which is wick's own. PATH
 * names the place in messages. Both fds are used up. */
static void attach(int tree, int target, const char *path)
{
	unsigned flags = MOVE_MOUNT_F_EMPTY_PATH;

	if (target != AT_FDCWD)
		flags |= MOVE_MOUNT_T_EMPTY_PATH;
	if (move_mount(tree, "", target, target == AT_FDCWD ? path : "",
		       flags) < 0)
		sandbox_fail(errno, "mounting at '%s'", path);
	close(tree);
	if (target != AT_FDCWD)
		close(target);
}

/* Makes the detached TREE read-only, submounts included, before it is
 * attached anywhere. */
static void make_ro(int tree, const char *path)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			  sizeof(attr)) < 0)
		sandbox_fail(errno, "making '%s' read-only", path);
}

/* A new file system of TYPE as a detached mount with the MOUNT_ATTR_
 * flags ATTRS, or -errno; OPTS is "key=value,flag,…" as mount(8) takes
 * it. */
static int new_fs(const char *type, unsigned attrs, const char *opts)
{
	char buf[256], *opt, *next, *eq;
	int fs, tree, r;

	fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	/* The source names the type, as mount(8) shows it. */
	r = fsconfig(fs, FSCONFIG_SET_STRING, "source", type, 0);
	snprintf(buf, sizeof(buf), "%s", opts ? opts : "");
	for (opt = buf; r == 0 && *opt; opt = next) {
		next = opt + strcspn(opt, ",");
		if (*next)
			*next++ = '\0';
		eq = strchr(opt, '=');
		if (eq)
			*eq = '\0';
		r = eq ? fsconfig(fs, FSCONFIG_SET_STRING, opt, eq + 1, 0)
		       : fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
	}
	if (r == 0)
		r = fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	tree = r == 0 ? fsmount(fs, FSMOUNT_CLOEXEC, attrs) : -1;
	if (tree < 0)
		tree = -errno;
	close(fs);
	return tree;
}

/* Mounts a new TYPE on TARGET (as attach() takes it). */
static void mount_fs(const char *type, unsigned attrs, const char *opts,
		     int target, const char *path)
{
	int tree = new_fs(type, attrs, opts);

	if (tree < 0)
		sandbox_fail(-tree, "mounting %s at '%s'", type, path);
	attach(tree, target, path);
}

/* Opens PATH (relative to the new root) as O_PATH without following any
 * symlink or leaving the root: a rootfs may hold links that point at the
 * host, and the new root is not our root yet. */
static int open_beneath(int root, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};
	int fd;

	fd = syscall(SYS_openat2, root, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

static _Noreturn void point_fail(int err, const char *path)
{
	if (err == ELOOP || err == EXDEV)
		sandbox_fail(err, "mount point '/%s' passes through a "
				  "symlink in the root (use the path it points "
				  "to)", path);
	sandbox_fail(err, "mount point '/%s' is missing and cannot be made "
			  "(use an existing path, or one under /tmp or /run)",
		     path);
}

/* Makes PATH and its parents below ROOT, one component at a time on the
 * parent's fd, so that nothing is made outside the root. */
static int make_beneath(int root, const char *path, bool dir)
{
	char parent[4096];
	const char *name = strrchr(path, '/');
	int pfd, fd, r, err;

	fd = open_beneath(root, path);
	if (fd != -ENOENT)
		return fd;
	if (name) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(name - path),
			 path);
		pfd = make_beneath(root, parent, true);
		if (pfd < 0)
			return pfd;
		name++;
	} else {
		pfd = fcntl(root, F_DUPFD_CLOEXEC, 0);
		if (pfd < 0)
			return -errno;
		name = path;
	}
	r = dir ? mkdirat(pfd, name, 0755)
		: openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			 O_CLOEXEC, 0644);
	err = errno;
	if (r >= 0 && !dir)
		close(r);
	close(pfd);
	/* EEXIST: a dangling symlink, which the open below refuses. */
	if (r < 0 && err != EEXIST)
		return -err;
	return open_beneath(root, path);
}

/* Makes a mount point (and its parents) inside the new root and returns
 * it as an O_PATH fd, for attach(): every component is a real directory
 * below the root, and the mount lands on what was checked even if the
 * path is changed afterwards. A read-only root cannot grow one, so a
 * missing point there is an error naming the path and the writable
 * places. */
static int mount_point(const char *path, bool dir)
{
	const char *rel = path + strlen(NEWROOT);
	int root, fd;

	while (*rel == '/')
		rel++;
	root = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		sandbox_fail(errno, "opening the new root");
	fd = *rel ? make_beneath(root, rel, dir)
		  : fcntl(root, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		point_fail(-fd, rel);
	close(root);
	return fd;
}

static void grab_sources(const struct sandbox *s, struct sources *src)
{
	char path[64];

	src->root = grab(s->rootfs ? s->rootfs : "/", true);
	src->sys = s->rootfs ? grab("/sys", true) : -1;
	src->notify = s->notify_dir ? grab(s->notify_dir, false) : -1;
	for (size_t i = 0; i < N_DEV_NODES; i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		src->dev[i] = grab(path, false);
	}
	if (s->n_volumes > sizeof(src->volumes) / sizeof(src->volumes[0]))
		sandbox_fail(E2BIG, "too many volumes");
	for (size_t i = 0; i < s->n_volumes; i++)
		src->volumes[i] = grab(s->volumes[i].src, true);
}

static void setup_root(const struct sandbox *s, int root)
{
	const char *opts = "lowerdir=" STAGE "/lower,upperdir=" STAGE
			   "/upper,workdir=" STAGE "/work,userxattr";
	const unsigned nsd = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

	mount_fs("tmpfs", nsd, "mode=0700", AT_FDCWD, STAGE);
	if (mkdir(NEWROOT, 0755) < 0)
		sandbox_fail(errno, "creating '%s'", NEWROOT);
	make_ro(root, s->rootfs ? s->rootfs : "/");
	if (!s->rootfs || s->rootfs_ro) {
		attach(root, AT_FDCWD, NEWROOT);
		return;
	}
	/* The writable layer lives in the staging tmpfs and dies with the
	 * sandbox; DIR itself is only ever the lower, read-only layer. */
	if (mkdir(STAGE "/lower", 0755) < 0 ||
	    mkdir(STAGE "/upper", 0755) < 0 || mkdir(STAGE "/work", 0755) < 0)
		sandbox_fail(errno, "creating the overlay layers");
	attach(root, AT_FDCWD, STAGE "/lower");
	mount_fs("overlay", 0, opts, AT_FDCWD, NEWROOT);
}

static void setup_dev(const struct sources *src)
{
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"},      {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
		{"pts/ptmx", "ptmx"},
	};
	const unsigned nsx = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
	char path[96];
	int dev;

	/* What follows is made inside this tmpfs, which is ours. */
	mount_fs("tmpfs", nsx, "mode=0755,size=256k",
		 mount_point(NEWROOT "/dev", true), "/dev");
	dev = open(NEWROOT "/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dev < 0)
		sandbox_fail(errno, "opening the new '/dev'");
	for (size_t i = 0; i < N_DEV_NODES; i++) {
		snprintf(path, sizeof(path), NEWROOT "/dev/%s", dev_nodes[i]);
		attach(src->dev[i], mount_point(path, false), path);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0)
			sandbox_fail(errno, "creating '/dev/%s'", links[i][1]);
	close(dev);
	mount_fs("devpts", nsx, "newinstance,ptmxmode=0666,mode=0620",
		 mount_point(NEWROOT "/dev/pts", true), "/dev/pts");
	mount_fs("tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "mode=1777",
		 mount_point(NEWROOT "/dev/shm", true), "/dev/shm");
}

/* A fresh sysfs shows the sandbox's own network devices; the kernel
 * allows it only with a network namespace of our own. */
static void setup_sys(const struct sandbox *s, int sys)
{
	const unsigned ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int point = mount_point(NEWROOT "/sys", true);
	int fresh = s->network == NETWORK_NONE ? new_fs("sysfs", ro, NULL)
					       : -1;

	if (fresh >= 0) {
		if (sys >= 0)
			close(sys);
		sys = fresh;
	} else if (sys >= 0) {
		make_ro(sys, "/sys");
	}
	if (sys >= 0)
		attach(sys, point, "/sys");
	else
		close(point);
}

/* Parts of /proc that reach past the sandbox (kernel tunables, the
 * SysRq trigger, interrupt and bus settings) become read-only. */
static void protect_proc(void)
{
	static const char *const paths[] = {"sys", "sysrq-trigger", "irq",
					    "bus"};
	char path[64];
	int tree;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(path, sizeof(path), NEWROOT "/proc/%s", paths[i]);
		if (access(path, F_OK) < 0)
			continue; /* not built into this kernel */
		tree = grab(path, true);
		make_ro(tree, path);
		attach(tree, mount_point(path, false), path);
	}
}

static void setup_volumes(const struct sandbox *s, const struct sources *src)
{
	char path[4096];
	struct stat st;

	for (size_t i = 0; i < s->n_volumes; i++) {
		const struct volume *v = &s->volumes[i];

		if (fstat(src->volumes[i], &st) < 0)
			sandbox_fail(errno, "volume '%s'", v->src);
		if (v->ro)
			make_ro(src->volumes[i], v->src);
		snprintf(path, sizeof(path), NEWROOT "%s", v->dst);
		attach(src->volumes[i], mount_point(path, S_ISDIR(st.st_mode)),
		       v->dst);
	}
}

static void pivot(void)
{
	if (chdir(NEWROOT) < 0)
		sandbox_fail(errno, "entering the new root");
	/* Stacking the old root on the new one and detaching it leaves no
	 * path back to the host's tree. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		sandbox_fail(errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		sandbox_fail(errno, "detaching the host's root");
	if (chdir("/") < 0)
		sandbox_fail(errno, "chdir /");
}

void mounts_setup(const struct sandbox *s)
{
	const unsigned nsd = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	struct sources src;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		sandbox_fail(errno, "making mounts private");
	/* Sources are found with the caller's ids: a volume below a
	 * directory only root may enter still binds for root's sandbox. */
	grab_sources(s, &src);
	sandbox_become_root();
	setup_root(s, src.root);

	mount_fs("proc", nsd | MOUNT_ATTR_NOEXEC, NULL,
		 mount_point(NEWROOT "/proc", true), "/proc");
	protect_proc();
	setup_dev(&src);
	mount_fs("tmpfs", nsd, "mode=1777", mount_point(NEWROOT "/tmp", true),
		 "/tmp");
	/* A private /run hides the host's service sockets, which stay
	 * connectable on a read-only file system. */
	mount_fs("tmpfs", nsd, "mode=0755", mount_point(NEWROOT "/run", true),
		 "/run");
	setup_sys(s, src.sys);
	if (src.notify >= 0) {
		/* Sending to a socket needs no write access to its mount. */
		make_ro(src.notify, SANDBOX_NOTIFY_DIR);
		attach(src.notify, mount_point(NEWROOT SANDBOX_NOTIFY_DIR, true),
		       SANDBOX_NOTIFY_DIR);
	}
	setup_volumes(s, &src);
	pivot();
}
