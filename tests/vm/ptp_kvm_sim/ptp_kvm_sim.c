// SPDX-License-Identifier: MIT
/*
 * THIS IS A TEST FIXTURE, NOT A DRIVER. Never install it on a real machine.
 *
 * guestclock's VM tests (tests/vm/) boot Debian's kernel under qemu TCG, where there is no KVM
 * host to answer the KVM_HC_CLOCK_PAIRING hypercall, so the real ptp_kvm cannot load. This module
 * stands in for it: it builds as ptp_kvm.ko, is installed in the test guest under
 * /lib/modules/<ver>/updates/ so that "modprobe ptp_kvm" loads it, and registers a PTP hardware
 * clock that looks like the real one to user space:
 *
 *   - clock_name "KVM virtual PTP" (Debian's udev rule turns that into /dev/ptp_kvm);
 *   - only gettime64 and getcrosststamp work; settime64, adjtime, adjfine and enable answer
 *     -EOPNOTSUPP, and there is no gettimex64, so PTP_SYS_OFFSET_EXTENDED is unsupported,
 *     as with the real x86 driver.
 *
 * The "host clock" it serves is modelled from the guest's own raw monotonic clock:
 *
 *   host = anchor_host + elapsed_raw * (1 + freq_ppb / 1e9) + offset_ns (+ uniform jitter)
 *
 * where anchor_host starts at the guest's CLOCK_REALTIME at load time, so a fresh module agrees
 * with the guest clock. A paused VM stops the guest's raw clock too, so tests that pause the VM
 * move offset_ns by the pause length to model a host clock that kept running.
 *
 * Knobs, all under /sys/module/ptp_kvm/parameters/ and writable at run time:
 *   offset_ns        (s64)  added to the host clock
 *   freq_ppb         (s64)  host clock rate error against the guest raw clock; changing it is
 *                           continuous (the model is re-anchored, no jump)
 *   jitter_ns        (uint) uniform noise in [-jitter_ns, +jitter_ns] on every reading
 *   fail             (bool) every reading returns -EIO
 *   crosststamp_err  (uint) when non-zero, getcrosststamp returns -crosststamp_err (e.g. 19,
 *                           ENODEV, as the real driver does when kvm-clock is not the clocksource)
 *   refuse           (bool) load time only: init fails with -EOPNOTSUPP, like a host that
 *                           refuses clock pairing (e.g. its clocksource is not TSC)
 *   reads            (ulong, read-only) number of successful readings served
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

static DEFINE_SPINLOCK(model_lock);

/* The model's anchor: host time (without offset_ns) at raw time anchor_raw. */
static s64 anchor_raw;
static s64 anchor_host;
static bool anchored;

static long offset_ns;
module_param(offset_ns, long, 0644);
MODULE_PARM_DESC(offset_ns, "host clock offset from the guest clock model, ns");

static unsigned int jitter_ns;
module_param(jitter_ns, uint, 0644);
MODULE_PARM_DESC(jitter_ns, "uniform noise added to each reading, +/- ns");

static bool fail;
module_param(fail, bool, 0644);
MODULE_PARM_DESC(fail, "make every reading fail with -EIO");

static unsigned int crosststamp_err;
module_param(crosststamp_err, uint, 0644);
MODULE_PARM_DESC(crosststamp_err, "errno that getcrosststamp returns (0: works)");

static bool refuse;
module_param(refuse, bool, 0444);
MODULE_PARM_DESC(refuse, "fail module init with -EOPNOTSUPP (host refuses clock pairing)");

static unsigned long reads;
module_param(reads, ulong, 0444);
MODULE_PARM_DESC(reads, "readings served so far");

static long freq_ppb;

/* Host time without offset_ns or jitter at guest raw time raw. Caller holds model_lock. */
static s64 model_host_locked(s64 raw)
{
	s64 elapsed = raw - anchor_raw;
	s32 rem;
	s64 secs = div_s64_rem(elapsed, NSEC_PER_SEC, &rem);

	/* Split the product so that hours of elapsed time times large errors cannot overflow. */
	return anchor_host + elapsed + secs * freq_ppb + div_s64((s64)rem * freq_ppb, NSEC_PER_SEC);
}

/* Re-anchor at the current raw time so that a rate change does not move the host clock. */
static int freq_ppb_set(const char *val, const struct kernel_param *kp)
{
	unsigned long flags;
	long value;
	int ret = kstrtol(val, 0, &value);

	if (ret)
		return ret;
	if (value <= -(long)NSEC_PER_SEC || value >= (long)NSEC_PER_SEC)
		return -ERANGE;
	spin_lock_irqsave(&model_lock, flags);
	if (anchored) {
		s64 raw = ktime_to_ns(ktime_get_raw());

		anchor_host = model_host_locked(raw);
		anchor_raw = raw;
	}
	freq_ppb = value;
	spin_unlock_irqrestore(&model_lock, flags);
	return 0;
}

static const struct kernel_param_ops freq_ppb_ops = {
	.set = freq_ppb_set,
	.get = param_get_long,
};
module_param_cb(freq_ppb, &freq_ppb_ops, &freq_ppb, 0644);
MODULE_PARM_DESC(freq_ppb, "host clock rate error against the guest raw clock, ppb");

/* One reading of the modelled host clock at guest raw time raw, or -EIO when told to fail. */
static int model_read(s64 raw, s64 *host_ns)
{
	unsigned long flags;
	s64 noise = 0;

	if (READ_ONCE(fail))
		return -EIO;
	if (jitter_ns) {
		u32 span = 2 * min_t(u32, READ_ONCE(jitter_ns), S32_MAX / 2) + 1;

		noise = (s64)get_random_u32_below(span) - span / 2;
	}
	spin_lock_irqsave(&model_lock, flags);
	*host_ns = model_host_locked(raw) + READ_ONCE(offset_ns) + noise;
	reads++;
	spin_unlock_irqrestore(&model_lock, flags);
	return 0;
}

static int sim_gettime(struct ptp_clock_info *ptp, struct timespec64 *ts)
{
	s64 host;
	int ret = model_read(ktime_to_ns(ktime_get_raw()), &host);

	if (ret)
		return ret;
	*ts = ns_to_timespec64(host);
	return 0;
}

/*
 * The real driver pairs a host reading with the guest's kvm-clock cycle count and lets
 * get_device_system_crosststamp() convert it. Our host clock is a function of the guest raw
 * clock, so one ktime_get_snapshot() gives realtime and raw time from the same counter read,
 * and the device time follows from the raw time: all three are exactly simultaneous.
 */
static int sim_getcrosststamp(struct ptp_clock_info *ptp, struct system_device_crosststamp *xts)
{
	struct system_time_snapshot snap;
	unsigned int err = READ_ONCE(crosststamp_err);
	s64 host;
	int ret;

	if (err)
		return -(int)err;
	ktime_get_snapshot(&snap);
	ret = model_read(ktime_to_ns(snap.raw), &host);
	if (ret)
		return ret;
	xts->device = ns_to_ktime(host);
	xts->sys_realtime = snap.real;
	xts->sys_monoraw = snap.raw;
	return 0;
}

static int sim_settime(struct ptp_clock_info *ptp, const struct timespec64 *ts)
{
	return -EOPNOTSUPP;
}

static int sim_adjtime(struct ptp_clock_info *ptp, s64 delta)
{
	return -EOPNOTSUPP;
}

static int sim_adjfine(struct ptp_clock_info *ptp, long scaled_ppm)
{
	return -EOPNOTSUPP;
}

static int sim_enable(struct ptp_clock_info *ptp, struct ptp_clock_request *rq, int on)
{
	return -EOPNOTSUPP;
}

static struct ptp_clock_info sim_info = {
	.owner = THIS_MODULE,
	.name = "KVM virtual PTP",
	.max_adj = 0,
	.gettime64 = sim_gettime,
	.getcrosststamp = sim_getcrosststamp,
	.settime64 = sim_settime,
	.adjtime = sim_adjtime,
	.adjfine = sim_adjfine,
	.enable = sim_enable,
};

static struct ptp_clock *sim_clock;

static int __init sim_init(void)
{
	unsigned long flags;
	struct system_time_snapshot snap;

	if (refuse)
		return -EOPNOTSUPP;

	ktime_get_snapshot(&snap);
	spin_lock_irqsave(&model_lock, flags);
	anchor_raw = ktime_to_ns(snap.raw);
	anchor_host = ktime_to_ns(snap.real);
	anchored = true;
	spin_unlock_irqrestore(&model_lock, flags);

	sim_clock = ptp_clock_register(&sim_info, NULL);
	if (IS_ERR(sim_clock))
		return PTR_ERR(sim_clock);
	pr_info("ptp_kvm TEST STAND-IN registered as ptp%d (not the real ptp_kvm driver)\n",
		ptp_clock_index(sim_clock));
	return 0;
}

static void __exit sim_exit(void)
{
	ptp_clock_unregister(sim_clock);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("TEST FIXTURE: stand-in for ptp_kvm with a modelled host clock (guestclock tests/vm)");
MODULE_AUTHOR("guestclock");
MODULE_LICENSE("Dual MIT/GPL"); // GPL-compatible to the kernel; the code is MIT
