package io.lockstep.cli;

/**
 * A file the command was given that cannot be used (a missing or unparsable config file, a dataset that does not
 * fit the model). Its message is one line that names the file. Exit code 2.
 */
final class InputError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputError(String message) {
        super(ConfigError.oneLine(message));
    }

    InputError(String message, Throwable cause) {
        super(ConfigError.oneLine(message), cause);
    }
}
