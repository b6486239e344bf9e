package io.lockstep.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@link PeerBenchmark} runs side by side, in this order, each by the name the command line uses. */
enum Contender {
    DL4J_FIT("dl4j-fit", "DL4J fit(), one JVM"),
    LOCKSTEP_W1("lockstep-w1", "Lockstep W=1"),
    LOCKSTEP_W2("lockstep-w2", "Lockstep W=2"),
    PARAM_AVG("paramavg", "DL4J ParameterAveragingTrainingMaster"),
    PYTORCH("pytorch", "PyTorch CPU");

    private final String id;
    private final String label;

    Contender(String id, String label) {
        this.id = id;
        this.label = label;
    }

    String id() {
        return id;
    }

    String label() {
        return label;
    }

    static Contender of(String id) {
        for (Contender c : values()) {
            if (c.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("--contenders: unknown contender '" + id + "' (known: " + ids() + ")");
    }

    static String ids() {
        return Arrays.stream(values()).map(Contender::id).collect(Collectors.joining(","));
    }
}
