package io.lockstep.cli;

/**
 * A configuration value that cannot be used. Its message is one line, {@code <origin>: <key>: <problem>}, where the
 * origin is the file (or {@code --set}) the value came from, so that the user knows what to edit:
 * {@code examples/x.conf: lockstep.train.batch-size: must be >= lockstep.workers (2), got 1}.
 *
 * <p>{@link TrainConfig} knows keys, not files: it throws errors without an origin, and {@link ConfigLoader}
 * places them with {@link #at}.
 */
final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String origin;
    private final String key;
    private final String problem;

    /** An error about {@code key} whose origin is not known yet. */
    ConfigError(String key, String problem) {
        this(null, key, problem);
    }

    ConfigError(String origin, String key, String problem) {
        super(oneLine((origin == null ? "" : origin + ": ") + key + ": " + problem));
        this.origin = origin;
        this.key = key;
        this.problem = problem;
    }

    /** The same error, placed in {@code where} (a file name, or {@code --set}). */
    ConfigError at(String where) {
        ConfigError placed = new ConfigError(where, key, problem);
        placed.setStackTrace(getStackTrace());
        return placed;
    }

    /** The file or {@code --set} the offending value came from; null until {@link #at}. */
    String origin() {
        return origin;
    }

    /** What is wrong with the value, without the origin and the key. */
    String problem() {
        return problem;
    }

    /** The full key, {@code lockstep.train.batch-size}. */
    String key() {
        return key;
    }

    static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
