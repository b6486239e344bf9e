package io.lockstep.cli;

/** A command line that cannot be run: an unknown command or option, a missing argument. Exit code 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
