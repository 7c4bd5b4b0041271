// SPDX-License-Identifier: MIT
/*
 * vmprobe: the VM tier's own, independent measuring stick (test helper, runs in the guest).
 *
 * Scenarios check our tools against it, so it shares no code with them and stays simple:
 *
 *   vmprobe rtc-read   [DEV]          RTC time: "rtc_s=<epoch> rtc=<YYYY-mm-dd HH:MM:SS>"
 *   vmprobe rtc-offset [DEV]          system clock minus RTC at an RTC second edge:
 *                                     "offset_ns=<n> method=<uie|poll> rtc_s=<epoch>"
 *   vmprobe rtc-sync   [DEV]          step CLOCK_REALTIME onto the RTC at a second edge
 *   vmprobe phc-get    DEV            "phc_ns=<n>", or exit 1 with "errno=<n> <text>"
 *   vmprobe phc-offset DEV [MODE]     PHC minus CLOCK_REALTIME, MODE precise|basic (default
 *                                     precise): "offset_ns=<n> method=<mode>"
 *   vmprobe now                       CLOCK_REALTIME in ns
 *   vmprobe step NS                   step CLOCK_REALTIME by NS (may be negative)
 *   vmprobe ntp-reset                 kernel NTP state back to boot defaults: unsynchronised,
 *                                     no frequency correction, no slew in progress
 *
 * RTC times are read as UTC, as the kernel's rtc-cmos reports them. DEV defaults to /dev/rtc0;
 * while another process has it open (EBUSY), vmprobe waits up to 10 s for it. On a PL031
 * (rtc-pl031, the arm64 guest's) edges are always polled: see alarm_emulated_uie().
 * Built statically on the host by tests/vm/run, so it needs nothing in the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <linux/rtc.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000LL
#define FD_TO_CLOCKID(fd) ((~(clockid_t)(fd) << 3) | 3)

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static int die(const char *what)
{
	int e = errno;

	printf("errno=%d %s: %s\n", e, what, strerror(e));
	return 1;
}

static int64_t rtc_seconds(int fd)
{
	struct rtc_time rt;
	struct tm tm = {0};

	memset(&rt, 0, sizeof(rt));
	if (ioctl(fd, RTC_RD_TIME, &rt) < 0)
		return -1;
	tm.tm_sec = rt.tm_sec;
	tm.tm_min = rt.tm_min;
	tm.tm_hour = rt.tm_hour;
	tm.tm_mday = rt.tm_mday;
	tm.tm_mon = rt.tm_mon;
	tm.tm_year = rt.tm_year;
	return (int64_t)timegm(&tm);
}

/*
 * The PL031 has no update interrupt: the kernel emulates RTC_UIE_ON with a one-second alarm,
 * and qemu's PL031 fires its alarm whole seconds after the alarm was set, not when its counter
 * changes, so those "edges" fall at an arbitrary phase. DEV's driver name is in sysfs.
 */
static int alarm_emulated_uie(const char *dev)
{
	const char *base = strrchr(dev, '/');
	char path[256], name[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/rtc/%s/name", base ? base + 1 : dev);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(name, sizeof(name), f))
		name[0] = 0;
	fclose(f);
	return strncmp(name, "rtc-pl031", 9) == 0;
}

/*
 * Waits for RTC second edges and reports the system clock at one and the RTC seconds that
 * began there. With update interrupts: the first interrupt after RTC_UIE_ON can be stale, so
 * it is skipped; of the next EDGES, the smallest system-minus-RTC offset wins, since wake-up
 * latency (tens of ms on a busy TCG host) can only make an edge look late. Else: polling.
 */
#define EDGES 2

static int rtc_edge(int fd, int use_uie, int64_t *sys_ns, int64_t *rtc_s, const char **method)
{
	if (use_uie && ioctl(fd, RTC_UIE_ON, 0) == 0) {
		int64_t best = INT64_MAX;

		*method = "uie";
		for (int i = 0; i <= EDGES; i++) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			unsigned long data;
			int64_t t, s;

			if (poll(&p, 1, 2500) != 1) {
				ioctl(fd, RTC_UIE_OFF, 0);
				errno = ETIMEDOUT;
				return -1;
			}
			if (read(fd, &data, sizeof(data)) < 0) {
				ioctl(fd, RTC_UIE_OFF, 0);
				return -1;
			}
			t = now_ns(CLOCK_REALTIME);
			s = rtc_seconds(fd);
			if (s < 0) {
				ioctl(fd, RTC_UIE_OFF, 0);
				return -1;
			}
			if (i > 0 && t - s * NS < best) {
				best = t - s * NS;
				*sys_ns = t;
				*rtc_s = s;
			}
		}
		ioctl(fd, RTC_UIE_OFF, 0);
		return 0;
	}
	*method = "poll";
	int64_t first = rtc_seconds(fd);
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + 3 * NS;

	if (first < 0)
		return -1;
	while (now_ns(CLOCK_MONOTONIC) < deadline) {
		int64_t s = rtc_seconds(fd);
		int64_t t = now_ns(CLOCK_REALTIME);

		if (s < 0)
			return -1;
		if (s != first) {
			*sys_ns = t;
			*rtc_s = s;
			return 0;
		}
	}
	errno = ETIMEDOUT;
	return -1;
}

/* The kernel lets one process at a time open an RTC: wait up to 10 s for a daemon to let go. */
static int open_rtc(const char *dev)
{
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + 10 * NS;
	int fd;

	while ((fd = open(dev, O_RDONLY)) < 0 && errno == EBUSY &&
	       now_ns(CLOCK_MONOTONIC) < deadline)
		usleep(20000);
	return fd;
}

static int cmd_rtc(const char *cmd, const char *dev)
{
	int fd = open_rtc(dev);
	int64_t sys_ns, rtc_s;
	const char *method;

	if (fd < 0)
		return die(dev);
	if (strcmp(cmd, "rtc-read") == 0) {
		char buf[64];
		time_t t;
		struct tm tm;

		rtc_s = rtc_seconds(fd);
		if (rtc_s < 0)
			return die("RTC_RD_TIME");
		t = (time_t)rtc_s;
		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		printf("rtc_s=%lld rtc=%s\n", (long long)rtc_s, buf);
		return 0;
	}
	if (rtc_edge(fd, !alarm_emulated_uie(dev), &sys_ns, &rtc_s, &method) < 0)
		return die("waiting for an RTC second edge");
	if (strcmp(cmd, "rtc-sync") == 0) {
		/* Step by the measured offset, relative to now: keeps the edge's precision. */
		int64_t off = sys_ns - rtc_s * NS;
		int64_t target = now_ns(CLOCK_REALTIME) - off;
		struct timespec ts = {.tv_sec = target / NS, .tv_nsec = target % NS};

		if (clock_settime(CLOCK_REALTIME, &ts) < 0)
			return die("clock_settime");
		printf("stepped_ns=%lld method=%s\n", (long long)-off, method);
		return 0;
	}
	printf("offset_ns=%lld method=%s rtc_s=%lld\n", (long long)(sys_ns - rtc_s * NS), method,
	       (long long)rtc_s);
	return 0;
}

static int64_t pct_ns(const struct ptp_clock_time *t)
{
	return t->sec * NS + t->nsec;
}

static int cmd_phc(const char *cmd, const char *dev, const char *mode)
{
	int fd = open(dev, O_RDWR);

	if (fd < 0)
		return die(dev);
	if (strcmp(cmd, "phc-get") == 0) {
		struct timespec ts;

		if (clock_gettime(FD_TO_CLOCKID(fd), &ts) < 0)
			return die("clock_gettime");
		printf("phc_ns=%lld\n", (long long)(ts.tv_sec * NS + ts.tv_nsec));
		return 0;
	}
	if (strcmp(mode, "precise") == 0) {
		struct ptp_sys_offset_precise p;

		memset(&p, 0, sizeof(p));
		if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p) < 0)
			return die("PTP_SYS_OFFSET_PRECISE");
		printf("offset_ns=%lld method=precise\n",
		       (long long)(pct_ns(&p.device) - pct_ns(&p.sys_realtime)));
		return 0;
	}
	struct ptp_sys_offset s;

	memset(&s, 0, sizeof(s));
	s.n_samples = 5;
	if (ioctl(fd, PTP_SYS_OFFSET, &s) < 0)
		return die("PTP_SYS_OFFSET");
	/* Keep the sample with the shortest system-clock bracket. */
	int64_t best_delay = INT64_MAX, best = 0;

	for (unsigned i = 0; i < s.n_samples; i++) {
		int64_t t1 = pct_ns(&s.ts[2 * i]), dev_t = pct_ns(&s.ts[2 * i + 1]);
		int64_t t2 = pct_ns(&s.ts[2 * i + 2]);

		if (t2 - t1 < best_delay) {
			best_delay = t2 - t1;
			best = dev_t - (t1 + (t2 - t1) / 2);
		}
	}
	printf("offset_ns=%lld method=basic delay_ns=%lld\n", (long long)best,
	       (long long)best_delay);
	return 0;
}

static int cmd_ntp_reset(void)
{
	struct timex tx = {
		.modes = ADJ_STATUS | ADJ_FREQUENCY | ADJ_MAXERROR | ADJ_ESTERROR | ADJ_TICK |
			 ADJ_TIMECONST,
		.status = STA_UNSYNC,
		.maxerror = 16000000,
		.esterror = 16000000,
		.tick = 10000,
	};
	struct timex stop = {.modes = ADJ_OFFSET_SINGLESHOT};

	if (adjtimex(&tx) < 0)
		return die("adjtimex");
	if (adjtimex(&stop) < 0)
		return die("adjtimex(ADJ_OFFSET_SINGLESHOT)");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "now") == 0) {
		printf("%lld\n", (long long)now_ns(CLOCK_REALTIME));
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "step") == 0) {
		int64_t target = now_ns(CLOCK_REALTIME) + strtoll(argv[2], NULL, 10);
		struct timespec ts = {.tv_sec = target / NS, .tv_nsec = target % NS};

		if (clock_settime(CLOCK_REALTIME, &ts) < 0)
			return die("clock_settime");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "ntp-reset") == 0)
		return cmd_ntp_reset();
	if (argc > 1 && strncmp(argv[1], "rtc-", 4) == 0)
		return cmd_rtc(argv[1], argc > 2 ? argv[2] : "/dev/rtc0");
	if (argc > 2 && strncmp(argv[1], "phc-", 4) == 0)
		return cmd_phc(argv[1], argv[2], argc > 3 ? argv[3] : "precise");
	fprintf(stderr, "usage: vmprobe rtc-read|rtc-offset|rtc-sync [DEV]\n"
			"       vmprobe phc-get DEV | phc-offset DEV [precise|basic]\n"
			"       vmprobe now | step NS | ntp-reset\n");
	return 2;
}
