package io.lockstep.cli;

import io.lockstep.cli.report.ReportWriter;
import com.typesafe.config.ConfigException;
import io.lockstep.data.DataFormatException;
import io.lockstep.data.DatasetFetchException;
import java.io.PrintStream;

/**
 * The {@code lockstep} command's entry point (the launcher {@code bin/lockstep} runs it):
 * <pre>
 *   lockstep train CONFIG [--set key=value]... [--resume] [--debug]
 *   lockstep data fetch fashion-mnist|mnist [--dest DIR] [--debug]
 * </pre>
 * Exit codes: 0 done; 2 a usage, configuration or data error, reported in one line on stderr that names the file
 * or key to fix, before anything is written to the run directory; 1 a failure during training. {@code --debug}
 * adds the stack trace.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err, System.console() != null);
        } catch (Throwable e) { // an Error (a broken classpath, out of memory): report it, and still exit
            System.err.println("lockstep: " + describe(e));
            e.printStackTrace();
            code = FAILED;
        }
        // Exit even when Spark left non-daemon threads behind.
        System.exit(code);
    }

    /**
     * Runs a command and returns its exit code (tests call this; {@link #main} exits with it).
     *
     * @param terminal whether {@code out} is a terminal (training progress is then redrawn in place)
     */
    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        boolean debug = CommandLine.debug(args);
        CommandLine.Command command;
        try {
            command = CommandLine.parse(args);
        } catch (UsageException e) {
            err.println("lockstep: " + e.getMessage());
            err.println(CommandLine.USAGE);
            return INVALID;
        }
        if (command instanceof CommandLine.Train train) {
            return train(train, out, err, terminal, debug);
        }
        if (command instanceof CommandLine.Fetch fetch) {
            return fetch(fetch, out, err, debug);
        }
        if (command instanceof CommandLine.Report report) {
            return report(report, out, err, debug);
        }
        out.println(CommandLine.USAGE);
        return OK;
    }

    private static int train(CommandLine.Train command, PrintStream out, PrintStream err, boolean terminal,
                             boolean debug) {
        TrainCommand train = new TrainCommand(out, terminal);
        TrainCommand.Prepared prepared;
        try {
            prepared = train.prepare(command.config(), command.sets(), command.resume());
        } catch (ConfigError | InputError | UsageException | DataFormatException | DatasetFetchException
                 | ConfigException | IllegalArgumentException e) {
            return fail(err, e.getMessage(), e, INVALID, debug);
        } catch (RuntimeException e) {
            return fail(err, "cannot start: " + describe(e), e, FAILED, debug);
        }
        try (prepared) {
            train.run(prepared);
            return OK;
        } catch (Exception e) {
            return fail(err, "training failed: " + describe(e), e, FAILED, debug);
        }
    }

    private static int fetch(CommandLine.Fetch command, PrintStream out, PrintStream err, boolean debug) {
        try {
            FetchCommand.run(command.dataset(), command.dest(), out);
            return OK;
        } catch (UsageException | DatasetFetchException | DataFormatException | IllegalArgumentException e) {
            return fail(err, e.getMessage(), e, INVALID, debug);
        } catch (RuntimeException e) {
            return fail(err, "fetch failed: " + describe(e), e, FAILED, debug);
        }
    }

    private static int report(CommandLine.Report command, PrintStream out, PrintStream err, boolean debug) {
        try {
            out.println("lockstep: wrote " + ReportWriter.write(command.runDir()));
            return OK;
        } catch (java.io.IOException e) {
            return fail(err, e.getMessage(), e, INVALID, debug);
        }
    }

    private static int fail(PrintStream err, String message, Throwable e, int code, boolean debug) {
        err.println("lockstep: " + ConfigError.oneLine(String.valueOf(message)));
        if (debug) {
            e.printStackTrace(err);
        }
        return code;
    }

    /** An unexpected failure in a few words: its message and, if different, its root cause's. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        text = text.length() > 300 ? text.substring(0, 300) + " ..." : text;
        if (root != e) {
            text += " (caused by " + root + ")";
        }
        return text + " (--debug shows the stack trace)";
    }
}
