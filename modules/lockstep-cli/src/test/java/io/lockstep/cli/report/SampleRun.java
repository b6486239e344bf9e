package io.lockstep.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run directory with 120 steps of plausible metrics: a loss that falls, an explosion in layer 2 at steps 80 to 89
 * that SyncBN layer 1's batch variance follows.
 */
final class SampleRun {
    static final int STEPS = 120;

    private SampleRun() {
    }

    /** The sample run of a network with SyncBN layers 1 and 3. */
    static Path write(Path dir) throws IOException {
        return write(dir, true);
    }

    /** @param batchNorm whether the network has SyncBN layers (and the steps their {@code layer_bn} field) */
    static Path write(Path dir, boolean batchNorm) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            double explosion = step >= 80 && step < 90 ? 50 : 1;
            String batchNormField = !batchNorm ? "" : String.format(Locale.ROOT, ",\"layer_bn\":{"
                    + "\"1\":{\"mean_abs\":0.1,\"var_mean\":%.4f,\"var_min\":0.01,\"var_max\":%.4f},"
                    + "\"3\":{\"mean_abs\":0.2,\"var_mean\":0.6,\"var_min\":0.2,\"var_max\":1.5}}",
                    0.9 * explosion, 3.0 * explosion);
            lines.add(String.format(Locale.ROOT, "{\"step\":%d,\"epoch\":%d,\"loss\":%.4f,\"grad_norm\":%.4f,\"clip_coef\":%.4f,"
                            + "\"lr\":0.001,\"examples\":128,\"step_ms\":%.1f,\"comm_ms\":%.1f,\"skipped\":false,"
                            + "\"layer_grad_norm\":{\"0\":%.4f,\"1\":%.4f,\"2\":%.4f}%s}",
                    step, step / 40, 2.3 * Math.exp(-step / 40.0) + 0.2, 2.0 * explosion, explosion > 1 ? 0.05 : 1.0,
                    300.0 + step % 7, 20.0 + step % 3, 0.5, 0.8, 1.2 * explosion, batchNormField));
            if (step % 40 == 39) {
                lines.add(String.format(Locale.ROOT, "{\"type\":\"eval\",\"step\":%d,\"epoch\":%d,\"test_accuracy\":%.3f}",
                        step, step / 40, 0.7 + 0.08 * (step / 40)));
            }
        }
        Files.write(dir.resolve("metrics.jsonl"), lines, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.json"), "{\"epochs\":3,\"test_accuracy\":0.86,\"clip_global_norm\":5.0,"
                + "\"images_per_second\":410.5,\"workers\":2}");
        return dir;
    }
}
