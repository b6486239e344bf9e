package io.lockstep.cli;

import java.util.Map;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

/**
 * JSON for the run directory's files, with the Jackson that DL4J already ships (shaded), so that Lockstep adds no
 * JSON library of its own. Numbers that JSON cannot hold (NaN, infinities) are written as {@code null}.
 */
final class Json {
    private static final ObjectMapper COMPACT = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** One line: a metrics.jsonl record. */
    static String line(Map<String, ?> object) {
        return write(COMPACT, object);
    }

    /** Indented, ending with a newline: summary.json. */
    static String document(Map<String, ?> object) {
        return write(PRETTY, object) + System.lineSeparator();
    }

    /** {@code value}, or null when it is NaN or infinite. */
    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String write(ObjectMapper mapper, Map<String, ?> object) {
        try {
            return mapper.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON of maps, lists, strings and numbers: " + e.getMessage(), e);
        }
    }
}
