package io.lockstep.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses the arguments of the {@code lockstep} command into one of its {@link Command}s. */
final class CommandLine {
    static final String USAGE = String.join(System.lineSeparator(),
            "usage: lockstep train CONFIG [--set key=value]... [--resume] [--debug]",
            "       lockstep data fetch fashion-mnist|mnist [--dest DIR] [--debug]",
            "       lockstep report RUN_DIR",
            "CONFIG is a HOCON file of lockstep.* settings (see docs/configuration.md); --set overrides one of them.",
            "--resume continues the run in lockstep.run-dir from its newest checkpoint; --debug prints the stack"
                    + " trace of an error.");

    /** A command to run. */
    sealed interface Command permits Train, Fetch, Report, Help {
    }

    /** {@code lockstep train CONFIG [--set key=value]... [--resume]}. */
    record Train(Path config, List<String> sets, boolean resume) implements Command {
    }

    /** {@code lockstep data fetch DATASET [--dest DIR]}; {@code dest} null for the configured default. */
    record Fetch(String dataset, Path dest) implements Command {
    }

    /** {@code lockstep report RUN_DIR}: write the run directory's report.html. */
    record Report(Path runDir) implements Command {
    }

    /** {@code lockstep help}, {@code -h}, {@code --help}. */
    record Help() implements Command {
    }

    private CommandLine() {
    }

    /** Whether {@code --debug} is among the arguments (read before parsing, so parse errors honour it too). */
    static boolean debug(String[] args) {
        return List.of(args).contains("--debug");
    }

    static Command parse(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        rest.removeIf("--debug"::equals);
        if (rest.isEmpty()) {
            throw new UsageException("no command given");
        }
        String command = rest.remove(0);
        return switch (command) {
            case "train" -> train(rest);
            case "data" -> data(rest);
            case "report" -> report(rest);
            case "help", "-h", "--help" -> new Help();
            default -> throw new UsageException("unknown command '" + command + "' (train, data, report)");
        };
    }

    private static Report report(List<String> args) {
        if (args.size() != 1) {
            throw new UsageException("report takes one run directory, got " + args.size() + " arguments");
        }
        return new Report(Path.of(args.get(0)));
    }

    private static Train train(List<String> args) {
        Path config = null;
        List<String> sets = new ArrayList<>();
        boolean resume = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--resume")) {
                resume = true;
            } else if (arg.equals("--set")) {
                sets.add(valueOf("--set", args, ++i));
            } else if (arg.startsWith("--set=")) {
                sets.add(arg.substring("--set=".length()));
            } else if (arg.startsWith("-")) {
                throw new UsageException("train: unknown option '" + arg + "'");
            } else if (config == null) {
                config = Path.of(arg);
            } else {
                throw new UsageException("train: one CONFIG file only, got '" + config + "' and '" + arg + "'");
            }
        }
        if (config == null) {
            throw new UsageException("train: no CONFIG file given");
        }
        return new Train(config, List.copyOf(sets), resume);
    }

    private static Fetch data(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("fetch")) {
            throw new UsageException("data: expected 'data fetch DATASET'" + (args.isEmpty() ? "" : ", got '" + args.get(0) + "'"));
        }
        String dataset = null;
        Path dest = null;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--dest")) {
                dest = Path.of(valueOf("--dest", args, ++i));
            } else if (arg.startsWith("--dest=")) {
                dest = Path.of(arg.substring("--dest=".length()));
            } else if (arg.startsWith("-")) {
                throw new UsageException("data fetch: unknown option '" + arg + "'");
            } else if (dataset == null) {
                dataset = arg;
            } else {
                throw new UsageException("data fetch: one DATASET only, got '" + dataset + "' and '" + arg + "'");
            }
        }
        if (dataset == null) {
            throw new UsageException("data fetch: no DATASET given (fashion-mnist or mnist)");
        }
        return new Fetch(dataset, dest);
    }

    private static String valueOf(String option, List<String> args, int index) {
        if (index >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(index);
    }
}
