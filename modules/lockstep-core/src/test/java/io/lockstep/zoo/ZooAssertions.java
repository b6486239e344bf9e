package io.lockstep.zoo;

import io.lockstep.model.Network;
import io.lockstep.model.ParameterLayout;
import org.deeplearning4j.nn.api.Model;

/** Shared helpers of the model-zoo tests. */
final class ZooAssertions {
    private ZooAssertions() {
    }

    /** Parameters the optimizer updates: all but the SyncBN running means and variances. */
    static long trainableParameters(Model model) {
        return ParameterLayout.of(Network.of(model)).trainableSlots().stream()
                .mapToLong(ParameterLayout.Slot::length)
                .sum();
    }

    static long runningStatistics(Model model) {
        return ParameterLayout.of(Network.of(model)).runningStatisticSlots().stream()
                .mapToLong(ParameterLayout.Slot::length)
                .sum();
    }
}
