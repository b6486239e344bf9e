package io.lockstep.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One input file of a dataset, opened through Hadoop's {@link FileSystem} (so file://, hdfs:// and s3a:// paths all
 * work), that names itself by its fully qualified path in every {@link DataFormatException} it makes.
 */
final class DataFile implements Closeable {
    private final String name;
    private final long length;
    private final InputStream in;

    private DataFile(String name, long length, InputStream in) {
        this.name = name;
        this.length = length;
        this.in = in;
    }

    /** Opens {@code path} for buffered reading, or fails with "file not found" or the reason it cannot be opened. */
    static DataFile open(Path path, Configuration conf) {
        String name = path.toString();
        try {
            FileSystem fs = path.getFileSystem(conf);
            name = fs.makeQualified(path).toString();
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                throw new DataFormatException(name, "is a directory, not a file");
            }
            return new DataFile(name, status.getLen(), new BufferedInputStream(fs.open(path), 1 << 16));
        } catch (FileNotFoundException e) {
            throw new DataFormatException(name, "file not found", e);
        } catch (IOException e) {
            throw new DataFormatException(name, "cannot open: " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    /** The length in bytes as the file system reports it (of the file as stored, so compressed if it is). */
    long length() {
        return length;
    }

    InputStream stream() {
        return in;
    }

    DataFormatException problem(String problem) {
        return new DataFormatException(name, problem);
    }

    DataFormatException problem(String problem, Throwable cause) {
        return new DataFormatException(name, problem, cause);
    }

    /**
     * Reads into {@code buffer[offset .. offset + length)} until it is full or the stream ends, and returns the
     * number of bytes read. A compressed stream cut short (EOFException) counts as an end: the caller reports the
     * truncation with what it knows of the expected content.
     */
    static int readUpTo(InputStream in, byte[] buffer, int offset, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int read;
            try {
                read = in.read(buffer, offset + total, length - total);
            } catch (EOFException e) {
                break;
            }
            if (read < 0) {
                break;
            }
            total += read;
        }
        return total;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Only read from: nothing was lost, and the data already read is complete and checked.
        }
    }
}
