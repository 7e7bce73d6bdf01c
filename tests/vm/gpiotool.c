/*
 * gpiotool - small static helper for the GPIO VM test (runs inside the VM, next to the daemon).
 *
 *   gpiotool info NAME                      line info of the line called NAME (consumer, flags, debounce)
 *   gpiotool hold NAME CONSUMER             request NAME as an input under CONSUMER and keep it until killed
 *   gpiotool bounce SIMDIR OFFSET N GAP_US  N alternating pull writes (up, down, up, ...) GAP_US apart
 *   gpiotool pulse SIMDIR OFFSET WIDTH_US   pull-up, WIDTH_US, pull-down; prints the width achieved in us
 *   gpiotool asuser UID CMD...               run CMD (absolute path) with uid = gid = UID and no supplementary groups
 *   gpiotool cycles SIMDIR ESTOP RED N RESET_CMD...
 *   gpiotool cycles2 SIMDIR ESTOP SIMDIR2 ESTOPB RED N RESET_CMD...   (two channels: both opened, held 100 ms
 *                                           after the red LED, both closed)
 *       N times: press the e-stop (pull-up), wait for the red LED, release, run RESET_CMD until it exits 0
 *       (exit 3 = refused: the daemon has not seen the release yet, retry), wait for the red LED to go dark.
 *       Prints the write -> red LED latency (includes the kernel debounce period).
 *   gpiotool follow SIMDIR OUT SIMDIR2 IN   until killed: mirror line OUT's value into line IN's pull (a relay's
 *                                           positively guided feedback contact following its coil); SIGKILL = welded
 *   gpiotool sample SIMDIR OFFSET MS        read a line every ms for MS ms; prints high=H samples=N rises=R
 *   gpiotool freeze PID COMM MS             stop only the thread of PID named COMM for MS ms (ptrace), then resume it
 *
 * SIMDIR is the simulator's sysfs directory, e.g. /sys/devices/platform/gpio-sim.0/gpiochip0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct gpio_v2_line_request) == 592, "request");
_Static_assert(sizeof(struct gpio_v2_line_info) == 256, "lineinfo");
_Static_assert(sizeof(struct gpio_v2_line_event) == 48, "event");
_Static_assert(sizeof(struct gpiochip_info) == 68, "chipinfo");

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int find_line(const char *name, char *chip, size_t chipsz, unsigned *offset, struct gpio_v2_line_info *out)
{
	DIR *d = opendir("/dev");
	struct dirent *de;
	int hit = 0;
	if (!d)
		return -1;
	while (!hit && (de = readdir(d))) {
		if (strncmp(de->d_name, "gpiochip", 8))
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct gpiochip_info ci;
		memset(&ci, 0, sizeof(ci));
		if (ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &ci) == 0) {
			for (unsigned i = 0; i < ci.lines && !hit; i++) {
				struct gpio_v2_line_info li;
				memset(&li, 0, sizeof(li));
				li.offset = i;
				if (ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &li) == 0 && strcmp(li.name, name) == 0) {
					snprintf(chip, chipsz, "%s", path);
					*offset = i;
					if (out)
						*out = li;
					hit = 1;
				}
			}
		}
		close(fd);
	}
	closedir(d);
	return hit ? 0 : -1;
}

static int sim_write(const char *simdir, unsigned off, const char *val)
{
	char p[400];
	snprintf(p, sizeof(p), "%s/sim_gpio%u/pull", simdir, off);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, val, strlen(val));
	int e = n < 0 ? -errno : 0;
	close(fd);
	return e;
}

static int open_value(const char *simdir, unsigned off)
{
	char p[400];
	snprintf(p, sizeof(p), "%s/sim_gpio%u/value", simdir, off);
	return open(p, O_RDONLY | O_CLOEXEC);
}

static int read_value(int fd)
{
	char c[4];
	if (pread(fd, c, sizeof(c), 0) < 1)
		return -1;
	return c[0] == '1';
}

/* waits up to timeout_ms for the value to become want; returns ns when seen, 0 on timeout */
static uint64_t wait_value(int fd, int want, int timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	for (;;) {
		uint64_t t = now_ns();
		if (read_value(fd) == want)
			return t;
		if (t > deadline)
			return 0;
		sleep_us(50);
	}
}

static int run_cmd(char **argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "info")) {
		char chip[300];
		unsigned off;
		struct gpio_v2_line_info li;
		if (find_line(argv[2], chip, sizeof(chip), &off, &li)) {
			fprintf(stderr, "gpiotool: no line %s\n", argv[2]);
			return 1;
		}
		unsigned debounce = 0;
		for (unsigned i = 0; i < li.num_attrs; i++)
			if (li.attrs[i].id == GPIO_V2_LINE_ATTR_ID_DEBOUNCE)
				debounce = li.attrs[i].debounce_period_us;
		uint64_t f = li.flags;
		printf("chip=%s offset=%u consumer=%s used=%d input=%d output=%d edge_rising=%d edge_falling=%d "
		       "active_low=%d bias_pull_up=%d bias_pull_down=%d bias_disabled=%d clock_realtime=%d debounce_us=%u\n",
		       chip, off, li.consumer[0] ? li.consumer : "-", !!(f & GPIO_V2_LINE_FLAG_USED),
		       !!(f & GPIO_V2_LINE_FLAG_INPUT), !!(f & GPIO_V2_LINE_FLAG_OUTPUT),
		       !!(f & GPIO_V2_LINE_FLAG_EDGE_RISING), !!(f & GPIO_V2_LINE_FLAG_EDGE_FALLING),
		       !!(f & GPIO_V2_LINE_FLAG_ACTIVE_LOW), !!(f & GPIO_V2_LINE_FLAG_BIAS_PULL_UP),
		       !!(f & GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN), !!(f & GPIO_V2_LINE_FLAG_BIAS_DISABLED),
		       !!(f & GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME), debounce);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "hold")) {
		char chip[300];
		unsigned off;
		if (find_line(argv[2], chip, sizeof(chip), &off, NULL)) {
			fprintf(stderr, "gpiotool: no line %s\n", argv[2]);
			return 1;
		}
		int cfd = open(chip, O_RDWR | O_CLOEXEC);
		struct gpio_v2_line_request req;
		memset(&req, 0, sizeof(req));
		req.offsets[0] = off;
		req.num_lines = 1;
		snprintf(req.consumer, sizeof(req.consumer), "%s", argv[3]);
		req.config.flags = GPIO_V2_LINE_FLAG_INPUT;
		if (cfd < 0 || ioctl(cfd, GPIO_V2_GET_LINE_IOCTL, &req) < 0) {
			fprintf(stderr, "gpiotool: request %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		close(cfd);
		printf("holding %s (%s:%u) as %s\n", argv[2], chip, off, argv[3]);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc >= 6 && !strcmp(argv[1], "bounce")) {
		unsigned off = (unsigned)atoi(argv[3]);
		int n = atoi(argv[4]);
		long gap = atol(argv[5]);
		for (int i = 0; i < n; i++) {
			if (sim_write(argv[2], off, (i % 2) == 0 ? "pull-up" : "pull-down")) {
				perror("gpiotool: bounce");
				return 1;
			}
			if (i + 1 < n)
				sleep_us(gap);
		}
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "pulse")) {
		unsigned off = (unsigned)atoi(argv[3]);
		uint64_t t0 = now_ns();
		if (sim_write(argv[2], off, "pull-up"))
			return 1;
		sleep_us(atol(argv[4]));
		uint64_t t1 = now_ns();
		if (sim_write(argv[2], off, "pull-down"))
			return 1;
		/* the width the line really saw (a loaded emulator can stretch the sleep) */
		printf("%llu\n", (unsigned long long)((t1 - t0) / 1000));
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "asuser")) {
		gid_t id = (gid_t)atoi(argv[2]);
		if (setgroups(0, NULL) || setgid(id) || setuid((uid_t)id)) {
			perror("gpiotool: asuser");
			return 1;
		}
		execv(argv[3], &argv[3]);
		perror("gpiotool: exec");
		return 127;
	}
	int two = argc >= 9 && !strcmp(argv[1], "cycles2");
	if (two || (argc >= 7 && !strcmp(argv[1], "cycles"))) {
		const char *simdir = argv[2];
		unsigned estop = (unsigned)atoi(argv[3]);
		const char *simdir2 = two ? argv[4] : NULL;
		unsigned estopb = two ? (unsigned)atoi(argv[5]) : 0;
		if (two)
			argv += 2;
		unsigned red = (unsigned)atoi(argv[4]);
		int n = atoi(argv[5]);
		char **cmd = &argv[6];
		int rfd = open_value(simdir, red);
		if (rfd < 0 || n <= 0) {
			fprintf(stderr, "gpiotool: cannot read the red LED\n");
			return 1;
		}
		uint64_t *lat = calloc((size_t)n, sizeof(uint64_t));
		int got = 0, retries = 0, failures = 0;
		uint64_t t_start = now_ns();
		for (int i = 0; i < n && failures == 0; i++) {
			if (!wait_value(rfd, 0, 2000)) {
				fprintf(stderr, "gpiotool: cycle %d: red LED on before the press\n", i);
				failures++;
				break;
			}
			uint64_t t0 = now_ns();
			sim_write(simdir, estop, "pull-up");
			if (simdir2)
				sim_write(simdir2, estopb, "pull-up");
			uint64_t t1 = wait_value(rfd, 1, 2000);
			if (!t1) {
				fprintf(stderr, "gpiotool: cycle %d: red LED did not light within 2 s\n", i);
				failures++;
				break;
			}
			lat[got++] = t1 - t0;
			/* two channels: held 100 ms more, as a hand would: the second line's own 20 ms debounce runs on a
			 * loaded workqueue, and a channel released before the kernel reported it open was a stop seen on one
			 * channel only (a discrepancy, resets refused) */
			if (simdir2)
				sleep_us(100000);
			sim_write(simdir, estop, "pull-down");
			if (simdir2)
				sim_write(simdir2, estopb, "pull-down");
			int rc = -1;
			for (int k = 0; k < 50; k++) {
				sleep_us(25000);
				rc = run_cmd(cmd);
				if (rc != 3)
					break;
				retries++;
			}
			if (rc != 0) {
				fprintf(stderr, "gpiotool: cycle %d: reset command exited %d\n", i, rc);
				failures++;
			}
		}
		double secs = (double)(now_ns() - t_start) / 1e9;
		if (got > 0)
			qsort(lat, (size_t)got, sizeof(uint64_t), cmp_u64);
		printf("cycles n=%d failures=%d reset_retries=%d wall=%.1fs press_to_red_led_us p50=%.0f p99=%.0f max=%.0f\n",
		       got, failures, retries, secs, got ? lat[(got - 1) / 2] / 1e3 : 0.0,
		       got ? lat[(got * 99 + 99) / 100 - 1] / 1e3 : 0.0, got ? lat[got - 1] / 1e3 : 0.0);
		return failures ? 1 : 0;
	}
	if (argc >= 6 && !strcmp(argv[1], "follow")) {
		int vfd = open_value(argv[2], (unsigned)atoi(argv[3]));
		unsigned in = (unsigned)atoi(argv[5]);
		if (vfd < 0) {
			perror("gpiotool: follow");
			return 1;
		}
		int last = -1;
		for (;;) {
			int v = read_value(vfd);
			if (v >= 0 && v != last) {
				if (sim_write(argv[4], in, v ? "pull-up" : "pull-down"))
					perror("gpiotool: follow");
				last = v;
			}
			sleep_us(2000);
		}
	}
	if (argc >= 5 && !strcmp(argv[1], "sample")) {
		int vfd = open_value(argv[2], (unsigned)atoi(argv[3]));
		long ms = atol(argv[4]);
		if (vfd < 0) {
			perror("gpiotool: sample");
			return 1;
		}
		long high = 0, n = 0, rises = 0;
		int last = -1;
		uint64_t end = now_ns() + (uint64_t)ms * 1000000ull;
		while (now_ns() < end) {
			int v = read_value(vfd);
			if (v < 0)
				continue;
			n++;
			high += v;
			if (last == 0 && v == 1)
				rises++;
			last = v;
			sleep_us(1000);
		}
		printf("high=%ld samples=%ld rises=%ld\n", high, n, rises);
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "freeze")) {
		/* A thread is traced on its own: seizing and interrupting one tid stops that thread only; the kernel
		 * restarts the system call it was in (poll) when it is let go, so the program sees no EINTR. */
		char dir[64], comm[64], path[400];
		snprintf(dir, sizeof(dir), "/proc/%s/task", argv[2]);
		DIR *d = opendir(dir);
		struct dirent *de;
		pid_t tid = 0;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/comm", dir, de->d_name);
			FILE *f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(comm, sizeof(comm), f)) {
				comm[strcspn(comm, "\n")] = 0;
				if (!strcmp(comm, argv[3]))
					tid = (pid_t)atoi(de->d_name);
			}
			fclose(f);
		}
		if (d)
			closedir(d);
		if (!tid) {
			fprintf(stderr, "gpiotool: no thread %s in %s\n", argv[3], argv[2]);
			return 1;
		}
		if (ptrace(PTRACE_SEIZE, tid, 0, 0) || ptrace(PTRACE_INTERRUPT, tid, 0, 0)) {
			perror("gpiotool: ptrace");
			return 1;
		}
		int st;
		waitpid(tid, &st, __WALL);
		printf("froze thread %s (tid %d)\n", argv[3], (int)tid);
		fflush(stdout);
		sleep_us(atol(argv[4]) * 1000);
		ptrace(PTRACE_DETACH, tid, 0, 0);
		return 0;
	}
	fprintf(stderr, "usage: gpiotool info|hold|bounce|pulse|cycles|cycles2|follow|sample|freeze ...\n");
	return 2;
}
