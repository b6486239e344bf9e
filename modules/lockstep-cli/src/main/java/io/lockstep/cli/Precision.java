package io.lockstep.cli;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/** {@code lockstep.dtype}: the floating-point type of parameters, activations and gradients. */
enum Precision {
    FLOAT(DataType.FLOAT),
    DOUBLE(DataType.DOUBLE);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    DataType dataType() {
        return dataType;
    }

    String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
