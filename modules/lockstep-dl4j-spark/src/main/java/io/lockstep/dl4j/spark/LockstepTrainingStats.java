package io.lockstep.dl4j.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.io.FilenameUtils;
import org.apache.spark.SparkContext;
import org.deeplearning4j.core.util.UIDProvider;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.BaseEventStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.stats.ExampleCountEventStats;
import org.deeplearning4j.spark.stats.StatsUtils;

/**
 * Lockstep's timings through DL4J's {@link SparkTrainingStats} (what {@code SparkDl4jMultiLayer.getSparkTrainingStats()}
 * returns once {@code setCollectTrainingStats(true)}): per fit, the time to shard the data and the training time;
 * per step, its wall time on the driver and the driver's own part of it (reduce, clip, update). All on the driver,
 * so every event carries the driver's machine and JVM.
 */
public final class LockstepTrainingStats implements SparkTrainingStats {
    private static final long serialVersionUID = 1L;

    public static final String SHARD_TIMES_MS = "LockstepShardTimesMs";
    public static final String FIT_TIMES_MS = "LockstepFitTimesMs";
    public static final String STEP_TIMES_MS = "LockstepStepTimesMs";
    public static final String DRIVER_STEP_TIMES_MS = "LockstepDriverStepTimesMs";
    private static final String DELIMITER = ",";

    /** The events of every key, keys in display order. */
    private final Map<String, List<EventStats>> events = new LinkedHashMap<>();
    private transient Identity identity;

    public LockstepTrainingStats() {
        events.put(SHARD_TIMES_MS, new ArrayList<>());
        events.put(FIT_TIMES_MS, new ArrayList<>());
        events.put(STEP_TIMES_MS, new ArrayList<>());
        events.put(DRIVER_STEP_TIMES_MS, new ArrayList<>());
    }

    void logShard(long startMillis, long durationMillis, long examples) {
        events.get(SHARD_TIMES_MS).add(identity().examples(startMillis, durationMillis, examples));
    }

    void logFit(long startMillis, long durationMillis, long examples) {
        events.get(FIT_TIMES_MS).add(identity().examples(startMillis, durationMillis, examples));
    }

    void logStep(long endMillis, double stepMillis, double driverMillis) {
        events.get(STEP_TIMES_MS).add(identity().event(endMillis - Math.round(stepMillis), Math.round(stepMillis)));
        events.get(DRIVER_STEP_TIMES_MS).add(identity().event(endMillis - Math.round(driverMillis), Math.round(driverMillis)));
    }

    private Identity identity() {
        if (identity == null) {
            identity = new Identity();
        }
        return identity;
    }

    @Override
    public Set<String> getKeySet() {
        return events.keySet();
    }

    @Override
    public List<EventStats> getValue(String key) {
        List<EventStats> value = events.get(key);
        if (value == null) {
            throw new IllegalArgumentException("Unknown key: \"" + key + "\" (known: " + events.keySet() + ")");
        }
        return value;
    }

    @Override
    public String getShortNameForKey(String key) {
        switch (key) {
            case SHARD_TIMES_MS:
                return "Shard";
            case FIT_TIMES_MS:
                return "Fit";
            case STEP_TIMES_MS:
                return "Step";
            case DRIVER_STEP_TIMES_MS:
                return "DriverStep";
            default:
                throw new IllegalArgumentException("Unknown key: \"" + key + "\"");
        }
    }

    @Override
    public boolean defaultIncludeInPlots(String key) {
        return !FIT_TIMES_MS.equals(key);
    }

    @Override
    public void addOtherTrainingStats(SparkTrainingStats other) {
        if (!(other instanceof LockstepTrainingStats lockstep)) {
            throw new IllegalArgumentException("Expected LockstepTrainingStats, got "
                    + (other == null ? null : other.getClass()));
        }
        for (Map.Entry<String, List<EventStats>> entry : lockstep.events.entrySet()) {
            events.get(entry.getKey()).addAll(entry.getValue());
        }
    }

    @Override
    public SparkTrainingStats getNestedTrainingStats() {
        return null;
    }

    @Override
    public String statsAsString() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<EventStats>> entry : events.entrySet()) {
            out.append(String.format(DEFAULT_PRINT_FORMAT, entry.getKey()));
            out.append(entry.getValue().isEmpty() ? "-" : StatsUtils.getDurationAsString(entry.getValue(), DELIMITER));
            out.append('\n');
        }
        return out.toString();
    }

    @Override
    public void exportStatFiles(String outputPath, SparkContext sc) throws IOException {
        for (Map.Entry<String, List<EventStats>> entry : events.entrySet()) {
            StatsUtils.exportStats(entry.getValue(), FilenameUtils.concat(outputPath, entry.getKey() + ".txt"),
                    DELIMITER, sc);
        }
    }

    /** The driver's identity, looked up once (DL4J's BaseEventStats would look it up per event). */
    private static final class Identity {
        private final String machine = UIDProvider.getHardwareUID();
        private final String jvm = UIDProvider.getJVMUID();

        EventStats event(long startMillis, long durationMillis) {
            return new BaseEventStats(machine, jvm, Thread.currentThread().getId(), startMillis, durationMillis);
        }

        EventStats examples(long startMillis, long durationMillis, long examples) {
            return new ExampleCountEventStats(machine, jvm, Thread.currentThread().getId(), startMillis,
                    durationMillis, Math.toIntExact(examples));
        }
    }
}
