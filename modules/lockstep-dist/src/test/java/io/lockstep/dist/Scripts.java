package io.lockstep.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's deploy/ scripts as a user would, with the build's Spark home, and collects what they print
 * in a log file. A script still running when its time is up is killed with everything it started.
 */
final class Scripts {
    private Scripts() {
    }

    /** A started script: its process and the file its stdout and stderr go to. */
    record Running(Process process, Path log) implements AutoCloseable {
        /** Waits for the script to end and returns its exit code, or kills it (and its children) when time is up. */
        int await(Duration limit) throws InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("the script did not finish within " + limit + "; its output:\n" + tail());
            }
            return process.exitValue();
        }

        /** The end of what it printed. */
        String tail() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }

        /** Kills the script's process tree, children first (a driver JVM that submit.sh started, for example). */
        @Override
        public void close() {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            java.util.Collections.reverse(tree);
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** Starts deploy/SCRIPT with the arguments, its output going to log. */
    static Running start(String script, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(DistPaths.deploy().resolve(script).toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("LOCKSTEP_SPARK_HOME", DistPaths.sparkHome().toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return new Running(builder.start(), log);
    }

    /** Runs deploy/SCRIPT to its end; fails with its output unless it exits with 0. */
    static void run(String script, List<String> args, Path log, Duration limit) throws IOException, InterruptedException {
        try (Running running = start(script, args, log)) {
            int code = running.await(limit);
            if (code != 0) {
                throw new AssertionError("deploy/" + script + " " + String.join(" ", args) + " exited with " + code
                        + ":\n" + running.tail());
            }
        }
    }
}
