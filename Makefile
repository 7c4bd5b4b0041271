# guestclock — plain make: a program list, object lists per tool, generated header dependencies.
# Build output goes under $(BUILD) (default build/); helpers working in parallel may pick another.

VERSION  := 0.1.0

# ARCH=arm64 cross-builds with Debian's aarch64-linux-gnu toolchain against the arm64 multiarch
# -dev packages (make deps ARCH=arm64 installs them), into its own build directory so objects
# never mix with the native build's, runs the unit tier under qemu-user and the VM tier's arm64
# scenarios on Debian's arm64 kernel under qemu-system-aarch64.
ifeq ($(ARCH),arm64)
CROSS    := aarch64-linux-gnu
CXX      := $(CROSS)-g++
BUILD    ?= build-arm64
PKG_CONFIG ?= $(CROSS)-pkg-config
# No -L /usr/$(CROSS): that cross libc is a separate build of glibc, while the loader reads
# /etc/ld.so.cache and maps the multiarch libc6:arm64 the linked libraries need; the mixed pair
# corrupts the loader's shared state and the first pthread_create spins for ever.
RUN_TARGET := qemu-aarch64-static
DEPS_FLAGS := --arm64
VM_ARCH_FLAGS := --arch arm64
else ifeq ($(origin ARCH),command line)
$(error ARCH=$(ARCH): only ARCH=arm64 is a cross build; leave ARCH unset to build natively)
endif
BUILD    ?= build
PKG_CONFIG ?= pkg-config
# A cross pkg-config (TRIPLET-pkg-config: ARCH=arm64, or dpkg-buildpackage -a) exists only where
# pkg-config:ARCH is installed; without it, the native one on that architecture's .pc files.
ifneq ($(filter %-pkg-config,$(PKG_CONFIG)),)
ifeq ($(shell command -v $(PKG_CONFIG)),)
override PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/$(PKG_CONFIG:-pkg-config=)/pkgconfig:/usr/share/pkgconfig \
                       pkg-config
endif
endif
PREFIX   ?= /usr/local
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
UDEVDIR  ?= $(PREFIX)/lib/udev
UNITDIR  ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
# The daemons read /etc/guestclock whatever the prefix, as chrony reads /etc/chrony.
SYSCONFDIR ?= /etc
# timedated's list of time services: after systemd-timesyncd's 80-, so that `timedatectl set-ntp
# true` starts timesyncd, never our servo on a guest without a paravirtual clock; set-ntp false
# stops ours too, and `timedatectl show -p NTP` counts it.
NTPUNITSDIR ?= $(PREFIX)/lib/systemd/ntp-units.d

CXX      ?= g++
# libkmod is not linked: common/module_loader dlopen()s it when `ptp_kvm_helper load` runs, so
# the daemons never map it or the libcrypto it brings (only its header is needed to build).
# spdlog and fmt are compiled in (header-only), so only these two are linked.
PKGS     := libudev libsystemd
CPPFLAGS += -I. -DGUESTCLOCK_VERSION='"$(VERSION)"' -DSPDLOG_FMT_EXTERNAL -DFMT_HEADER_ONLY
# -Os: the daemons' text is faulted in nearly whole, so size is resident memory (-O2: 336 kB
# more for `ptp_kvm_helper sync`); nothing here is bound by instructions rather than by the
# clocks and devices it waits on. debian/rules appends it to Debian's -O2.
CXXFLAGS ?= -Os -g
CXXFLAGS += -std=c++23 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -MMD -MP \
            -ffunction-sections -fdata-sections
LDLIBS   += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# The tools carry the part of libstdc++ they use instead of mapping libstdc++.so, whose text a
# daemon faults in almost whole (1.7 MB resident); with fmt compiled in, nothing maps the shared
# copy any more. `ptp_kvm_helper sync` waiting for a PHC: 6596 -> 5172 kB RSS, 5315 -> 3861 kB
# PSS (bench/bench_footprint measures it against chronyd). The cost: a libstdc++ security fix
# reaches the tools by a rebuild (a binNMU), as for any static code. Empty for the sanitizers,
# whose libasan must interpose operator new on the shared libstdc++.
RUNTIME_LDFLAGS ?= -static-libstdc++ -static-libgcc -Wl,--gc-sections

# A tool takes part once its main.cpp exists.
TOOLS := $(filter clocksource_audit rtc_resync ptp_kvm_helper,$(patsubst %/main.cpp,%,$(wildcard */main.cpp)))

objects = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(1))
common_OBJS := $(call objects,$(wildcard common/*.cpp))
# Each tool's logic lives beside its main.cpp and is linked into the unit tests too.
define tool_objects
$(1)_OBJS := $$(call objects,$$(filter-out $(1)/main.cpp,$$(wildcard $(1)/*.cpp)))
endef
$(foreach tool,$(TOOLS),$(eval $(call tool_objects,$(tool))))
logic_OBJS := $(foreach tool,$(TOOLS),$($(tool)_OBJS)) $(common_OBJS)
unit_OBJS  := $(call objects,$(wildcard tests/unit/*.cpp tests/fakes/*.cpp))

BINS := $(addprefix $(BUILD)/bin/,$(TOOLS))
# The daemons' commented default settings, each beside its tool's sources, installed under
# /etc/guestclock with a .d each.
CONFIGS := rtc_resync/rtc_resync.conf ptp_kvm_helper/ptp_kvm_helper.conf

.SECONDEXPANSION:
.PHONY: fuzz fuzz-check sanitize-check all deps audit check faults-check unit-check umockdev-check host-check vm-check vm-shell image-check man-check lint format \
        prometheus-check \
        install uninstall deb dist bench clean
all: $(BINS) $(BUILD)/bin/unit_tests

deps:
	@.ci/install-deps $(DEPS_FLAGS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

define tool_link
$(BUILD)/bin/$(1): $(BUILD)/obj/$(1)/main.o $$($(1)_OBJS) $$(common_OBJS)
	@mkdir -p $$(@D)
	$$(CXX) $$(LDFLAGS) $$(RUNTIME_LDFLAGS) $$^ $$(LDLIBS) -o $$@
endef
$(foreach tool,$(TOOLS),$(eval $(call tool_link,$(tool))))

$(BUILD)/bin/unit_tests: $(unit_OBJS) $(logic_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The newcomer's first command: install what is missing, build, audit this machine (as root,
# measuring every clocksource; the original is always restored).
AUDIT_FLAGS ?= $(if $(filter 0,$(shell id -u)),--switch) --duration 3
audit:
	@.ci/install-deps --audit
	@$(MAKE) --no-print-directory $(BUILD)/bin/clocksource_audit
	$(BUILD)/bin/clocksource_audit $(AUDIT_FLAGS)

# Every tier writes its results under $(BUILD)/results; tests/summarize counts them all and
# prints the closing "N passed, N failed" line. The image tier joins them with CHECK_IMAGE=yes
# (.ci/run sets it): from a cold cache it adds 7.5 minutes on a quiet 2-core machine (19.4 in
# all from scratch) but up to 19 under others' load, too close to make check's 25-minute budget
# to be in it by default; with its cache it adds under 2 minutes.
CHECK_IMAGE ?= no
# The sanitizer and fuzzing tiers (CHECK_SANITIZE=yes, CHECK_FUZZ=yes; .ci/run sets both) add
# about 12 and 6 minutes on 2 cores: outside make check's 25-minute budget, inside .ci/run's 60.
CHECK_SANITIZE ?= no
CHECK_FUZZ ?= no
CHECK_TIERS := unit-check man-check prometheus-check umockdev-check host-check vm-check \
               $(if $(filter yes,$(CHECK_IMAGE)),image-check) \
               $(if $(filter yes,$(CHECK_SANITIZE)),sanitize-check) \
               $(if $(filter yes,$(CHECK_FUZZ)),fuzz-check) faults-check
# Cross-built, the unit tier runs under qemu-user and the VM tier boots the arm64 kernel for its
# arm64 scenarios; the others need this machine's own binaries and devices, so each is recorded
# as a skipped tier rather than silently absent.
ifeq ($(ARCH),arm64)
NATIVE_ONLY_TIERS := $(filter-out unit-check vm-check,$(CHECK_TIERS))
CHECK_TIERS       := unit-check vm-check
endif
# The build before the tiers uses every core: on CI's 2 it is half of what it was.
check: deps
	@rm -rf $(BUILD)/results && mkdir -p $(BUILD)/results
	@start=$$(date +%s); $(MAKE) --no-print-directory -j$(shell nproc) all; \
	    echo $$(($$(date +%s) - start)) > $(BUILD)/results/build.seconds
	@for tier in $(CHECK_TIERS); do \
	    start=$$(date +%s); $(MAKE) --no-print-directory $$tier; \
	    echo $$(($$(date +%s) - start)) > $(BUILD)/results/$${tier%-check}.seconds; \
	done
	@for tier in $(NATIVE_ONLY_TIERS); do \
	    echo "1..0 # SKIP native-only for now: ARCH=$(ARCH) runs the unit and VM tiers alone" \
	        > $(BUILD)/results/$${tier%-check}.tap; \
	done
	@tests/summarize $(BUILD)/results

unit-check: $(BUILD)/bin/unit_tests
	@mkdir -p $(BUILD)/results
	$(RUN_TARGET) $(BUILD)/bin/unit_tests --reporter console 2>&1 | tee $(BUILD)/results/unit.catch

# docs/faults.md against the results of the tiers before it (run last): every fault's tests ran
# and passed, or its row fails.
faults-check: $(BUILD)/bin/unit_tests
	@mkdir -p $(BUILD)/results
	@tests/faults/check $(BUILD) | tee $(BUILD)/results/faults.tap

man-check:
	@mkdir -p $(BUILD)/results
	@tests/man/run | tee $(BUILD)/results/man.tap

# The alert rules, their promtool tests, the tools' textfiles and the Grafana dashboard, with
# the promtool that fleets run (tests/prometheus/README.md). No VM: under a minute.
prometheus_samples_OBJS := $(call objects,$(wildcard tests/prometheus/*.cpp) tests/unit/main.cpp)
$(BUILD)/bin/textfile_samples: $(prometheus_samples_OBJS) $(logic_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

prometheus-check: $(BINS) $(BUILD)/bin/textfile_samples
	@mkdir -p $(BUILD)/results
	@tests/prometheus/run $(BUILD) | tee $(BUILD)/results/prometheus.tap

umockdev-check: $(BINS)
	@mkdir -p $(BUILD)/results
	@tests/umockdev/run $(BUILD)/bin | tee $(BUILD)/results/umockdev.tap

host-check: $(BINS)
	@mkdir -p $(BUILD)/results
	@tests/host/run $(BUILD)/bin | tee $(BUILD)/results/host.tap

vm-check: $(BINS)
	@mkdir -p $(BUILD)/results
	@tests/vm/run --build $(BUILD) $(VM_ARCH_FLAGS) | tee $(BUILD)/results/vm.tap

# The package installed into a booted bookworm image (tests/image/README.md); needs root and the
# Debian mirror apt uses. Builds its own package from HEAD, so it needs no $(BINS).
image-check:
	@mkdir -p $(BUILD)/results
	@tests/image/run --build $(BUILD) | tee $(BUILD)/results/image.tap

# VM_KERNEL=7 boots the 7.x kernel instead of 6.1 (tests/vm/README.md); ARCH=arm64 the arm64 one.
vm-shell: $(BINS)
	tests/vm/run --build $(BUILD) $(VM_ARCH_FLAGS) --shell $(if $(VM_KERNEL),--kernel $(VM_KERNEL))

# Boots a VM per benchmark, one at a time (each script's header says what it measures);
# FOOTPRINT_SECONDS shortens the footprint's
# windows. Reports and SVG charts land in $(BUILD)/bench.
bench: $(BINS)
	@.ci/install-deps --bench
	bench/run $(BUILD)

# libFuzzer targets (tests/fuzz/fuzz_NAME.cpp) for the parsers of what others write, built with
# clang's fuzzer, ASan and UBSan; each runs FUZZ_SECONDS from its committed seed corpus, copied
# under $(BUILD) so the tree stays clean, and prints its executions and coverage.
FUZZ_CXX     ?= clang++-19
FUZZ_SECONDS ?= 30
FUZZ_FLAGS   := -std=c++23 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
# What each target links besides itself.
fuzz_vmclock_SOURCES := common/vmclock.cpp common/result.cpp common/time_ns.cpp
fuzz_calendar := common/rtc_calendar.cpp common/result.cpp
fuzz_adjtime_SOURCES := $(fuzz_calendar)
fuzz_time_arguments_SOURCES := common/time_arguments.cpp common/plausible_time.cpp $(fuzz_calendar)
fuzz_rtc_resync_config_SOURCES := rtc_resync/settings.cpp common/config_text.cpp \
                                  $(fuzz_time_arguments_SOURCES)
fuzz_chrony_config_SOURCES := ptp_kvm_helper/chrony_config.cpp
fuzz_chrony_tracking_SOURCES := common/chrony_control.cpp common/result.cpp
fuzz_kernel_cmdline_SOURCES := clocksource_audit/kernel_parameters.cpp
fuzz_kernel_messages_SOURCES := clocksource_audit/kernel_messages.cpp common/result.cpp
fuzz_cpuinfo_SOURCES := clocksource_audit/cpu_flags.cpp clocksource_audit/clocksources.cpp \
                        clocksource_audit/restore_watcher.cpp \
                        common/system_files.cpp common/result.cpp
fuzz_time_daemons_SOURCES := common/time_daemons.cpp common/systemd_units.cpp \
                             common/ntp_units.cpp common/system_files.cpp common/result.cpp
fuzz_sysfs_attributes_SOURCES := common/phc_kind.cpp rtc_resync/rtc_selection.cpp common/result.cpp

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.cpp $$(fuzz_%_SOURCES)
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_FLAGS) $^ $(LDLIBS) -o $@

fuzz: $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_TARGETS))
	@tests/fuzz/run $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The same as a tier of make check (CHECK_FUZZ=yes, which .ci/run sets): built with every core.
fuzz-check:
	@mkdir -p $(BUILD)/results
	@if $(MAKE) --no-print-directory -j$(shell nproc) $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_TARGETS)); \
	then tests/fuzz/run $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS); \
	else printf '1..1\nnot ok 1 - fuzz: the targets did not build\n'; fi | tee $(BUILD)/results/fuzz.tap
	@! grep -q '^not ok' $(BUILD)/results/fuzz.tap

# The unit and umockdev tiers again, with the tools and tests built by g++ under ASan and UBSan
# into $(BUILD)/sanitize; the first report stops the test that made it. umockdev's preload
# library comes before libasan in the tools it runs, which ASan would refuse by default.
# TSan where a tool runs threads: only clocksource_audit's backward-step readers
# (measure_backward_steps; spdlog logs synchronously, no thread pool), whose unit test runs
# alone under it, its Catch2 log in $(BUILD)/results/tsan.catch (the lock taken out, it
# reports the data race and fails).
TSAN_SOURCES := tests/unit/main.cpp tests/unit/test_backward_steps.cpp \
                clocksource_audit/backward_steps.cpp common/time_ns.cpp
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SANITIZE_BUILD := $(BUILD)/sanitize
# A tier of make check with CHECK_SANITIZE=yes (.ci/run sets it): the unit tests' Catch2 log and
# the umockdev tier's TAP land in $(BUILD)/results as sanitize.catch and sanitize-umockdev.tap.
# -O0 -g1 halves the build, which is nearly all of this tier's time (rtc_resync/main.cpp: 74 s
# at -O1 -g, 35 s at -O0 -g1): the tests run in seconds either way, and -g1's line tables still
# put file and line in every report.
sanitize-check:
	@mkdir -p $(BUILD)/results
	@CXXFLAGS='-O0 -g1 $(SANITIZE_FLAGS)' LDFLAGS='$(SANITIZE_FLAGS)' \
	    $(MAKE) --no-print-directory -j$(shell nproc) BUILD=$(SANITIZE_BUILD) RUNTIME_LDFLAGS= all \
	    || { echo 'the sanitizer build failed' > $(BUILD)/results/sanitize.catch; exit 1; }
	@UBSAN_OPTIONS=print_stacktrace=1 $(SANITIZE_BUILD)/bin/unit_tests --reporter console \
	    > $(BUILD)/results/sanitize.catch 2>&1; status=$$?; \
	    cat $(BUILD)/results/sanitize.catch; exit $$status
	ASAN_OPTIONS=verify_asan_link_order=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    tests/umockdev/run $(SANITIZE_BUILD)/bin | tee $(BUILD)/results/sanitize-umockdev.tap
	@! grep -q '^not ok' $(BUILD)/results/sanitize-umockdev.tap
	@$(MAKE) --no-print-directory $(SANITIZE_BUILD)/bin/tsan_tests \
	    || { echo 'the ThreadSanitizer build failed' > $(BUILD)/results/tsan.catch; exit 1; }
	@$(SANITIZE_BUILD)/bin/tsan_tests --reporter console \
	    > $(BUILD)/results/tsan.catch 2>&1; status=$$?; cat $(BUILD)/results/tsan.catch; exit $$status

$(SANITIZE_BUILD)/bin/tsan_tests: $(TSAN_SOURCES)
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) -std=c++23 -O1 -g1 -fsanitize=thread $^ $(LDLIBS) -o $@

SOURCES = $(wildcard common/*.cpp common/*.h $(addsuffix /*.cpp,$(TOOLS)) $(addsuffix /*.h,$(TOOLS)) \
                     tests/unit/*.cpp tests/fakes/*.h tests/fakes/*.cpp tests/fuzz/*.cpp \
                     tests/prometheus/*.cpp)
TIDY_SOURCES = $(filter %.cpp,$(filter-out tests/%,$(SOURCES)))

lint:
	clang-format --dry-run --Werror $(SOURCES)
	# clang-tidy 19: clang 14 cannot compile libstdc++ 12's <expected> (it lacks conditionally
	# trivial special members). One process per file, as many at once as there are CPUs; the
	# "N warnings generated" noise (from system headers, not shown) goes to a log.
	@mkdir -p $(BUILD)
	printf '%s\n' $(TIDY_SOURCES) | xargs -P $(shell nproc) -I{} \
	    clang-tidy-19 --quiet {} -- $(CPPFLAGS) -std=c++23 2>$(BUILD)/clang-tidy.log \
	    || { grep -v 'warnings generated' $(BUILD)/clang-tidy.log; exit 1; }
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c++20 \
	    --inline-suppr --suppress=missingIncludeSystem -I. $(filter %.cpp,$(SOURCES))

format:
	clang-format -i $(SOURCES)

# INSTALL_STRIP=yes installs the tools without their symbols (rtc_resync 1.1 MB instead of 47);
# the package leaves that to dh_strip, which moves them into guestclock-dbgsym.
STRIP_FLAGS := $(if $(filter yes,$(INSTALL_STRIP)),-s $(if $(CROSS),--strip-program=$(CROSS)-strip))
install: $(BINS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	           $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	           $(addprefix $(DESTDIR)$(SYSCONFDIR)/guestclock/,$(addsuffix .d,$(notdir $(CONFIGS))))
	$(if $(BINS),install -m 0755 $(STRIP_FLAGS) $(BINS) $(DESTDIR)$(SBINDIR)/)
	$(if $(wildcard man/*.8),install -m 0644 $(wildcard man/*.8) $(DESTDIR)$(MANDIR)/man8/)
	install -m 0644 man/rtc_resync.conf.5 $(DESTDIR)$(MANDIR)/man5/
	ln -sf rtc_resync.conf.5 $(DESTDIR)$(MANDIR)/man5/ptp_kvm_helper.conf.5
	$(if $(wildcard udev/*.rules),install -m 0644 $(wildcard udev/*.rules) $(DESTDIR)$(UDEVDIR)/rules.d/)
	$(if $(wildcard systemd/*.service),install -m 0644 $(wildcard systemd/*.service) $(DESTDIR)$(UNITDIR)/)
	install -m 0644 systemd/guestclock.sysusers $(DESTDIR)$(SYSUSERSDIR)/guestclock.conf
	install -D -m 0644 systemd/guestclock.ntp-units $(DESTDIR)$(NTPUNITSDIR)/90-guestclock.list
	install -m 0644 $(CONFIGS) $(DESTDIR)$(SYSCONFDIR)/guestclock/

# The configuration files under /etc are the administrator's once installed: left in place.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(TOOLS))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8)))
	rm -f $(DESTDIR)$(MANDIR)/man5/rtc_resync.conf.5 $(DESTDIR)$(MANDIR)/man5/ptp_kvm_helper.conf.5
	rm -f $(addprefix $(DESTDIR)$(UDEVDIR)/rules.d/,$(notdir $(wildcard udev/*.rules)))
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(wildcard systemd/*.service)))
	rm -f $(DESTDIR)$(SYSUSERSDIR)/guestclock.conf
	rm -f $(DESTDIR)$(NTPUNITSDIR)/90-guestclock.list

# The Debian package from a copy of the work tree as it is, uncommitted edits included, or of
# an unpacked release tarball (see debian/build-deb); DEB_BUILD_OPTIONS=nocheck skips the unit
# tests, ARCH=arm64 cross-builds the arm64 package.
deb:
	debian/build-deb --worktree $(if $(CROSS),--host-arch $(ARCH)) $(BUILD)/deb

# The release tarball of HEAD, which builds with `make deb` (or dpkg-buildpackage) without git.
DIST := $(BUILD)/guestclock-$(VERSION).tar.gz
dist:
	@mkdir -p $(BUILD)
	@git diff --quiet HEAD || echo "dist: uncommitted changes are not in the tarball (it is HEAD)" >&2
	git archive --format=tar.gz --prefix=guestclock-$(VERSION)/ -o $(DIST) HEAD
	@echo $(DIST)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
