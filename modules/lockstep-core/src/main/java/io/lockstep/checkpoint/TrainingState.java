package io.lockstep.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What, besides the network (parameters, optimizer state, running statistics, iteration and epoch counts, all in
 * DL4J's model file), a run needs to continue exactly: the next step, the seed that fixes the data order, a
 * fingerprint of the configuration it was trained with, and the counters of the run so far.
 *
 * @param nextStep          the first step a resumed run executes
 * @param configFingerprint what the run was configured with (a resumed run must match it)
 */
public record TrainingState(long nextStep, long seed, String configFingerprint, long skippedSteps, long clippedSteps,
                            long examples) {

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("next_step", nextStep);
        map.put("seed", seed);
        map.put("config_fingerprint", configFingerprint);
        map.put("skipped_steps", skippedSteps);
        map.put("clipped_steps", clippedSteps);
        map.put("examples", examples);
        return map;
    }

    static TrainingState fromMap(Map<String, Object> map) {
        return new TrainingState(number(map, "next_step"), number(map, "seed"), (String) map.get("config_fingerprint"),
                number(map, "skipped_steps"), number(map, "clipped_steps"), number(map, "examples"));
    }

    private static long number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("state.json: '" + key + "' is missing or not a number");
        }
        return number.longValue();
    }
}
