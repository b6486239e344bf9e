package io.lockstep.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local standalone cluster started with deploy/standalone.sh (a Master and N Workers, separate JVMs on 127.0.0.1)
 * in a run folder of its own. {@link #stop} runs deploy/standalone.sh stop, and then kills by pid whatever of the
 * run folder's daemons and their executors is still alive, so that nothing outlives the tests.
 */
final class LocalCluster {
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(2);

    private final Path dir;
    private final List<Long> daemonPids = new ArrayList<>();
    /** If the test JVM is stopped before stop() (a build timeout), the daemons, in sessions of their own, go too. */
    private final Thread killer = new Thread(() -> processes().forEach(ProcessHandle::destroyForcibly),
            "lockstep-local-cluster-killer");

    private LocalCluster(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** deploy/standalone.sh start --workers N --dir DIR; the cluster is stopped again if it does not come up. */
    static LocalCluster start(Path dir, int workers) throws IOException, InterruptedException {
        LocalCluster cluster = new LocalCluster(dir);
        try {
            Scripts.run("standalone.sh", List.of("start", "--workers", String.valueOf(workers), "--cores", "1",
                    "--memory", "3g", "--dir", dir.toString()), dir.resolveSibling(dir.getFileName() + "-start.log"),
                    SCRIPT_LIMIT);
            cluster.rememberDaemons();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            try {
                cluster.rememberDaemons();
                cluster.stop();
            } catch (IOException | InterruptedException | RuntimeException | Error stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    /** The applications Worker i ran executors for: its work directory's app-* folders (executor logs inside). */
    List<Path> applicationsOf(int worker) throws IOException {
        try (var apps = Files.list(dir.resolve("worker-" + worker))) {
            return apps.filter(p -> p.getFileName().toString().startsWith("app-")).sorted().toList();
        }
    }

    /** The pid of Worker i (1-based), from its pid file. */
    long workerPid(int worker) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("worker-" + worker + ".pid")).strip());
    }

    /** The executor JVM that Worker i runs now, if any. */
    Optional<ProcessHandle> executorOf(int worker) throws IOException {
        return ProcessHandle.of(workerPid(worker)).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(p -> commandLine(p.pid()).contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
                .findFirst();
    }

    /**
     * Stops the cluster with deploy/standalone.sh stop, which must leave no daemon of it and no executor of theirs
     * alive; whatever it left is killed by pid, and the stop fails naming it.
     */
    void stop() throws IOException, InterruptedException {
        List<ProcessHandle> started = processes();
        try {
            Scripts.run("standalone.sh", List.of("stop", "--dir", dir.toString()),
                    dir.resolveSibling(dir.getFileName() + "-stop.log"), SCRIPT_LIMIT);
        } finally {
            List<ProcessHandle> survivors = started.stream().filter(ProcessHandle::isAlive).toList();
            survivors.forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().removeShutdownHook(killer);
            if (!survivors.isEmpty()) {
                throw new AssertionError("deploy/standalone.sh stop left processes alive (killed now): "
                        + survivors.stream().map(p -> p.pid() + " " + commandLine(p.pid())).toList());
            }
        }
    }

    /** The daemons of the pid files and every process they started (executors), as of now. */
    private List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        for (long pid : daemonPids) {
            ProcessHandle.of(pid).ifPresent(daemon -> {
                all.addAll(daemon.descendants().toList());
                all.add(daemon);
            });
        }
        return all;
    }

    /** The pids of the pid files, read as soon as start returns (stop deletes the files). */
    private void rememberDaemons() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                daemonPids.add(Long.parseLong(Files.readString(file).strip()));
            }
        }
    }

    /** /proc/PID/cmdline with spaces between the arguments ("" when the process is gone). */
    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
