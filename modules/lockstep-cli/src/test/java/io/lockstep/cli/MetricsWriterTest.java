package io.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.step.BatchNormSummary;
import io.lockstep.step.StepDiagnostics;
import io.lockstep.step.StepOutcome;
import io.lockstep.step.StepOutcome.Intervention;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines of metrics.jsonl. */
class MetricsWriterTest {

    @Test
    void oneJsonObjectPerStep() throws IOException {
        StringWriter text = new StringWriter();
        try (MetricsWriter metrics = new MetricsWriter(new BufferedWriter(text))) {
            metrics.onStep(new StepOutcome(7, 128, 0.25, 2.0, 0.5, 1e-3, Intervention.NONE, null), 1, 40.5, 2.25);
        }
        assertEquals("{\"step\":7,\"epoch\":1,\"loss\":0.25,\"grad_norm\":2.0,\"clip_coef\":0.5,\"lr\":0.001,"
                + "\"examples\":128,\"step_ms\":40.5,\"comm_ms\":38.25,\"skipped\":false,\"intervention\":\"none\"}"
                + System.lineSeparator(), text.toString());
    }

    @Test
    void perLayerDiagnostics() throws IOException {
        StringWriter text = new StringWriter();
        StepDiagnostics diagnostics = new StepDiagnostics(Map.of("0", 1.5), Map.of("0", Double.NaN),
                Map.of("1", new BatchNormSummary(0.25, 2.0, 0.5, Double.POSITIVE_INFINITY)));
        try (MetricsWriter metrics = new MetricsWriter(new BufferedWriter(text))) {
            metrics.onStep(new StepOutcome(1, 8, 0.5, 1.5, 1, 1e-3, Intervention.NONE, diagnostics), 0, 2, 1);
        }
        assertTrue(text.toString().endsWith(",\"layer_grad_norm\":{\"0\":1.5},\"layer_update_ratio\":{\"0\":null},"
                + "\"layer_bn\":{\"1\":{\"mean_abs\":0.25,\"var_mean\":2.0,\"var_min\":0.5,\"var_max\":null}}}"
                + System.lineSeparator()), text.toString());
    }

    @Test
    void numbersThatJsonCannotHoldAreNull() throws IOException {
        StringWriter text = new StringWriter();
        try (MetricsWriter metrics = new MetricsWriter(new BufferedWriter(text))) {
            metrics.onStep(new StepOutcome(3, 64, Double.NaN, Double.POSITIVE_INFINITY, 1, 1e-3,
                    Intervention.SKIPPED_NON_FINITE, null), 0, 10, 1);
        }
        assertEquals("{\"step\":3,\"epoch\":0,\"loss\":null,\"grad_norm\":null,\"clip_coef\":1.0,\"lr\":0.001,"
                + "\"examples\":64,\"step_ms\":10.0,\"comm_ms\":9.0,\"skipped\":true,"
                + "\"intervention\":\"skipped_non_finite\"}" + System.lineSeparator(), text.toString());
    }
}
