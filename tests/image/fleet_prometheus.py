"""The image tier's host-side Prometheus, started at the guest's first request: scrapes the
guest's node_exporter through qemu's forwarded port on 127.0.0.1 every second, evaluates
docs/prometheus's alert rules (a copy with shorter windows, see WINDOWS) every second, and
answers the guest's "@@PROM <scenario>" requests by asserting through its HTTP API
(/api/v1/query, /api/v1/alerts, /api/v1/metadata). Everything it writes stays in
BUILD/image/prometheus/; it listens on 127.0.0.1 only.
"""
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP = HERE.parent.parent
RULES = TOP / "docs/prometheus/guestclock-alerts.yml"
TABLE = TOP / "docs/monitoring.md"
GUEST_PORT = 9100  # node_exporter's

# The test copy's windows, so that the tier waits seconds, not the minutes a fleet wants
# (docs/monitoring.md says so). Each is (the rule file's text, the copy's); every one must be
# found, so a changed rule cannot silently keep its long window here.
WINDOWS = [
    # Offsets above 1.5 s rather than 100 ms: rtc_resync's offset is to qemu's RTC, which trails
    # the host by up to 1 s by construction (tests/vm/README.md); the pause makes 5 s.
    ('"(.+)")) > 0.1', '"(.+)")) > 1.5'),
    ("for: 5m", "for: 2s"),   # GuestClockOffset, GuestClockMeasurementStale
    ("for: 1m", "for: 2s"),   # GuestClockOffsetCritical
    ("for: 2m", "for: 2s"),   # GuestClockOffScrapeTime
    # Stale after 70 s rather than 15 min: rtc_resync measures every 60 s, so a running daemon
    # never crosses it and a stopped one does within 70 s.
    ('"(.+)") > 900', '"(.+)") > 70'),
    # GuestClockUnsynchronised alone (GuestClockDaemonNotCorrecting keeps its 15 minutes), and
    # its error bound at 20 ms: chronyd on the PHC holds it under 1 ms, so 40 s without an update.
    ("> 1.5\n        for: 15m", "> 0.02\n        for: 2s"),
]
# The alerts the scenarios drive; the others must merely stay quiet on a healthy guest.
OFFSET, SCRAPE, STALE = "GuestClockOffset", "GuestClockOffScrapeTime", "GuestClockMeasurementStale"
UNSYNC = "GuestClockUnsynchronised"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def documented_metrics():
    """docs/monitoring.md's table: every metric name with the label names it documents."""
    names = {}
    for line in TABLE.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cell = re.split(r"(?<!\\)\|", line)[1]  # "\|" inside a cell is no column
        for name, labels in re.findall(r"`((?:guestclock|node)_[a-z0-9_]+)(?:\{([^}`]*)\})?", cell):
            names[name] = set(re.findall(r"([a-z_]+)(?==|,|$)", labels or ""))
    return names


class FleetPrometheus:
    def __init__(self, build, vm, tap):
        self.dir = build / "image" / "prometheus"
        self.vm = vm
        self.tap = tap
        self.guest_port = free_port()  # the host end of qemu's hostfwd
        self.port = free_port()
        self.proc = None
        self.problem = None

    def qemu_args(self):
        """qemu's user network, restricted (no route out, only the forwarded port), with the
        forwarded port bound to the host's loopback only."""
        return ["-netdev", f"user,id=fleet,restrict=on,"
                           f"hostfwd=tcp:127.0.0.1:{self.guest_port}-:{GUEST_PORT}",
                "-device", "virtio-net-pci,netdev=fleet,romfile="]

    def start(self):
        binary = shutil.which("prometheus")
        if binary is None:
            self.problem = "no prometheus binary (Debian's prometheus package; make deps)"
            return
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        rules = RULES.read_text()
        for long, short in WINDOWS:
            if long not in rules:
                self.problem = f"{RULES.name} no longer holds {long!r}: update WINDOWS"
                return
            rules = rules.replace(long, short)
        (self.dir / "rules.yml").write_text(rules)
        (self.dir / "prometheus.yml").write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
            "rule_files:\n  - rules.yml\n"
            "scrape_configs:\n  - job_name: node\n    static_configs:\n"
            f"      - targets: ['127.0.0.1:{self.guest_port}']\n"
            "        labels: {instance: image}\n")
        log = open(self.dir / "prometheus.log", "w")
        self.proc = self.vm.start_qemu(
            [binary, f"--config.file={self.dir / 'prometheus.yml'}",
             f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)

    def close(self):
        if self.proc:
            self.vm.kill_qemu(self.proc)

    # -- the HTTP API ------------------------------------------------------------------------
    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=5) as r:
            body = json.load(r)
        if body.get("status") != "success":
            raise RuntimeError(f"{path}: {body}")
        return body["data"]

    def query(self, expr):
        return self.api("query", query=expr)["result"]

    def alerts(self, name):
        """The states ("pending", "firing") of alert NAME now; empty when inactive."""
        return [a["state"] for a in self.api("alerts")["alerts"]
                if a["labels"].get("alertname") == name]

    def wait(self, seconds, what):
        """Polls WHAT (a function returning True when met) for up to SECONDS; returns the
        seconds it took, or None."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds:
            try:
                if what():
                    return time.monotonic() - t0
            except (OSError, RuntimeError, ValueError):
                pass
            time.sleep(0.5)
        return None

    # -- the scenarios -----------------------------------------------------------------------
    def scenario(self, name):
        prefix = "prometheus: "
        # Started at the first request, not with qemu: a scrape every second costs the TCG guest
        # CPU that the checks before these, timed to the second, must not pay.
        if self.proc is None and self.problem is None:
            self.start()
        if self.problem or self.proc is None or self.proc.poll() is not None:
            why = self.problem or f"prometheus exited (see {self.dir / 'prometheus.log'})"
            self.tap.result(False, f"{prefix}{name}: {why}")
            return
        run = {"healthy": self.healthy, "stopped": self.stopped, "corrected": self.corrected,
               "unsynchronised": self.unsynchronised, "resynchronised": self.resynchronised}
        if name not in run:
            self.tap.result(False, f"{prefix}no scenario named {name!r}")
            return
        # A broken answer from the API is this scenario's failure, never the boot's end.
        try:
            run[name](prefix)
        except Exception as e:  # noqa: BLE001
            self.tap.result(False, f"{prefix}{name}: the HTTP API failed: {e!r}")

    def result_in(self, seconds, desc, what):
        took = self.wait(seconds, what)
        self.tap.result(took is not None, f"{desc} (within {seconds} s)")
        self.tap.diag(f"{desc}: " + (f"{took:.1f} s" if took is not None else "not seen"))
        if took is None:
            self.tap.diag("alerts: " + json.dumps([(a["labels"], a["state"], a.get("value"))
                                                   for a in self.api("alerts")["alerts"]]))

    def healthy(self, p):
        self.result_in(60, f"{p}node_exporter on the guest is scraped through 127.0.0.1",
                       lambda: self.query('up{job="node"} == 1'))
        self.result_in(30, f"{p}the guest's rtc_resync textfile reaches Prometheus",
                       lambda: self.query("guestclock_rtc_resync_state == 1"))
        self.tap.result(not self.query("node_textfile_scrape_error != 0"),
                        f"{p}node_exporter's textfile collector reads our directory without error")
        documented = documented_metrics()
        series = self.query('{__name__=~"guestclock_.+"}')
        problems = []
        for s in series:
            labels = dict(s["metric"])
            name = labels.pop("__name__")
            extra = set(labels) - {"instance", "job"} - documented.get(name, set())
            if name not in documented:
                problems.append(f"{name} is not in {TABLE.name}")
            elif extra:
                problems.append(f"{name} has undocumented labels {sorted(extra)}")
            kind = self.api("metadata", metric=name).get(name, [{}])[0].get("type")
            want = "counter" if name.endswith("_total") else "gauge"
            if kind != want:
                problems.append(f"{name} is a {kind}, not a {want}")
        names = sorted({s["metric"]["__name__"] for s in series})
        self.tap.result(bool(series) and not problems,
                        f"{p}our metrics have their documented names, labels and types")
        self.tap.diag(f"{len(names)} guestclock families: {', '.join(names)}")
        for problem in problems:
            self.tap.diag(problem)
        # A few evaluations after the first scrape, so that a pending alert could show.
        time.sleep(3)
        firing = [a["labels"]["alertname"] for a in self.api("alerts")["alerts"]]
        self.tap.result(not firing, f"{p}no alert is pending or firing on a healthy guest"
                                    f" ({SCRAPE} included)")
        if firing:
            self.tap.diag(f"alerts: {firing}")
        self.tap.diag("guest clock minus scrape time: " + json.dumps(
            self.query("node_time_seconds - timestamp(node_time_seconds)")))

    def stopped(self, p):
        self.result_in(30, f"{p}{OFFSET} fires once the audit measures a clock nobody corrected",
                       lambda: "firing" in self.alerts(OFFSET))
        self.result_in(30, f"{p}{SCRAPE} (seed 004: scrape time minus node_time_seconds) fires",
                       lambda: "firing" in self.alerts(SCRAPE))
        self.result_in(80, f"{p}{STALE} fires with rtc-resync.service stopped past the window",
                       lambda: "firing" in self.alerts(STALE))

    def corrected(self, p):
        for alert in (SCRAPE, STALE):
            self.result_in(30, f"{p}{alert} clears once rtc-resync.service corrected the clock",
                           lambda alert=alert: not self.alerts(alert))
        # rtc_resync's offset gauge is its last measurement before its correction (the 5 s it
        # stepped) until its next one, a minute later; the fleet's 5 min "for:" never sees it.
        self.result_in(90, f"{p}{OFFSET} clears at rtc_resync's next measurement",
                       lambda: not self.alerts(OFFSET))

    def unsynchronised(self, p):
        # chronyd keeps STA_UNSYNC clear while it holds over; what shows is that it no longer
        # refreshes the kernel's error bound, which the kernel grows by 500 us a second.
        self.tap.result(bool(self.query("node_timex_sync_status == 1")),
                        f"{p}chronyd without a source still says synchronised (STA_UNSYNC clear)")
        self.result_in(90, f"{p}the kernel's error bound grows past 20 ms with no update",
                       lambda: self.query("node_timex_maxerror_seconds > 0.02"))
        self.result_in(30, f"{p}{UNSYNC} fires while chronyd has no source",
                       lambda: "firing" in self.alerts(UNSYNC))

    def resynchronised(self, p):
        self.result_in(30, f"{p}{UNSYNC} clears once chronyd follows the PHC again",
                       lambda: not self.alerts(UNSYNC))
