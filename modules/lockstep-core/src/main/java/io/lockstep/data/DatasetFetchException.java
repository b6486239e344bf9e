package io.lockstep.data;

/**
 * A dataset that {@link DatasetFetcher} could not fetch: a missing tool, a failed package download, a checksum
 * mismatch. The message is one line that says what to do or names the offending file.
 */
public class DatasetFetchException extends RuntimeException {
    public DatasetFetchException(String message) {
        super(oneLine(message));
    }

    public DatasetFetchException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Messages may quote a tool's output or an I/O exception's message, which can span lines. */
    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
