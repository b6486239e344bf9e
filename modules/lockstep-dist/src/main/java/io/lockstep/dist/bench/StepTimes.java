package io.lockstep.dist.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lockstep's step time from a run's {@code metrics.jsonl}: the {@code step_ms} of every step after the warm-up (the
 * driver's time from one step's reply to the next, i.e. the whole period of a step as the workers see it). Lines
 * without {@code step_ms} (evaluations) are not steps.
 * {@code java -cp APP_JAR io.lockstep.dist.bench.StepTimes METRICS_JSONL [--warmup N]}. Prints one JSON line.
 */
public final class StepTimes {
    private static final Pattern STEP = Pattern.compile("\"step\":(\\d+)");
    private static final Pattern STEP_MS = Pattern.compile("\"step_ms\":([0-9.eE+-]+)");

    private StepTimes() {
    }

    public static void main(String[] args) throws IOException {
        Path metrics = Path.of(args[0]);
        int warmup = args.length >= 3 && args[1].equals("--warmup") ? Integer.parseInt(args[2]) : 20;
        List<String> lines = Files.readAllLines(metrics, StandardCharsets.UTF_8);
        double[] millis = lines.stream()
                .filter(line -> line.contains("\"step_ms\":")) // step records, not evaluations
                .filter(line -> {
                    Matcher step = STEP.matcher(line);
                    return step.find() && Long.parseLong(step.group(1)) >= warmup;
                })
                .mapToDouble(line -> {
                    Matcher ms = STEP_MS.matcher(line);
                    ms.find();
                    return Double.parseDouble(ms.group(1));
                })
                .toArray();
        System.out.println(String.format(Locale.ROOT, "{\"kind\":\"lockstep_step\",\"metrics\":\"%s\",\"timing\":%s}",
                metrics, Timings.ofMillis(millis).json()));
    }
}
