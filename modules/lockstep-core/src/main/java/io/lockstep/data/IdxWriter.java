package io.lockstep.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Writes single-channel {@link LabeledImages} as an IDX images file and an IDX labels file (see {@link IdxReader}). */
final class IdxWriter {
    private IdxWriter() {
    }

    /** Writes the {@code 0x00000803} header (count, rows, columns) and the pixels; does not close {@code out}. */
    static void writeImages(LabeledImages images, OutputStream out) throws IOException {
        if (images.channels() != 1) {
            throw new IllegalArgumentException("IDX holds single-channel images, got " + images.channels() + " channels");
        }
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(IdxReader.IMAGES_MAGIC);
        data.writeInt(images.count());
        data.writeInt(images.height());
        data.writeInt(images.width());
        for (int i = 0; i < images.count(); i++) {
            data.write(images.image(i));
        }
        data.flush();
    }

    /** Writes the {@code 0x00000801} header (count) and the labels; does not close {@code out}. */
    static void writeLabels(LabeledImages images, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(IdxReader.LABELS_MAGIC);
        data.writeInt(images.count());
        for (int i = 0; i < images.count(); i++) {
            data.writeByte(images.label(i));
        }
        data.flush();
    }
}
