"""Devices under test, each a process that serves two memif ports as the
memif server: frames from the generator arrive on port 0 (socket 0) and
leave on port 1 (socket 1), where the generator receives them."""
import os
import shlex
import signal
import subprocess
import time

from . import scenario

NICE = []   # nfvpn-bench --nice N: ["nice", "-n", "N"], before each command


class DutError(RuntimeError):
    pass


def memif_vdev(i, sock):
    return scenario.memif(i, "server", sock)


class Dut:
    ready_line = None   # a line of the log that says it forwards
    start_timeout = 60

    def __init__(self, name, workdir, lcores, mem):
        self.name = name
        self.workdir = workdir
        self.lcores = lcores
        self.mem = mem
        self.sockets = [os.path.join(workdir, "%s-memif%d.sock" % (name, i)) for i in range(2)]
        self.prefix = "nfvbench-%s-%d" % (name, os.getpid())
        self.log = os.path.join(workdir, name + ".log")
        self.proc = None
        self.exit_note = ""

    def command(self):
        raise NotImplementedError

    def start(self):
        cmd = NICE + self.command()
        with open(os.path.join(self.workdir, self.name + ".cmd"), "w") as f:
            f.write(" ".join(shlex.quote(c) for c in cmd) + "\n")
        self.logf = open(self.log, "w")
        # stdin stays an open pipe: testpmd without -i waits on it to exit
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=self.logf,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while True:
            with open(self.log, errors="replace") as f:
                printed = self.ready_line is None or self.ready_line in f.read()
            if printed and self.listening():
                break
            if self.proc.poll() is not None:
                raise DutError(self.failure("exited with status %d" % self.proc.returncode))
            if time.monotonic() > deadline:
                raise DutError(self.failure("not ready after %d s" % self.start_timeout))
            time.sleep(0.1)

    def listening(self):
        """Both memif sockets listen (memif's are abstract by default: they
        show in /proc/net/unix with a leading @, not in the file system)."""
        try:
            with open("/proc/net/unix") as f:
                names = {line.split()[-1] for line in f if len(line.split()) >= 8}
        except OSError:
            return True
        return all(s in names or "@" + s in names for s in self.sockets)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def failure(self, what):
        self.logf.flush()
        with open(self.log, errors="replace") as f:
            tail = f.read()[-3000:]
        return "%s %s:\n%s" % (self.name, what, tail)

    def stop(self):
        """SIGINT, then the DUT's own exit checks; a note for the report."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.exit_note = "killed after SIGINT timed out"
        self.logf.close()
        self.proc = None
        self.check_exit()

    def check_exit(self):
        pass


class Testpmd(Dut):
    # the memif sockets listen from the probe on, but a client that connects
    # before the ports start never comes up: wait for the end of start-up
    # (printed line-buffered through stdbuf)
    ready_line = "Press enter to exit"

    def __init__(self, name, workdir, lcores, mem, binary="dpdk-testpmd", workers=1):
        super().__init__(name, workdir, lcores, mem)
        self.binary = binary
        self.workers = workers

    def command(self):
        return (["stdbuf", "-oL", self.binary, "-l", self.lcores, "--no-pci", "--no-telemetry",
                 "--file-prefix", self.prefix] + self.mem +
                ["--log-level", "lib.eal:warning",
                 "--vdev", memif_vdev(0, self.sockets[0]),
                 "--vdev", memif_vdev(1, self.sockets[1]), "--",
                 "--forward-mode=io", "--port-topology=chained",
                 "--nb-cores=%d" % self.workers, "--rxq=%d" % self.workers,
                 "--txq=%d" % self.workers, "--total-num-mbufs=32768", "--auto-start"])


class Nfvpn(Dut):
    ready_line = "nfvpn-dataplane: running"

    def __init__(self, name, workdir, lcores, mem, binary, policy):
        super().__init__(name, workdir, lcores, mem)
        self.binary = binary
        self.policy = policy
        self.mgmt = os.path.join(workdir, name + "-mgmt.sock")

    def command(self):
        return ([self.binary, "-l", self.lcores, "--no-pci", "--file-prefix", self.prefix] +
                self.mem + ["--log-level", "lib.eal:warning", "--",
                            "--config", self.policy, "--socket", self.mgmt])

    def check_exit(self):
        # the dataplane counts what it holds at exit: a leak is a bug worth
        # a line in the results, not a reason to lose them
        with open(self.log, errors="replace") as f:
            text = f.read()
        for line in text.splitlines():
            if line.startswith("mbufs in use at exit:") and not line.endswith(": 0"):
                self.exit_note = line


class Command(Dut):
    """Any command; {socket0}, {socket1}, {lcores} and {prefix} are replaced.
    It must be the memif server of both sockets."""

    def __init__(self, name, workdir, lcores, mem, template, ready=None, wait=0.0):
        super().__init__(name, workdir, lcores, mem)
        self.template = template
        self.ready_line = ready
        self.wait = wait

    def start(self):
        # a memif client that connects before the server's ports start never
        # comes up: without a ready line, give the command time to start them
        super().start()
        time.sleep(self.wait)

    def command(self):
        s = self.template.format(socket0=self.sockets[0], socket1=self.sockets[1],
                                 lcores=self.lcores, prefix=self.prefix)
        return ["/bin/sh", "-c", "exec " + s]
