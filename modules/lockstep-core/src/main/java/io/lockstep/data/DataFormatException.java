package io.lockstep.data;

/**
 * A dataset file that cannot be used: missing, unreadable, or not in the format it should be in.
 *
 * <p>The message is always one line, {@code <file>: <problem>}, with the file's full path (scheme included,
 * as Hadoop qualifies it), so that a failed job's log names the file to fix without a stack trace.
 */
public class DataFormatException extends RuntimeException {
    private final String file;

    public DataFormatException(String file, String problem) {
        super(oneLine(file + ": " + problem));
        this.file = file;
    }

    public DataFormatException(String file, String problem, Throwable cause) {
        super(oneLine(file + ": " + problem), cause);
        this.file = file;
    }

    /** The full path of the offending file. */
    public String file() {
        return file;
    }

    /** Problems may quote an I/O exception's own message, which can span lines. */
    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
