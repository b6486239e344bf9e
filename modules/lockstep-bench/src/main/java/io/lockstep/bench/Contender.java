package io.lockstep.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@link PeerBenchmark} runs side by side, in this order, each by the name the command line uses. The Java
 * contenders share one JVM, and each one after the first finds part of DL4J's, ND4J's and Spark's code compiled
 * by the JIT already (worth about a quarter of Lockstep's step time over two epochs): Lockstep W = 2, whose figures
 * the targets are about, runs first, from a cold JVM as a user's job starts.
 */
enum Contender {
    LOCKSTEP_W2("lockstep-w2", "Lockstep W=2"),
    LOCKSTEP_W1("lockstep-w1", "Lockstep W=1"),
    DL4J_FIT("dl4j-fit", "DL4J fit(), one JVM"),
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
