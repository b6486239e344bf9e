package io.lockstep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine other processes took while something was measured: busy CPU time of the whole machine
 * ({@code /proc/stat}) less this JVM's own and that of the child processes it has waited for ({@code /proc/self/stat}:
 * a benchmark's Python side is not "other"), as a share of all cores' time. A benchmark
 * on a machine that others use (a test suite, a training run) measures them too; the report says so. Linux only;
 * elsewhere the share is unknown (NaN).
 */
final class CpuMeter {
    private final long[] start;

    private CpuMeter(long[] start) {
        this.start = start;
    }

    static CpuMeter start() {
        return new CpuMeter(read());
    }

    /** Other processes' share of all cores' time since {@link #start}, in [0, 1], or NaN where unknown. */
    double othersShare() {
        long[] now = read();
        if (now == null || start == null || now[1] == start[1]) {
            return Double.NaN;
        }
        long busy = now[0] - start[0];
        long total = now[1] - start[1];
        long self = now[2] - start[2];
        return Math.max(0, Math.min(1, (double) (busy - self) / total));
    }

    /**
     * Waits until other processes take at most {@code share} of the cores over one second, or until {@code limit}
     * has passed; returns the seconds it watched (at least 1; NaN where the share is unknown). On a shared machine
     * this puts a measurement in a quiet moment rather than in someone else's build.
     */
    static double awaitQuiet(double share, java.time.Duration limit) throws InterruptedException {
        long begin = System.nanoTime();
        while (true) {
            CpuMeter meter = start();
            Thread.sleep(1000);
            double others = meter.othersShare();
            double waited = (System.nanoTime() - begin) / 1e9;
            if (Double.isNaN(others)) {
                return Double.NaN;
            }
            if (others <= share || waited >= limit.toSeconds()) {
                return waited;
            }
        }
    }

    /** The 1-minute load average, or NaN where unknown. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** {machine busy ticks, machine total ticks, this process's and its reaped children's ticks}, or null. */
    private static long[] read() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            long total = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                long ticks = Long.parseLong(cpu[i]);
                total += ticks;
                if (i != 4 && i != 5) {
                    busy += ticks;
                }
            }
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = self.substring(self.lastIndexOf(')') + 2).split(" ");
            // fields from the state on: utime, stime, cutime, cstime are fields 14 to 17 of the file, 11 to 14 here
            long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
            return new long[] {busy, total, own};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
